package dev.paraglue.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoresTest {
  @TempDir Path dir;

  @Test
  void writeWhole_locally_createsFoldersReplacesTheObject_andLeavesNoTemporaryFile()
      throws Exception {
    Path target = dir.resolve("out/_runs/r1.json");
    org.apache.hadoop.fs.Path uri = new org.apache.hadoop.fs.Path(target.toUri());

    ObjectStores.writeWhole(uri, "first".getBytes(UTF_8), "r1", new Configuration());
    ObjectStores.writeWhole(uri, "second".getBytes(UTF_8), "r2", new Configuration());

    assertThat(target).hasContent("second");
    try (var files = Files.list(target.getParent())) {
      assertThat(files).containsExactly(target);
    }
  }
}
