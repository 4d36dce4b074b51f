package dev.paraglue.it.job;

import static dev.paraglue.TestBytes.bytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paraglue.it.PausedRun;
import dev.paraglue.job.JobRunner;
import dev.paraglue.job.JobSettings;
import dev.paraglue.job.RunReport;
import dev.paraglue.job.RunResult;
import dev.paraglue.pipeline.ExplodeStage;
import dev.paraglue.sink.IcebergTables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Runs after runs: an unchanged source is skipped and gives the same result, a changed one replaces
 * its rows only; two runs at once; a source changing between its two reads; a ledger of a hundred
 * thousand documents.
 */
class JobRerunsIT extends JobITSupport {
  @Test
  void rerun_isIncremental_andAChangedSourceReplacesItsRowsOnly() throws Exception {
    Path raw = corpus("incr");
    registerTable("incr.raw", raw);
    Path out = home.resolve("incr/out");
    assertThat(run(args("incr", out, "--source_table", "incr.raw")).exitCode()).isZero();
    long before = spark.table("incr.paragraphs").count();
    Map<String, List<Row>> firstRows = rowsByDoc("incr.paragraphs");

    // Unchanged: nothing processed, nothing rewritten. The paragraph table is one made before its
    // dictionaries were turned off: the run turns them off.
    spark.sql("ALTER TABLE incr.paragraphs UNSET TBLPROPERTIES ('parquet.enable.dictionary')");
    RunResult second = run(args("incr", out, "--source_table", "incr.raw"));
    assertThat(second.exitCode()).isZero();
    assertThat(tableProperties("incr.paragraphs"))
        .containsEntry("parquet.enable.dictionary", "false");
    assertThat(second.report().get().count("processed")).isZero();
    assertThat(second.report().get().count("skipped_unchanged")).isEqualTo(13);
    assertThat(second.report().get().publishLagSeconds()).isEmpty(); // nothing published
    assertThat(spark.table("incr.paragraphs").count()).isEqualTo(before);

    // Change one source: fewer paragraphs. A previously ok source becomes rejected.
    Path crlf = raw.resolve("dt=2026-11-01/crlf.txt");
    put(crlf, "only one paragraph now\n".getBytes(UTF_8));
    Path cjk = raw.resolve("dt=2026-11-01/cjk.txt");
    put(cjk, bytes("now ", 0xFF));
    Instant publishedAt = Instant.parse("2026-12-01T00:00:00Z");
    RunResult third =
        new JobRunner(spark, Clock.fixed(publishedAt, ZoneOffset.UTC))
            .run(args("incr", out, "--source_table", "incr.raw", "--JOB_RUN_ID", "jr_3"));
    assertThat(third.exitCode()).as(third.message()).isZero();
    assertThat(third.report().get().count("processed")).isEqualTo(1);
    // The lag runs from the processed source's modification time (put's fixed file times, 2026-11)
    // to its publication, at the runner's clock.
    long modified = Files.getLastModifiedTime(crlf).toMillis();
    assertThat(third.report().get().publishLagSeconds())
        .contains((publishedAt.toEpochMilli() - modified) / 1000);
    assertThat(third.report().get().count("skipped_unchanged")).isEqualTo(11);
    // Merge-on-read: the replaced rows are position deletes; no data file of the table is
    // rewritten.
    for (String table : List.of("incr.paragraphs", "incr.documents")) {
      Map<String, String> summary =
          Spark3Util.loadIcebergTable(spark, table).currentSnapshot().summary();
      assertThat(summary).as(table).doesNotContainKey("deleted-data-files");
      assertThat(summary).as(table).containsKey("added-position-delete-files");
    }

    Map<String, List<Row>> rows = rowsByDoc("incr.paragraphs");
    assertThat(rows.get("dt=2026-11-01/crlf.txt")).hasSize(1);
    assertThat(rows.get("dt=2026-11-01/crlf.txt").get(0).<String>getAs("text"))
        .isEqualTo("only one paragraph now");
    assertThat(rows.get("dt=2026-11-01/crlf.txt").get(0).<String>getAs("run_id")).isEqualTo("jr_3");
    assertThat(rows).doesNotContainKey("dt=2026-11-01/cjk.txt");
    assertThat(out.resolve("documents/dt=2026-11-01/cjk.txt")).doesNotExist();
    assertThat(Files.readString(out.resolve("documents/dt=2026-11-01/crlf.txt")))
        .isEqualTo("only one paragraph now\n");
    for (String docId : firstRows.keySet()) {
      if (!docId.endsWith("crlf.txt") && !docId.endsWith("cjk.txt")) {
        assertThat(rows.get(docId)).as(docId).hasSameSizeAs(firstRows.get(docId));
      }
    }

    // The rejection is recorded where the HTTP API reads it, and cleared once the source is fixed.
    Path record = out.resolve("_rejected/dt=2026-11-01/cjk.txt.json");
    JsonNode rejection = JSON.readTree(record.toFile());
    assertThat(rejection.path("doc_id").asText()).isEqualTo("dt=2026-11-01/cjk.txt");
    assertThat(rejection.path("status").asText()).isEqualTo("rejected");
    assertThat(rejection.path("reason").asText()).isEqualTo("invalid-utf8");
    assertThat(rejection.path("reason_offset").asLong()).isEqualTo(4);
    assertThat(rejection.path("run_id").asText()).isEqualTo("jr_3");
    put(cjk, "fixed\n".getBytes(UTF_8));
    RunResult fourth = run(args("incr", out, "--source_table", "incr.raw"));
    assertThat(fourth.report().get().count("processed")).isEqualTo(1);
    assertThat(record).doesNotExist();
    assertThat(Files.readString(out.resolve("documents/dt=2026-11-01/cjk.txt")))
        .isEqualTo("fixed\n");

    // A full rerun rewrites everything through the merge path without duplicating a row; here
    // with Spark jobs and a branch, as on a table too large to read on the driver.
    long now = spark.table("incr.paragraphs").count();
    spark.conf().set(JobSettings.DRIVER_SCAN_BYTES, "0");
    RunResult full;
    try {
      full = run(args("incr", out, "--source_table", "incr.raw", "--incremental", "false"));
    } finally {
      spark.conf().unset(JobSettings.DRIVER_SCAN_BYTES);
    }
    assertThat(full.exitCode()).isZero();
    assertThat(spark.table("incr.paragraphs").count()).isEqualTo(now);
    assertThat(
            spark
                .sql(
                    "SELECT doc_id, paragraph_index FROM incr.paragraphs GROUP BY 1, 2 HAVING count(*) > 1")
                .count())
        .isZero();

    unchangedMeansTheSameResult(raw, out);
  }

