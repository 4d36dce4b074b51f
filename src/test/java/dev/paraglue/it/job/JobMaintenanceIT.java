package dev.paraglue.it.job;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.it.PausedRun;
import dev.paraglue.job.MaintainJob;
import dev.paraglue.job.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Table maintenance ({@code MaintainJob}): compaction and expiry change no query, and a run whose
 * commit races a compaction redoes its commit.
 */
class JobMaintenanceIT extends JobITSupport {
  /**
   * After runs that replace rows (delete files, many small data files, snapshots), maintenance
   * compacts and applies the deletes, expires snapshots and removes an orphan, and every query
   * returns what it returned before.
   */
  @Test
  void maintain_compactsAndExpires_andNoQueryChanges() throws Exception {
    Path raw = home.resolve("maint/raw");
    Path out = home.resolve("maint/out");
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 4; i++) {
        put(
            raw.resolve("d" + i + ".txt"),
            ("round " + round + "\n\ndoc " + i + "\n").getBytes(UTF_8));
      }
      RunResult r = run(args("maint", out, "--source_paths", raw.toUri().toString()));
      assertThat(r.exitCode()).as(r.message()).isZero();
    }
    Table paragraphs = Spark3Util.loadIcebergTable(spark, "maint.paragraphs");
    Path orphan = Path.of(URI.create(paragraphs.location() + "/data/orphan.parquet"));
    Files.write(orphan, new byte[] {1});
    Files.setLastModifiedTime(orphan, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    List<String> rowsBefore = allRows("maint.paragraphs");
    List<String> ledgerBefore = allRows("maint.documents");
    assertThat(liveFiles(paragraphs, true)).isPositive();
    long deleteFilesBefore =
        Long.parseLong(paragraphs.currentSnapshot().summary().get("total-delete-files"));

    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    int code =
        MaintainJob.run(
            spark,
            new String[] {
              "--paragraph_table",
              "maint.paragraphs",
              "--documents_table",
              "maint.documents",
              "--retain_days",
              "1",
              "--retain_last",
              "1",
              "--JOB_NAME",
              "ignored"
            },
            new PrintStream(printed, true, UTF_8),
            // Two days on: every snapshot is over a day old, the maintenance's own ones too.
            Instant.now().plus(java.time.Duration.ofDays(2)));

    assertThat(code).isZero();
    assertThat(printed.toString(UTF_8))
        .contains("maint.paragraphs: ")
        .contains("1 orphan files removed")
        .contains("maint.documents: ");
    assertThat(allRows("maint.paragraphs")).isEqualTo(rowsBefore);
    assertThat(allRows("maint.documents")).isEqualTo(ledgerBefore);
    paragraphs.refresh();
    assertThat(liveFiles(paragraphs, true)).isZero();
    assertThat(liveFiles(paragraphs, false)).isEqualTo(1);
    assertThat(paragraphs.snapshots()).hasSize(1);
    // Every delete is applied, and none is left pointing at a compacted-away file.
    assertThat(deleteFilesBefore).isPositive();
    assertThat(paragraphs.currentSnapshot().summary().get("total-delete-files")).isEqualTo("0");
    assertThat(orphan).doesNotExist();
  }

  /**
   * A run whose deletes point at data files that maintenance compacts away while it waits to commit
   * redoes its commit on the compacted table: both succeed, every row is there once.
   */
  @Test
  void maintenanceRacingACommit_theRunRedoesItsCommit_andTheRowsAreExact() throws Exception {
    Path raw = home.resolve("race/raw");
    Path out = home.resolve("race/out");
    for (int i = 0; i < 3; i++) {
      put(raw.resolve("d" + i + ".txt"), ("first " + i + "\n").getBytes(UTF_8));
      assertThat(run(args("race", out, "--source_paths", raw.toUri().toString())).exitCode())
          .isZero();
    }
    put(raw.resolve("d1.txt"), "second\n\nversion\n".getBytes(UTF_8));
    String[] maintain = {
      "--paragraph_table", "race.paragraphs", "--documents_table", "race.documents"
    };
    int[] maintained = {-1};
    RunResult r =
        PausedRun.at(
            "commit.before@jr_race",
            home.resolve("race/points"),
            () ->
                run(
                    args(
                        "race",
                        out,
                        "--source_paths",
                        raw.toUri().toString(),
                        "--JOB_RUN_ID",
                        "jr_race")),
            () -> maintained[0] = MaintainJob.run(spark, maintain, System.out, Instant.now()));
    assertThat(maintained[0]).isZero();
    assertThat(r.exitCode()).as(r.message()).isZero();
    assertThat(r.report().get().count("commit_retries")).isPositive();
    assertThat(
            spark
                .sql("SELECT doc_id, paragraph_index, text FROM race.paragraphs ORDER BY 1, 2")
                .collectAsList()
                .stream()
                .map(Row::toString)
                .toList())
        .containsExactly(
            "[d0.txt,0,first 0]", "[d1.txt,0,second]", "[d1.txt,1,version]", "[d2.txt,0,first 2]");
  }

  static List<String> allRows(String table) {
    return spark.table(table).drop("processed_at").orderBy("doc_id").collectAsList().stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }

  static int liveFiles(Table t, boolean deletes) {
    int n = 0;
    try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        n += deletes ? task.deletes().size() : 1;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return n;
  }

  /**
   * Maintenance compacts sorted by doc id: the rows read back exactly, and each data file then
   * holds a range of doc ids no other holds, so a later run's change reads only the file of its
   * document.
   */
  @Test
  void maintain_sortsByDocId_rowsExact_andLaterRunsPruneFiles() throws Exception {
    Path raw = home.resolve("sorted/raw");
    Path out = home.resolve("sorted/out");
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < 30; i++) {
        String body = (round == 1 && i % 10 == 3 ? "changed " : "") + "doc " + i;
        put(
            raw.resolve(String.format("d%02d.txt", i)),
            (body + "\n\n" + "x".repeat(40 * i) + "\n").getBytes(UTF_8));
      }
      RunResult r = run(args("sorted", out, "--source_paths", raw.toUri().toString()));
      assertThat(r.exitCode()).as(r.message()).isZero();
    }
    spark.sql(
        "ALTER TABLE sorted.paragraphs SET TBLPROPERTIES ('write.target-file-size-bytes'='1500')");
    List<String> rowsBefore = allRows("sorted.paragraphs");
    Table paragraphs = Spark3Util.loadIcebergTable(spark, "sorted.paragraphs");
    assertThat(overlappingFiles(paragraphs)).isPositive(); // a run's files span every name

    int code =
        MaintainJob.run(
            spark,
            new String[] {
              "--paragraph_table", "sorted.paragraphs", "--documents_table", "sorted.documents"
            },
            System.out,
            Instant.now());

    assertThat(code).isZero();
    assertThat(allRows("sorted.paragraphs")).isEqualTo(rowsBefore);
    paragraphs.refresh();
    assertThat(liveFiles(paragraphs, false)).isGreaterThan(2);
    assertThat(overlappingFiles(paragraphs)).isZero();
    put(raw.resolve("d17.txt"), "third\n".getBytes(UTF_8));
    RunResult later = run(args("sorted", out, "--source_paths", raw.toUri().toString()));
    assertThat(later.exitCode()).as(later.message()).isZero();
    assertThat(
            spark
                .sql("SELECT text FROM sorted.paragraphs WHERE doc_id = 'd17.txt'")
                .collectAsList())
        .map(r -> r.getString(0))
        .containsExactly("third");
    paragraphs.refresh();
    // The change's delete touched the one compacted file whose range holds d17.txt.
    assertThat(liveFiles(paragraphs, true)).isEqualTo(1);
  }

  /** Pairs of live data files whose doc id ranges (their lower and upper bounds) overlap. */
  private static int overlappingFiles(Table t) throws IOException {
    int docId = t.schema().findField("doc_id").fieldId();
    List<String[]> ranges = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = t.newScan().includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        ranges.add(
            new String[] {
              org.apache.iceberg.types.Conversions.<CharSequence>fromByteBuffer(
                      org.apache.iceberg.types.Types.StringType.get(),
                      task.file().lowerBounds().get(docId))
                  .toString(),
              org.apache.iceberg.types.Conversions.<CharSequence>fromByteBuffer(
                      org.apache.iceberg.types.Types.StringType.get(),
                      task.file().upperBounds().get(docId))
                  .toString()
            });
      }
    }
    int overlapping = 0;
    for (int i = 0; i < ranges.size(); i++) {
      for (int j = i + 1; j < ranges.size(); j++) {
        String[] a = ranges.get(i);
        String[] b = ranges.get(j);
        if (a[0].compareTo(b[1]) <= 0 && b[0].compareTo(a[1]) <= 0) {
          overlapping++;
        }
      }
    }
    return overlapping;
  }
}
