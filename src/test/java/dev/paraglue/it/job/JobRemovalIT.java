package dev.paraglue.it.job;

import static dev.paraglue.TestBytes.bytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.job.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code --remove_missing}: a source gone from every kind of root takes its rows, output and ledger
 * row with it, and comes back when it returns.
 */
class JobRemovalIT extends JobITSupport {
  /**
   * --remove_missing at each kind of root: the table's location (with and without a partition
   * filter), a listed prefix, a named object, a manifest entry. A removed document loses its rows,
   * its reassembled document and its rejection record, and the ledger calls it removed; a rerun
   * removes nothing more; a document that comes back is processed like a new one.
   */
  @Test
  void removeMissing_atEveryKindOfRoot_andARemovedDocumentComesBack() throws Exception {
    Path raw = home.resolve("rm/raw");
    Path out = home.resolve("rm/out");
    put(raw.resolve("dt=1/a.txt"), "alpha\n\nbeta\n".getBytes(UTF_8));
    put(raw.resolve("dt=1/b.txt"), "bee\n".getBytes(UTF_8));
    put(raw.resolve("dt=2/c.txt"), "sea\n".getBytes(UTF_8));
    put(raw.resolve("dt=2/bad.txt"), bytes("x", 0xFF));
    registerTable("rm.raw", raw);
    String[] table = {"--source_table", "rm.raw"};
    assertThat(run(args("rm", out, table)).exitCode()).isZero();
    assertThat(out.resolve("_rejected/dt=2/bad.txt.json")).exists();

    // The table's location: a processed and a rejected document go.
    Files.delete(raw.resolve("dt=1/a.txt"));
    Files.delete(raw.resolve("dt=2/bad.txt"));
    RunResult notAsked = run(args("rm", out, table));
    assertThat(notAsked.report().get().count("removed")).isZero();
    assertThat(rowsByDoc("rm.paragraphs")).containsKey("dt=1/a.txt");
    RunResult removed =
        run(args("rm", out, "--source_table", "rm.raw", "--remove_missing", "true"));
    assertThat(removed.exitCode()).as(removed.message()).isZero();
    assertThat(removed.report().get().count("removed")).isEqualTo(2);
    assertThat(rowsByDoc("rm.paragraphs").keySet())
        .containsExactlyInAnyOrder("dt=1/b.txt", "dt=2/c.txt");
    assertThat(out.resolve("documents/dt=1/a.txt")).doesNotExist();
    assertThat(out.resolve("_rejected/dt=2/bad.txt.json")).doesNotExist();
    assertThat(status("rm.documents"))
        .containsEntry("dt=1/a.txt", "removed")
        .containsEntry("dt=2/bad.txt", "removed")
        .containsEntry("dt=1/b.txt", "ok");
    RunResult again = run(args("rm", out, "--source_table", "rm.raw", "--remove_missing", "true"));
    assertThat(again.report().get().count("removed")).isZero();

    // Within a partition filter only: b (dt=1) is outside it and stays.
    Files.delete(raw.resolve("dt=1/b.txt"));
    Files.delete(raw.resolve("dt=2/c.txt"));
    RunResult filtered =
        run(
            args(
                "rm",
                out,
                "--source_table",
                "rm.raw",
                "--partition_filter",
                "dt = '2'",
                "--remove_missing",
                "true"));
    assertThat(filtered.report().get().count("removed")).isEqualTo(1);
    assertThat(status("rm.documents"))
        .containsEntry("dt=2/c.txt", "removed")
        .containsEntry("dt=1/b.txt", "ok");

    // It comes back: processed like a new document.
    put(raw.resolve("dt=1/a.txt"), "alpha again\n".getBytes(UTF_8));
    RunResult back = run(args("rm", out, "--source_table", "rm.raw", "--remove_missing", "true"));
    assertThat(back.report().get().count("processed")).isEqualTo(1);
    assertThat(back.report().get().count("removed")).isEqualTo(1); // b, now outside no filter
    assertThat(Files.readString(out.resolve("documents/dt=1/a.txt"))).isEqualTo("alpha again\n");
    assertThat(status("rm.documents")).containsEntry("dt=1/a.txt", "ok");

    // A listed prefix, a named object and a manifest entry.
    Path dir = home.resolve("rm/dir");
    put(dir.resolve("x.txt"), "ex\n".getBytes(UTF_8));
    put(dir.resolve("y.txt"), "why\n".getBytes(UTF_8));
    put(dir.resolve("sub/z.txt"), "zed\n".getBytes(UTF_8));
    Path out2 = home.resolve("rm/out2");
    assertThat(run(args("rm2", out2, "--source_paths", dir.toUri().toString())).exitCode())
        .isZero();
    Files.delete(dir.resolve("y.txt"));
    RunResult prefix =
        run(
            args(
                "rm2", out2, "--source_paths", dir.toUri().toString(), "--remove_missing", "true"));
    assertThat(prefix.report().get().count("removed")).isEqualTo(1);
    Files.delete(dir.resolve("sub/z.txt"));
    RunResult named =
        run(
            args(
                "rm2",
                out2,
                "--source_paths",
                dir.resolve("sub/z.txt").toUri().toString(),
                "--remove_missing",
                "true"));
    assertThat(named.exitCode()).as(named.message()).isZero();
    assertThat(named.report().get().count("removed")).isEqualTo(1);
    Files.delete(dir.resolve("x.txt"));
    Path manifest = home.resolve("rm/manifest.txt");
    Files.writeString(manifest, dir.resolve("x.txt").toUri() + "\n");
    RunResult listed =
        run(
            args(
                "rm2",
                out2,
                "--source_manifest",
                manifest.toUri().toString(),
                "--remove_missing",
                "true"));
    assertThat(listed.report().get().count("removed")).isEqualTo(1);
    assertThat(listed.report().get().rejected()).isEmpty();
    assertThat(spark.table("rm2.paragraphs").count()).isZero();
    assertThat(status("rm2.documents").values()).containsOnly("removed");
    try (java.util.stream.Stream<Path> left = Files.walk(out2.resolve("documents"))) {
      assertThat(left.filter(Files::isRegularFile)).isEmpty();
    }
  }

  static Map<String, String> status(String table) {
    Map<String, String> m = new HashMap<>();
    spark
        .table(table)
        .select("doc_id", "status")
        .collectAsList()
        .forEach(r -> m.put(r.getString(0), r.getString(1)));
    return m;
  }
}