  /**
   * A document is unchanged only when its source and what decides its result are: a new output path
   * gets every document written there, a raised paragraph limit retries the documents it rejected,
   * and the same settings again skip everything.
   */
  void unchangedMeansTheSameResult(Path raw, Path out) throws IOException {
    Path elsewhere = home.resolve("incr/elsewhere");
    RunResult moved = run(args("incr", elsewhere, "--source_table", "incr.raw"));
    assertThat(moved.exitCode()).as(moved.message()).isZero();
    assertThat(moved.report().get().count("skipped_unchanged")).isZero();
    for (String doc : List.of("dt=2026-11-01/crlf.txt", "dt=2026-11-01/cjk.txt")) {
      assertThat(elsewhere.resolve("documents/" + doc))
          .hasSameBinaryContentAs(out.resolve("documents/" + doc));
    }
    assertThat(elsewhere.resolve("_rejected/dt=2026-11-02/huge-paragraph.txt.json")).exists();
    assertThat(
            run(args("incr", elsewhere, "--source_table", "incr.raw"))
                .report()
                .get()
                .count("skipped_unchanged"))
        .isEqualTo(13);

    RunResult raised =
        run(args("incr", elsewhere, "--source_table", "incr.raw", "--max_paragraph_bytes", "4000"));
    assertThat(raised.exitCode()).as(raised.message()).isZero();
    assertThat(raised.report().get().count("skipped_unchanged")).isZero();
    assertThat(raised.report().get().rejected())
        .extracting(RunReport.Problem::docId)
        .doesNotContain("dt=2026-11-02/huge-paragraph.txt");
    assertThat(elsewhere.resolve("_rejected/dt=2026-11-02/huge-paragraph.txt.json")).doesNotExist();
    assertThat(Files.readString(elsewhere.resolve("documents/dt=2026-11-02/huge-paragraph.txt")))
        .isEqualTo("short\n\n" + "y".repeat(2000) + "\n");
    assertThat(rowsByDoc("incr.paragraphs").get("dt=2026-11-02/huge-paragraph.txt")).hasSize(2);
    Row ledger =
        spark
            .sql(
                "SELECT output_path, max_paragraph_bytes FROM incr.documents"
                    + " WHERE doc_id = 'dt=2026-11-02/huge-paragraph.txt'")
            .first();
    assertThat(ledger.getString(0)).isEqualTo("file:" + elsewhere.toAbsolutePath());
    assertThat(ledger.getLong(1)).isEqualTo(4000L);

    // Another paragraph table beside the same documents table: nothing is unchanged there.
    List<String> other =
        new ArrayList<>(
            List.of(
                args(
                    "incr",
                    elsewhere,
                    "--source_table",
                    "incr.raw",
                    "--max_paragraph_bytes",
                    "4000")));
    other.set(other.indexOf("incr.paragraphs"), "incr.other_paragraphs");
    RunResult retabled = run(other.toArray(new String[0]));
    assertThat(retabled.exitCode()).as(retabled.message()).isZero();
    assertThat(retabled.report().get().count("skipped_unchanged")).isZero();
    assertThat(rowsByDoc("incr.other_paragraphs").keySet())
        .isEqualTo(rowsByDoc("incr.paragraphs").keySet());
    assertThat(
            spark
                .sql("SELECT DISTINCT paragraph_table FROM incr.documents WHERE status = 'ok'")
                .collectAsList())
        .extracting(r -> r.getString(0))
        .containsExactly("spark_catalog.incr.other_paragraphs");
  }

