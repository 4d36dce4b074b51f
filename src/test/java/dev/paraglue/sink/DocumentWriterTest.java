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
}
