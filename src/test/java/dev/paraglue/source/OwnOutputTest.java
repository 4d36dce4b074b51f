package dev.paraglue.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's own output compared as qualified paths, and walked around by the local listing. */
class OwnOutputTest {
  private static OwnOutput outputAt(String uri) {
    return new OwnOutput(List.of(OwnOutput.folder(new Path(uri), "--output_path " + uri)));
  }

  @Test
  void s3AndS3aOfOneBucket_areOnePlace_andASiblingWithTheSameStart_isNot() {
    OwnOutput own = outputAt("s3://bucket/data/out/");

    assertThat(own.enclosing(new Path("s3a://bucket/data/out/documents/a.txt")))
        .contains("lies inside --output_path s3://bucket/data/out/");
    assertThat(own.enclosing(new Path("s3a://bucket/data/out"))).isPresent();
    assertThat(own.enclosing(new Path("s3n://BUCKET/data/x/../out/_runs/r.json"))).isPresent();
    assertThat(own.enclosing(new Path("s3a://bucket/data/out2/a.txt"))).isEmpty();
    assertThat(own.enclosing(new Path("s3a://other/data/out/a.txt"))).isEmpty();
    assertThat(own.enclosing(new Path("file:/data/out/a.txt"))).isEmpty();
    assertThat(own.enclosing(new Path("s3a://bucket/data"))).isEmpty();
  }

  @Test
  void aPlaceBelowAPrefix_isSeenFromEveryFolderAboveIt_andABucketRootHoldsEverything() {
    OwnOutput own = outputAt("s3a://bucket/data/out");
    assertThat(own.liesBelow(new Path("s3://bucket/"))).isTrue();
    assertThat(own.liesBelow(new Path("s3a://bucket/data"))).isTrue();
    assertThat(own.liesBelow(new Path("s3a://bucket/data/out"))).isFalse();
    assertThat(own.liesBelow(new Path("s3a://bucket/dat"))).isFalse();
    assertThat(own.liesBelow(new Path("s3a://bucket/data/raw"))).isFalse();

    assertThat(outputAt("s3a://bucket/").enclosing(new Path("s3://bucket/raw/a.txt"))).isPresent();
  }

  @Test
  void theLocalWalk_prunesOurFolder_withoutListingIt(@TempDir java.nio.file.Path dir)
      throws IOException {
    for (String f : List.of("a.txt", "sub/b.txt", "out/documents/a.txt", "out/_runs/r.json")) {
      java.nio.file.Path p = dir.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "text\n", UTF_8);
    }
    List<Path> listed = new ArrayList<>();
    FileSystem fs =
        new FilterFileSystem(FileSystem.getLocal(new Configuration())) {
          @Override
          public FileStatus[] listStatus(Path p) throws IOException {
            listed.add(p);
            return super.listStatus(p);
          }
        };
    Path root = new Path(dir.toUri());
    OwnOutput own = outputAt(dir.resolve("out").toUri().toString());

    List<String> files =
        SourceListing.listRecursively(fs, root, own).stream()
            .map(s -> SourcePaths.relative(root, s.getPath()))
            .sorted()
            .toList();

    assertThat(files).containsExactly("a.txt", "sub/b.txt");
    assertThat(listed).extracting(OwnOutput::key).noneMatch(k -> k.contains("/out"));
    assertThat(own.prunedFolders()).isEqualTo(1);
    assertThat(own.skippedObjects()).isZero();
  }

  @Test
  void theLocalListing_givesWhatHadoopsListingGives(@TempDir java.nio.file.Path dir)
      throws IOException {
    for (String f : List.of("a b.txt", "sub/100%.txt", "sub/x#y é.txt", "sub/.c.txt.crc")) {
      java.nio.file.Path p = dir.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, f, UTF_8);
    }
    Files.createSymbolicLink(dir.resolve("link.txt"), dir.resolve("a b.txt"));
    Files.createSymbolicLink(dir.resolve("sub/dangling.txt"), dir.resolve("gone.txt"));
    FileSystem fs = FileSystem.getLocal(new Configuration());
    Path root = fs.makeQualified(new Path(dir.toUri()));

    List<FileStatus> ours = SourceListing.listRecursively(fs, root, outputAt("file:/nowhere"));

    List<FileStatus> hadoops = new ArrayList<>();
    walk(fs, root, hadoops);
    assertThat(ours).hasSize(4);
    assertThat(ours.stream().map(OwnOutputTest::describe).sorted())
        .containsExactlyElementsOf(hadoops.stream().map(OwnOutputTest::describe).sorted().toList());
  }

  private static void walk(FileSystem fs, Path dir, List<FileStatus> out) throws IOException {
    for (FileStatus f : fs.listStatus(dir)) {
      if (f.isDirectory()) {
        walk(fs, f.getPath(), out);
      } else {
        out.add(f);
      }
    }
  }

  private static String describe(FileStatus f) {
    return f.getPath() + " " + f.getLen() + " " + f.getModificationTime();
  }
}