  @Test
  void twoRunsAtOnce_overOverlappingDocuments_conflictIsRetried_andEachRowIsThereOnce()
      throws Exception {
    Path raw = home.resolve("conc/raw");
    put(raw.resolve("a.txt"), "a1\n\na2\n".getBytes(UTF_8));
    put(raw.resolve("b.txt"), "b1\n\nb2\n\nb3\n".getBytes(UTF_8));
    put(raw.resolve("c.txt"), "c1\n".getBytes(UTF_8));
    Path out = home.resolve("conc/out");
    Path points = home.resolve("conc/failpoints");
    String paths = raw.resolve("a.txt") + "," + raw.resolve("b.txt");
    // Run A stops just before its commit; run B, over b.txt and c.txt, commits meanwhile.
    RunResult[] b = new RunResult[1];
    RunResult a =
        PausedRun.at(
            "commit.before@jr_conc_a",
            points,
            () -> run(args("conc", out, "--source_paths", paths, "--JOB_RUN_ID", "jr_conc_a")),
            () ->
                b[0] =
                    run(
                        args(
                            "conc",
                            out,
                            "--source_paths",
                            raw.resolve("b.txt") + "," + raw.resolve("c.txt"),
                            "--JOB_RUN_ID",
                            "jr_conc_b")));
    assertThat(b[0].exitCode()).as(b[0].message()).isZero();
    assertThat(a.exitCode()).as(a.message()).isZero();
    assertThat(a.report().get().count("commit_retries")).isPositive();

    assertThat(
            spark
                .sql(
                    "SELECT doc_id, paragraph_index FROM conc.paragraphs GROUP BY 1, 2"
                        + " HAVING count(*) > 1")
                .count())
        .as("duplicated rows")
        .isZero();
    Map<String, List<Row>> rows = rowsByDoc("conc.paragraphs");
    assertThat(rows.get("a.txt")).hasSize(2);
    assertThat(rows.get("b.txt")).hasSize(3);
    assertThat(rows.get("c.txt")).hasSize(1);
    assertThat(rows.get("b.txt"))
        .allSatisfy(r -> assertThat(r.<String>getAs("run_id")).isEqualTo("jr_conc_a"));
    assertThat(spark.sql("SELECT doc_id FROM conc.documents").count()).isEqualTo(3);
    assertThat(spark.sql("SELECT DISTINCT doc_id FROM conc.documents").count()).isEqualTo(3);
  }

