package dev.paraglue.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentWriterTest {
  private static final List<String> ROOTS =
      List.of("/data/out", "/data/out/", "out", "file:///data/out", "s3://bucket/out", "s3a://b/o");

  private static final List<String> KEYS =
      List.of(
          "a.txt",
          "part-001/doc-000123.txt",
          "a:b/c d.txt",
          "100%/x#y?z.txt",
          "café/東京.txt",
          ".hidden/..x/x..",
          "a//b",
          "a/./b",
          "a/../b",
          "./a",
          "../a",
          "a/",
          "/a",
          ".",
          "..",
          "",
          "a\\b");

  /**
   * The URI a ledger row names is what Hadoop's Path makes of the key, whichever way it is built.
   */
  @Test
  void publishedUri_equalsHadoopsPathOfTheKey_forPlainAndAwkwardKeys() {
    for (String root : ROOTS) {
      DocumentWriter writer = new DocumentWriter(root, "run-1");
      for (String key : KEYS) {
        if (key.isEmpty() || key.equals("/a")) {
          continue; // not a key: a doc_id is a relative path with a name
        }
        assertThat(writer.publishedUri(key))
            .as("root %s key %s", root, key)
            .isEqualTo(writer.published(key).toString());
      }
    }
  }

  @Test
  void plainKey_refusesEveryNameHadoopWouldChange() {
    assertThat(KEYS.stream().filter(DocumentWriter::plainKey))
        .containsExactly(
            "a.txt",
            "part-001/doc-000123.txt",
            "a:b/c d.txt",
            "100%/x#y?z.txt",
            "café/東京.txt",
            ".hidden/..x/x..");
  }

  /** Staged in folders made once per writer, then published over the old objects: exact bytes. */
  @Test
  void stagedDocumentsInSharedFolders_arePublishedWhole(@TempDir Path dir) throws Exception {
    Configuration conf = new Configuration();
    DocumentWriter writer = new DocumentWriter(dir.toString(), "run-1");
    Files.createDirectories(dir.resolve("documents/p"));
    Files.writeString(dir.resolve("documents/p/b.txt"), "old and longer\n");
    List<String> keys = List.of("p/a.txt", "p/b.txt", "q/r/c.txt");
    for (String key : keys) {
      byte[] text = ("text of " + key + "\n").repeat(200).getBytes(StandardCharsets.UTF_8);
      try (var out = writer.create(key, 1, conf)) {
        out.write(text);
      }
      assertThat(writer.stagedLength(key, conf)).isEqualTo(text.length);
    }
    for (String key : keys) {
      writer.publish(key, conf);
    }
    for (String key : keys) {
      assertThat(Files.readString(dir.resolve("documents").resolve(key)))
          .isEqualTo(("text of " + key + "\n").repeat(200));
    }
  }

  private static void stage(DocumentWriter writer, String key, Configuration conf)
      throws Exception {
    try (var out = writer.create(key, 1, conf)) {
      out.write(("new " + key + "\n").getBytes(StandardCharsets.UTF_8));
    }
  }

  private static Object folderKey(Path folder) throws Exception {
    return Files.readAttributes(folder, java.nio.file.attribute.BasicFileAttributes.class)
        .fileKey();
  }

  /**
   * A staging folder that holds exactly the keys to publish, new to documents/, is renamed whole
   * (the published folder is the staged one); a folder with a stray staged object (a document not
   * to publish) and a folder that is already published go key by key, keeping what is there.
   */
  @Test
  void publishAll_movesNewFoldersWhole_andMergesTheOthersKeyByKey(@TempDir Path dir)
      throws Exception {
    Configuration conf = new Configuration();
    DocumentWriter writer = new DocumentWriter(dir.toString(), "run-1");
    Files.createDirectories(dir.resolve("documents/old"));
    Files.writeString(dir.resolve("documents/old/kept.txt"), "kept\n");
    Files.writeString(dir.resolve("documents/old/b.txt"), "old and longer\n");
    List<String> keys =
        List.of("new/a.txt", "new/b.txt", "old/b.txt", "mixed/a.txt", "x/y/z.txt", "top.txt");
    for (String key : keys) {
      stage(writer, key, conf);
    }
    stage(writer, "mixed/stray.txt", conf);
    Object newFolder = folderKey(dir.resolve("_staging/run-1/new"));
    Object nestedFolder = folderKey(dir.resolve("_staging/run-1/x/y"));

    assertThat(writer.publishAll(keys, conf)).isEqualTo(2);

    assertThat(folderKey(dir.resolve("documents/new"))).isEqualTo(newFolder);
    assertThat(folderKey(dir.resolve("documents/x/y"))).isEqualTo(nestedFolder);
    for (String key : keys) {
      assertThat(Files.readString(dir.resolve("documents").resolve(key)))
          .isEqualTo("new " + key + "\n");
    }
    assertThat(Files.readString(dir.resolve("documents/old/kept.txt"))).isEqualTo("kept\n");
    assertThat(dir.resolve("documents/mixed/stray.txt")).doesNotExist();
    assertThat(dir.resolve("_staging/run-1/mixed/stray.txt")).exists();
    try (var listed = Files.list(dir.resolve("documents/new"))) {
      assertThat(listed).hasSize(2);
    }
  }

  private static void file(Path path, long modifiedMillis) throws Exception {
    Files.createDirectories(path.getParent());
    Files.writeString(path, "staged\n");
    Files.setLastModifiedTime(path, java.nio.file.attribute.FileTime.fromMillis(modifiedMillis));
  }

  /**
   * Another run's staging folder goes once no file in it, however deep, was modified at or after
   * the cutoff; one recent file keeps a folder (its run may be live), and the run's own stays.
   */
  @Test
  void removeStaleStaging_removesOtherRunsFoldersWithNothingRecent(@TempDir Path dir)
      throws Exception {
    long cutoff = 1_700_000_000_000L;
    Path staging = dir.resolve("_staging");
    file(staging.resolve("killed/a/x.txt"), cutoff - 1);
    file(staging.resolve("killed/b/c/y.txt"), cutoff - 86_400_000);
    file(staging.resolve("live/a/x.txt"), cutoff - 1);
    file(staging.resolve("live/b/c/y.txt"), cutoff);
    file(staging.resolve("run-1/z.txt"), cutoff - 1);
    file(staging.resolve("stray.txt"), cutoff - 1);
    file(staging.resolve("recent.txt"), cutoff + 1);
    Files.createDirectories(staging.resolve("empty/folder"));

    DocumentWriter writer = new DocumentWriter(dir.toString(), "run-1");
    assertThat(writer.removeStaleStaging(new Configuration(), cutoff)).isEqualTo(3);

    try (var left = Files.list(staging)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("live", "run-1", "recent.txt");
    }
    assertThat(staging.resolve("live/a/x.txt")).exists();
  }
}