  @Test
  void aSourceChangedBetweenItsTwoReads_failsTheRun_andNothingIsCommitted() throws Exception {
    Path raw = home.resolve("chg/raw");
    put(raw.resolve("stable.txt"), "stays\n".getBytes(UTF_8));
    put(raw.resolve("moving.txt"), "before one\n\nbefore two\n".getBytes(UTF_8));
    Path out = home.resolve("chg/out");
    Path points = home.resolve("chg/failpoints");
    // Too large to hold (stable.txt is not): validated, then read again to emit its rows.
    spark
        .conf()
        .set(
            JobSettings.BUFFER_BYTES,
            Long.toString("stays".length() + ExplodeStage.PARAGRAPH_OVERHEAD_BYTES));
    RunResult r;
    try {
      r =
          PausedRun.at(
              "explode.reread",
              points,
              () ->
                  run(args("chg", out, "--source_paths", raw.toString(), "--JOB_RUN_ID", "jr_chg")),
              // Same length, other bytes: only reading it again can tell.
              () -> put(raw.resolve("moving.txt"), "BEFORE one\n\nbefore two\n".getBytes(UTF_8)));
    } finally {
      spark.conf().unset(JobSettings.BUFFER_BYTES);
    }
    assertThat(r.exitCode()).isEqualTo(RunResult.FAILED);
    assertThat(r.message())
        .doesNotContain("\n")
        .contains("nothing committed")
        .contains("moving.txt");
    assertThat(spark.table("chg.paragraphs").count()).isZero();
    assertThat(spark.table("chg.documents").count()).isZero();
    assertThat(out.resolve("documents")).doesNotExist();
  }

  /**
   * The ledger lookup and the deletion of replaced rows take a hundred thousand doc ids (a frame
   * joined with the tables, never SQL text), and touch only the documents that have rows.
   */
  @Test
  void ledgerAndReplacement_takeAHundredThousandDocIds() throws Exception {
    Path raw = home.resolve("many/raw");
    put(raw.resolve("a.txt"), "alpha\n\nbeta\n".getBytes(UTF_8));
    put(raw.resolve("b.txt"), "gamma\n".getBytes(UTF_8));
    put(raw.resolve("c.txt"), "delta\n".getBytes(UTF_8));
    RunResult r =
        run(args("many", home.resolve("many/out"), "--source_paths", raw.toUri().toString()));
    assertThat(r.exitCode()).as(r.message()).isZero();
    List<String> ids = new ArrayList<>(List.of("a.txt", "c.txt"));
    for (int i = 0; i < 100_000; i++) {
      ids.add(String.format("absent/%06d's doc.txt", i));
    }
    // On the driver (a small table) and in Spark jobs (driverScanBytes 0): the same ledger rows.
    IcebergTables here = new IcebergTables(spark);
    IcebergTables inSpark = new IcebergTables(spark, 0);
    Map<String, Row> ledger = here.ledger().rows("many.documents", ids);
    assertThat(ledger).containsOnlyKeys("a.txt", "c.txt");
    assertThat(ledger).isEqualTo(inSpark.ledger().rows("many.documents", ids));
    assertThat(ledger.get("a.txt").getTimestamp(3).getTime())
        .isEqualTo(Files.getLastModifiedTime(raw.resolve("a.txt")).toMillis());

    // Each way deletes only its documents' rows.
    here.commits().replaceRows("many.paragraphs", List.of(), ids.subList(0, 1), () -> {});
    assertThat(paragraphDocs()).containsExactly("b.txt", "c.txt");
    List<String> others = new ArrayList<>(ids.subList(1, ids.size()));
    inSpark.commits().replaceRows("many.paragraphs", List.of(), others, () -> {});
    assertThat(paragraphDocs()).containsExactly("b.txt");
  }

  private List<String> paragraphDocs() {
    return spark
        .table("many.paragraphs")
        .select("doc_id")
        .orderBy("doc_id")
        .as(Encoders.STRING())
        .collectAsList();
  }
}
