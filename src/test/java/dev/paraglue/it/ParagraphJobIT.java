package dev.paraglue.it;

import static dev.paraglue.TestBytes.bytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paraglue.TestBytes;
import dev.paraglue.job.JobRunner;
import dev.paraglue.job.JobSettings;
import dev.paraglue.job.MaintainJob;
import dev.paraglue.job.RunReport;
import dev.paraglue.job.RunResult;
import dev.paraglue.local.LocalCatalog;
import dev.paraglue.pipeline.ExplodeStage;
import dev.paraglue.sink.IcebergTables;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphSplitter;
import dev.paraglue.text.Reassembler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole job on a temporary embedded catalog (Derby metastore, Iceberg tables), reading its
 * outputs back and checking them against the splitter. Each test uses its own tables and corpus.
 */
class ParagraphJobIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Path home;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws IOException {
    home = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "paraglue-it");
    spark =
        LocalCatalog.builder(home, "local[2]")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
  }

  /** A corpus under {@code <home>/<name>/raw} with every edge case of docs/contract.md §1. */
  private static Path corpus(String name) throws IOException {
    Path raw = home.resolve(name).resolve("raw");
    put(
        raw.resolve("dt=2026-11-01/crlf.txt"),
        "Title\r\nline two\r\n\r\n  \r\nnext\r\n".getBytes(UTF_8));
    put(
        raw.resolve("dt=2026-11-01/cjk.txt"),
        "第一段，中文。\n第二行\n\u3000\u3000\n第二段 😀\n".getBytes(UTF_8));
    put(
        raw.resolve("dt=2026-11-01/bom.txt"),
        bytes(0xEF, 0xBB, 0xBF, "\nafter bom\n\u00A0\n\u200B\n"));
    put(raw.resolve("dt=2026-11-01/blank.txt"), " \n\t\n\n".getBytes(UTF_8));
    put(raw.resolve("dt=2026-11-01/empty.txt"), new byte[0]);
    put(
        raw.resolve("dt=2026-11-01/nested/deep/noeol.md"),
        "a\rb lone cr\n\nlast line".getBytes(UTF_8));
    put(raw.resolve("dt=2026-11-01/with space & ünïcode.txt"), "name test\n".getBytes(UTF_8));
    put(raw.resolve("dt=2026-11-02/packed.txt.gz"), gzip("gz one\n\ngz two\r\n".getBytes(UTF_8)));
    put(raw.resolve("dt=2026-11-02/latin1.txt"), bytes("ok\n\ncaf", 0xE9, "\n"));
    put(raw.resolve("dt=2026-11-02/surrogate.txt"), bytes("x", 0xED, 0xA0, 0x80));
    put(raw.resolve("dt=2026-11-02/nul.txt"), bytes("text", 0x00, "more"));
    put(
        raw.resolve("dt=2026-11-02/huge-paragraph.txt"),
        ("short\n\n" + "y".repeat(2000) + "\n").getBytes(UTF_8));
    put(raw.resolve("dt=2026-11-02/truncated.txt.gz"), truncatedGzip());
    put(raw.resolve("dt=2026-11-02/_SUCCESS"), new byte[0]);
    put(raw.resolve("dt=2026-11-02/.hidden.txt"), "not data".getBytes(UTF_8));
    return raw;
  }

  private static void registerTable(String table, Path raw) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + table.split("\\.")[0]);
    spark.sql(
        "CREATE EXTERNAL TABLE "
            + table
            + " (line string) PARTITIONED BY (dt string) STORED AS TEXTFILE LOCATION '"
            + raw.toUri()
            + "'");
    spark.sql("MSCK REPAIR TABLE " + table);
  }

  private static RunResult run(String... args) {
    return new JobRunner(spark).run(args);
  }

  private static String[] args(String db, Path out, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--output_path",
                out.toUri().toString(),
                "--paragraph_table",
                db + ".paragraphs",
                "--documents_table",
                db + ".documents"));
    a.addAll(List.of(more));
    if (!a.contains("--max_paragraph_bytes")) {
      a.addAll(List.of("--max_paragraph_bytes", "1000"));
    }
    return a.toArray(new String[0]);
  }

  @Test
  void wholeJob_onPartitionedTable_writesExactRowsDocumentsLedgerAndReport() throws IOException {
    Path raw = corpus("whole");
    registerTable("whole.raw", raw);
    Path out = home.resolve("whole/out");

    RunResult result =
        run(args("whole", out, "--source_table", "whole.raw", "--JOB_RUN_ID", "jr_1"));

    assertThat(result.exitCode()).as(result.message()).isZero();
    Map<String, String> rejected = new HashMap<>();
    rejected.put("dt=2026-11-02/latin1.txt", "invalid-utf8@7");
    rejected.put("dt=2026-11-02/surrogate.txt", "invalid-utf8@1");
    rejected.put("dt=2026-11-02/nul.txt", "binary-content@4");
    rejected.put("dt=2026-11-02/huge-paragraph.txt", "paragraph-too-large@7");
    rejected.put("dt=2026-11-02/truncated.txt.gz", "unreadable");
    List<String> ok =
        List.of(
            "dt=2026-11-01/crlf.txt",
            "dt=2026-11-01/cjk.txt",
            "dt=2026-11-01/bom.txt",
            "dt=2026-11-01/blank.txt",
            "dt=2026-11-01/empty.txt",
            "dt=2026-11-01/nested/deep/noeol.md",
            "dt=2026-11-01/with space & ünïcode.txt",
            "dt=2026-11-02/packed.txt.gz");

    // Paragraph rows: exactly the splitter's, with partition value and run id.
    Map<String, List<Row>> rows = rowsByDoc("whole.paragraphs");
    assertThat(rows.keySet()).allMatch(ok::contains);
    long expectedRows = 0;
    for (String docId : ok) {
      byte[] source = decompressed(raw.resolve(docId));
      List<Paragraph> expected = ParagraphSplitter.split(source).paragraphs();
      expectedRows += expected.size();
      List<Row> actual = rows.getOrDefault(docId, List.of());
      assertThat(actual).as(docId).hasSize(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        Paragraph e = expected.get(i);
        Row r = actual.get(i);
        assertThat(r.getInt(r.fieldIndex("paragraph_index"))).isEqualTo(i);
        assertThat(r.getString(r.fieldIndex("text"))).isEqualTo(e.text());
        assertThat(r.getLong(r.fieldIndex("line_number"))).isEqualTo(e.lineNumber());
        assertThat(r.getLong(r.fieldIndex("byte_offset"))).isEqualTo(e.byteOffset());
        assertThat(r.getInt(r.fieldIndex("byte_length"))).isEqualTo(e.byteLength());
        assertThat(r.getInt(r.fieldIndex("char_count"))).isEqualTo(e.charCount());
        assertThat(r.getString(r.fieldIndex("dt"))).isEqualTo(docId.substring(3, 13));
        assertThat(r.getString(r.fieldIndex("run_id"))).isEqualTo("jr_1");
        String slice = new String(source, (int) e.byteOffset(), e.byteLength(), UTF_8);
        assertThat(slice.replace("\r\n", "\n")).isEqualTo(r.getString(r.fieldIndex("text")));
      }
      // Reassembled document: the reassembly (docs/contract.md §1) of those texts, under the key
      // without .gz.
      Path doc = out.resolve("documents").resolve(docId.replaceAll("\\.gz$", ""));
      assertThat(Files.readAllBytes(doc))
          .as(docId)
          .isEqualTo(Reassembler.reassemble(texts(expected)));
    }
    assertThat(spark.table("whole.paragraphs").count()).isEqualTo(expectedRows);
    assertThat(out.resolve("documents/dt=2026-11-01/empty.txt")).isEmptyFile();
    for (String docId : rejected.keySet()) {
      assertThat(out.resolve("documents").resolve(docId.replaceAll("\\.gz$", ""))).doesNotExist();
    }

    // Documents table: one row per listed document, rejections with reason and offset.
    Map<String, Row> ledger = new HashMap<>();
    spark.table("whole.documents").collectAsList().forEach(r -> ledger.put(r.getString(0), r));
    assertThat(ledger).hasSize(ok.size() + rejected.size());
    for (String docId : ok) {
      assertThat(ledger.get(docId).<String>getAs("status")).isEqualTo("ok");
      assertThat(ledger.get(docId).<String>getAs("output_uri"))
          .endsWith("/documents/" + docId.replaceAll("\\.gz$", ""));
    }
    rejected.forEach(
        (docId, reason) -> {
          Row r = ledger.get(docId);
          assertThat(r.<String>getAs("status")).isEqualTo("rejected");
          String[] parts = reason.split("@");
          assertThat(r.<String>getAs("reason")).isEqualTo(parts[0]);
          if (parts.length > 1) {
            assertThat(r.<Long>getAs("reason_offset"))
                .as(docId)
                .isEqualTo(Long.parseLong(parts[1]));
          }
        });

    // Run report.
    JsonNode report = JSON.readTree(out.resolve("_runs/jr_1.json").toFile());
    assertThat(report.get("status").asText()).isEqualTo("succeeded");
    assertThat(report.at("/counts/listed").asLong()).isEqualTo(ok.size() + rejected.size());
    assertThat(report.at("/counts/processed").asLong()).isEqualTo(ok.size());
    assertThat(report.at("/counts/rejected").asLong()).isEqualTo(rejected.size());
    assertThat(report.at("/counts/paragraphs").asLong()).isEqualTo(expectedRows);
    assertThat(report.get("rejected")).hasSize(rejected.size());
    assertThat(report.get("stage_millis").has("read_explode_commit")).isTrue();
    assertThat(report.get("stage_process_cpu_millis").get("read_explode_commit").asLong())
        .isPositive();
    assertThat(out.resolve("_staging")).doesNotExist();
  }

  @Test
  void rerun_isIncremental_andAChangedSourceReplacesItsRowsOnly() throws Exception {
    Path raw = corpus("incr");
    registerTable("incr.raw", raw);
    Path out = home.resolve("incr/out");
    assertThat(run(args("incr", out, "--source_table", "incr.raw")).exitCode()).isZero();
    long before = spark.table("incr.paragraphs").count();
    Map<String, List<Row>> firstRows = rowsByDoc("incr.paragraphs");

    // Unchanged: nothing processed, nothing rewritten.
    RunResult second = run(args("incr", out, "--source_table", "incr.raw"));
    assertThat(second.exitCode()).isZero();
    assertThat(second.report().get().count("processed")).isZero();
    assertThat(second.report().get().count("skipped_unchanged")).isEqualTo(13);
    assertThat(second.report().get().publishLagSeconds()).isEmpty(); // nothing published
    assertThat(spark.table("incr.paragraphs").count()).isEqualTo(before);

    // Change one source: fewer paragraphs. A previously ok source becomes rejected.
    Path crlf = raw.resolve("dt=2026-11-01/crlf.txt");
    put(crlf, "only one paragraph now\n".getBytes(UTF_8));
    Path cjk = raw.resolve("dt=2026-11-01/cjk.txt");
    put(cjk, bytes("now ", 0xFF));
    long beforeThird = System.currentTimeMillis();
    RunResult third = run(args("incr", out, "--source_table", "incr.raw", "--JOB_RUN_ID", "jr_3"));
    assertThat(third.exitCode()).as(third.message()).isZero();
    assertThat(third.report().get().count("processed")).isEqualTo(1);
    // The lag runs from the processed source's modification time (put's fixed clock, 2026-11)
    // to its publication, which came after that run's start.
    long modified = Files.getLastModifiedTime(crlf).toMillis();
    assertThat(third.report().get().publishLagSeconds())
        .hasValueSatisfying(
            s -> assertThat(s).isGreaterThanOrEqualTo((beforeThird - modified) / 1000));
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

    // A full rerun rewrites everything through the merge path without duplicating a row.
    long now = spark.table("incr.paragraphs").count();
    RunResult full = run(args("incr", out, "--source_table", "incr.raw", "--incremental", "false"));
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
  private void unchangedMeansTheSameResult(Path raw, Path out) throws IOException {
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
  void documentsNamedByPaths_goIntoATablePartitionedByAnEarlierRun_withNullPartitions()
      throws IOException {
    new dev.paraglue.sink.IcebergTables(spark)
        .ddl()
        .ensureParagraphTable(
            "mixed.paragraphs",
            List.of(
                new org.apache.spark.sql.types.StructField(
                    "dt",
                    org.apache.spark.sql.types.DataTypes.StringType,
                    true,
                    org.apache.spark.sql.types.Metadata.empty())));
    Path raw = home.resolve("mixed/raw");
    put(raw.resolve("loose.txt"), "no partition\n\nhere\n".getBytes(UTF_8));
    RunResult r = run(args("mixed", home.resolve("mixed/out"), "--source_paths", raw.toString()));
    assertThat(r.exitCode()).as(r.message()).isZero();
    assertThat(spark.sql("SELECT * FROM mixed.paragraphs WHERE dt IS NULL").count()).isEqualTo(2);
  }

  @Test
  void typedPartitionColumns_areCastToTheTableTypes_andPartitionItsDataFiles() throws IOException {
    Path raw = home.resolve("typed/raw");
    for (int i = 0; i < 6; i++) { // several documents per partition, over two tasks
      put(
          raw.resolve("dt=2026-11-01/hour=7/a" + i + ".txt"),
          ("a" + i + "\n\nx\n").getBytes(UTF_8));
      put(raw.resolve("dt=2026-11-02/hour=23/b" + i + ".txt"), ("b" + i + "\n").getBytes(UTF_8));
    }
    put(raw.resolve("dt=2026-11-02/hour=__HIVE_DEFAULT_PARTITION__/c.txt"), "c\n".getBytes(UTF_8));
    spark.sql("CREATE DATABASE IF NOT EXISTS typed");
    spark.sql(
        "CREATE EXTERNAL TABLE typed.raw (line string) PARTITIONED BY (dt date, hour int)"
            + " STORED AS TEXTFILE LOCATION '"
            + raw.toUri()
            + "'");
    spark.sql("MSCK REPAIR TABLE typed.raw");

    RunResult r = run(args("typed", home.resolve("typed/out"), "--source_table", "typed.raw"));

    assertThat(r.exitCode()).as(r.message()).isZero();
    Dataset<Row> rows = spark.table("typed.paragraphs");
    assertThat(rows.schema().apply("dt").dataType())
        .isEqualTo(org.apache.spark.sql.types.DataTypes.DateType);
    assertThat(rows.schema().apply("hour").dataType())
        .isEqualTo(org.apache.spark.sql.types.DataTypes.IntegerType);
    assertThat(
            spark
                .sql(
                    "SELECT CAST(dt AS STRING) AS d, hour, count(*) AS n, count(DISTINCT doc_id)"
                        + " AS docs FROM typed.paragraphs GROUP BY dt, hour ORDER BY d, hour")
                .collectAsList()
                .stream()
                .map(Row::toString))
        .containsExactly("[2026-11-01,7,12,6]", "[2026-11-02,null,1,1]", "[2026-11-02,23,6,6]");
    // The table is partitioned by the typed values: one partition per distinct pair.
    assertThat(
            spark
                .sql("SELECT partition.dt, partition.hour FROM typed.paragraphs.partitions")
                .collectAsList()
                .stream()
                .map(Row::toString))
        .containsExactlyInAnyOrder("[2026-11-01,7]", "[2026-11-02,23]", "[2026-11-02,null]");
    assertThat(rowsByDoc("typed.paragraphs").get("dt=2026-11-01/hour=7/a3.txt"))
        .extracting(row -> row.getString(2))
        .containsExactly("a3", "x");
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

  @Test
  void partitionFilter_selectsPartitions_andBadFiltersAreRefusedBeforeReading() throws IOException {
    Path raw = corpus("filt");
    registerTable("filt.raw", raw);
    Path out = home.resolve("filt/out");
    RunResult r =
        run(
            args(
                "filt",
                out,
                "--source_table",
                "filt.raw",
                "--partition_filter",
                "dt >= '2026-11-02'"));
    assertThat(r.exitCode()).as(r.message()).isZero();
    assertThat(r.report().get().count("listed")).isEqualTo(6);
    assertThat(spark.sql("SELECT DISTINCT dt FROM filt.paragraphs").collectAsList())
        .extracting(row -> row.getString(0))
        .containsExactly("2026-11-02");

    RunResult unknown =
        run(args("filt", out, "--source_table", "filt.raw", "--partition_filter", "region = 'eu'"));
    assertThat(unknown.exitCode()).isEqualTo(RunResult.BAD_INPUT);
    assertThat(unknown.message())
        .isEqualTo(
            "Cannot use --partition_filter: unknown column region; partition columns of filt.raw are [dt]");

    RunResult injection =
        run(
            args(
                "filt",
                out,
                "--source_table",
                "filt.raw",
                "--partition_filter",
                "dt = '1'; DROP TABLE filt.raw"));
    assertThat(injection.exitCode()).isEqualTo(RunResult.BAD_INPUT);
    assertThat(injection.message())
        .startsWith("Cannot use --partition_filter: not a SQL predicate");
    RunResult subquery =
        run(
            args(
                "filt",
                out,
                "--source_table",
                "filt.raw",
                "--partition_filter",
                "dt IN (SELECT doc_id FROM filt.documents)"));
    assertThat(subquery.exitCode()).isEqualTo(RunResult.BAD_INPUT);
    assertThat(spark.catalog().tableExists("filt.raw")).isTrue();

    String outside = home.resolve("paths").toUri().toString();
    RunResult notUnder =
        run(args("filt", out, "--source_table", "filt.raw", "--source_paths", outside));
    assertThat(notUnder.exitCode()).isEqualTo(RunResult.BAD_INPUT);
    assertThat(notUnder.message())
        .startsWith("Cannot use source file:")
        .contains("not under the location of filt.raw");

    // A path with '..' segments that climbs out of the table's location is refused the same way.
    String climbing = home.resolve("filt/raw").toUri() + "dt=2026-11-01/../../../paths/raw";
    RunResult dotDot =
        run(args("filt", out, "--source_table", "filt.raw", "--source_paths", climbing));
    assertThat(dotDot.exitCode()).isEqualTo(RunResult.BAD_INPUT);
    assertThat(dotDot.message()).contains("not under the location of filt.raw");
  }

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

  private static List<String> allRows(String table) {
    return spark.table(table).drop("processed_at").orderBy("doc_id").collectAsList().stream()
        .map(Row::toString)
        .sorted()
        .toList();
  }

  private static int liveFiles(Table t, boolean deletes) {
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

  private static Map<String, String> status(String table) {
    Map<String, String> m = new HashMap<>();
    spark
        .table(table)
        .select("doc_id", "status")
        .collectAsList()
        .forEach(r -> m.put(r.getString(0), r.getString(1)));
    return m;
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
    RunResult r =
        run(args("many", home.resolve("many/out"), "--source_paths", raw.toUri().toString()));
    assertThat(r.exitCode()).as(r.message()).isZero();
    List<String> ids = new ArrayList<>(List.of("a.txt"));
    for (int i = 0; i < 100_000; i++) {
      ids.add(String.format("absent/%06d's doc.txt", i));
    }
    IcebergTables tables = new IcebergTables(spark);
    assertThat(tables.ledger().rows("many.documents", ids)).containsOnlyKeys("a.txt");

    tables.commits().replaceRows("many.paragraphs", List.of(), ids, () -> {});
    assertThat(
            spark.table("many.paragraphs").select("doc_id").as(Encoders.STRING()).collectAsList())
        .containsExactly("b.txt");
  }

  @Test
  void sourcePaths_andManifest_nameDocumentsByTheirRoot() throws IOException {
    Path raw = corpus("paths");
    Path out = home.resolve("paths/out");
    String prefix = raw.resolve("dt=2026-11-01").toUri().toString();
    String single = raw.resolve("dt=2026-11-02/packed.txt.gz").toUri().toString();
    RunResult r = run(args("paths", out, "--source_paths", prefix + "," + single));
    assertThat(r.exitCode()).as(r.message()).isZero();
    List<String> ids =
        spark
            .sql("SELECT doc_id FROM paths.documents ORDER BY doc_id")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    assertThat(ids)
        .contains("crlf.txt", "nested/deep/noeol.md", "packed.txt.gz")
        .doesNotContain("dt=2026-11-01/crlf.txt");
    assertThat(out.resolve("documents/packed.txt")).exists();

    Path manifest = home.resolve("paths/manifest.txt");
    Files.writeString(
        manifest,
        raw.resolve("dt=2026-11-01/cjk.txt").toUri()
            + "\n\n"
            + raw.resolve("dt=2026-11-01/missing.txt").toUri()
            + "\n");
    RunResult m =
        run(
            args(
                "paths2",
                home.resolve("paths/out2"),
                "--source_manifest",
                manifest.toUri().toString()));
    assertThat(m.exitCode()).as(m.message()).isZero();
    assertThat(m.report().get().rejected())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.docId()).isEqualTo("missing.txt");
              assertThat(p.reason()).isEqualTo("unreadable");
            });
    assertThat(
            spark
                .table("paths2.paragraphs")
                .select("doc_id")
                .distinct()
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("cjk.txt");
  }

  @Test
  void theJobsOwnOutput_underATableLocationAPrefixOrNamedByAManifest_isNeverASource()
      throws IOException {
    // The output and both tables' folders lie under the source table's location.
    Path data = home.resolve("own/data");
    put(data.resolve("a.txt"), "first\n\nsecond\n".getBytes(UTF_8));
    put(data.resolve("b.txt"), "only\n".getBytes(UTF_8));
    spark.sql("CREATE DATABASE own LOCATION '" + data.resolve("warehouse").toUri() + "'");
    spark.sql(
        "CREATE EXTERNAL TABLE own.raw (line string) STORED AS TEXTFILE LOCATION '"
            + data.toUri()
            + "'");
    Path out = data.resolve("out");
    RunResult first = run(args("own", out, "--source_table", "own.raw"));
    assertThat(first.exitCode()).as(first.message()).isZero();
    assertThat(out.resolve("documents/a.txt")).exists();

    RunResult again = run(args("own", out, "--source_table", "own.raw"));
    assertThat(again.exitCode()).as(again.message()).isZero();
    assertOwnOutputLeftOut(again.report().get(), 2, 0, 3); // out/, paragraphs/, documents/
    RunResult byPrefix = run(args("own", out, "--source_paths", data.toString()));
    assertThat(byPrefix.exitCode()).as(byPrefix.message()).isZero();
    assertOwnOutputLeftOut(byPrefix.report().get(), 2, 0, 3);

    Path manifest = home.resolve("own/manifest.txt");
    Files.writeString(
        manifest,
        String.join(
            "\n",
            data.resolve("a.txt").toUri().toString(),
            out.resolve("documents/a.txt").toUri().toString(), // same file name as the real one
            data.resolve("warehouse/documents/metadata").toUri() + "/x.metadata.json"));
    RunResult named = run(args("own", out, "--source_manifest", manifest.toString()));
    assertThat(named.exitCode()).as(named.message()).isZero();
    assertOwnOutputLeftOut(named.report().get(), 1, 2, 0);
    assertThat(named.report().get().rejected()).isEmpty();
    assertThat(
            spark
                .sql("SELECT concat(doc_id, ':', status) FROM own.documents ORDER BY 1")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("a.txt:ok", "b.txt:ok");
    assertThat(rowsByDoc("own.paragraphs")).containsOnlyKeys("a.txt", "b.txt");
    assertThat(out.resolve("documents/out")).doesNotExist();

    // A source root inside what the job writes is refused before reading.
    for (Path inside : List.of(out, out.resolve("documents"))) {
      RunResult refused = run(args("own", out, "--source_paths", inside.toString()));
      assertThat(refused.exitCode()).isEqualTo(RunResult.BAD_INPUT);
      assertThat(refused.message())
          .isEqualTo(
              "Cannot use --source_paths "
                  + inside
                  + ": it lies inside --output_path "
                  + out.toUri());
    }
    String table = data.resolve("warehouse/paragraphs/data").toUri().toString();
    assertThat(run(args("own", out, "--source_paths", table)).message())
        .startsWith(
            "Cannot use --source_paths "
                + table
                + ": it lies inside the location of table own.paragraphs (");
    RunResult tableInside = run(args("own", home.resolve("own"), "--source_table", "own.raw"));
    assertThat(tableInside.exitCode()).isEqualTo(RunResult.BAD_INPUT);
    assertThat(tableInside.message())
        .startsWith("Cannot use --source_table own.raw: its location file:")
        .endsWith("own/data lies inside --output_path " + home.resolve("own").toUri());
  }

  private static void assertOwnOutputLeftOut(
      dev.paraglue.job.RunReport report, long listed, long objects, long folders) {
    assertThat(report.count("listed")).isEqualTo(listed);
    assertThat(report.count("skipped_unchanged")).isEqualTo(listed);
    assertThat(report.count("own_output_skipped")).isEqualTo(objects);
    assertThat(report.count("own_output_folders_pruned")).isEqualTo(folders);
  }

  @Test
  void twoSourcesForOneOutputKey_areBothRejected_andTheEarlierOutputIsWithdrawn()
      throws IOException {
    Path raw = home.resolve("conflict/raw");
    Path out = home.resolve("conflict/out");
    put(raw.resolve("a.txt"), "plain\n".getBytes(UTF_8));
    put(raw.resolve("b.txt"), "fine\n".getBytes(UTF_8));
    assertThat(run(args("conflict", out, "--source_paths", raw.toUri().toString())).exitCode())
        .isZero();
    assertThat(out.resolve("documents/a.txt")).hasContent("plain\n");

    put(raw.resolve("a.txt.gz"), gzip("packed\n".getBytes(UTF_8)));
    RunResult r = run(args("conflict", out, "--source_paths", raw.toUri().toString()));
    assertThat(r.exitCode()).as(r.message()).isZero();
    assertThat(r.report().get().rejected())
        .extracting(p -> p.docId() + ":" + p.reason())
        .containsExactlyInAnyOrder("a.txt:output-conflict", "a.txt.gz:output-conflict");
    assertThat(out.resolve("documents/a.txt")).doesNotExist();
    assertThat(out.resolve("documents/b.txt")).hasContent("fine\n");
    assertThat(rowsByDoc("conflict.paragraphs")).containsOnlyKeys("b.txt");
    assertThat(
            spark
                .sql("SELECT doc_id FROM conflict.documents WHERE status = 'rejected' ORDER BY 1")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsExactly("a.txt", "a.txt.gz");
  }

  /** Runs the job with one Spark setting for the run. */
  private static RunResult runWith(String key, String value, String... args) {
    spark.conf().set(key, value);
    try {
      return run(args);
    } finally {
      spark.conf().unset(key);
    }
  }

  @Test
  void
      sourceEncoding_gb18030_givesUtf8Rows_offsetsIntoTheOriginalBytes_andAHalfValidFileIsRejected()
          throws IOException {
    Path raw = home.resolve("enc/raw");
    java.nio.charset.Charset gb = java.nio.charset.Charset.forName("GB18030");
    byte[] text = new String(TestBytes.text(7, 3000), UTF_8).getBytes(gb);
    put(raw.resolve("novel.txt"), text);
    byte[] head = "第一段。\n\n第二段".getBytes(gb);
    ByteArrayOutputStream halfValid = new ByteArrayOutputStream();
    halfValid.writeBytes(head);
    halfValid.writeBytes(bytes(0x81, 0x20, "rest"));
    put(raw.resolve("half.txt"), halfValid.toByteArray());
    Path out = home.resolve("enc/out");
    String[] gbArgs =
        args("enc", out, "--source_paths", raw.toUri().toString(), "--source_encoding", "gb18030");
    // Byte ranges of 97 bytes would cut a UTF-8 document this size: GB18030 is read whole.
    RunResult r = runWith("spark.paraglue.rangeBytes", "97", gbArgs);
    assertThat(r.exitCode()).as(r.message()).isZero();

    ParagraphSplitter.Split expected =
        ParagraphSplitter.split(new java.io.ByteArrayInputStream(text), "GB18030", 1000);
    List<Row> rows = rowsByDoc("enc.paragraphs").get("novel.txt");
    assertRowsAreTheSplit(rows, expected);
    assertThat(expected.texts())
        .isEqualTo(ParagraphSplitter.split(new String(text, gb).getBytes(UTF_8)).texts());
    for (Row row : rows) {
      String slice = new String(text, (int) row.getLong(4), row.getInt(5), gb);
      assertThat(slice.replace("\r\n", "\n")).isEqualTo(row.getString(2));
    }
    assertThat(Files.readAllBytes(out.resolve("documents/novel.txt")))
        .isEqualTo(Reassembler.reassemble(expected.texts()));
    Row half =
        spark
            .sql(
                "SELECT status, reason, reason_offset, reason_detail, source_encoding"
                    + " FROM enc.documents WHERE doc_id = 'half.txt'")
            .first();
    assertThat(half.getString(0)).isEqualTo("rejected");
    assertThat(half.getString(1)).isEqualTo("invalid-encoding");
    assertThat(half.getLong(2)).isEqualTo(head.length);
    assertThat(half.getString(3)).contains("GB18030");
    assertThat(half.getString(4)).isEqualTo("GB18030");
    assertThat(out.resolve("_rejected/half.txt.json")).content().contains("invalid-encoding");

    // Unchanged with the same encoding; another encoding is another result.
    assertThat(run(gbArgs).report().get().count("skipped_unchanged")).isEqualTo(2);
    RunResult asUtf8 = run(args("enc", out, "--source_paths", raw.toUri().toString()));
    assertThat(asUtf8.report().get().count("skipped_unchanged")).isZero();
    assertThat(
            spark
                .sql("SELECT DISTINCT source_encoding, reason FROM enc.documents")
                .collectAsList()
                .toString())
        .isEqualTo("[[UTF-8,invalid-utf8]]");
  }

  @Test
  void sourceTable_declaringItsEncoding_needsNoArgument_andAPartitionMayDeclareItsOwn()
      throws IOException {
    Path raw = home.resolve("decl/raw");
    String text = "第一段，中文。\r\n第二行\n\n\u3000\n日本語の段落\n";
    Map<String, String> written =
        Map.of(
            "dt=1/gb.txt", "GB18030",
            "dt=2/sjis.txt", "Shift_JIS",
            "dt=3/utf16.txt", "UTF-16");
    for (Map.Entry<String, String> e : written.entrySet()) {
      put(raw.resolve(e.getKey()), text.getBytes(java.nio.charset.Charset.forName(e.getValue())));
    }
    spark.sql("CREATE DATABASE IF NOT EXISTS decl");
    spark.sql(
        "CREATE EXTERNAL TABLE decl.raw (line string) PARTITIONED BY (dt string)"
            + " ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'"
            + " WITH SERDEPROPERTIES ('serialization.encoding'='GB18030')"
            + " STORED AS TEXTFILE LOCATION '"
            + raw.toUri()
            + "'");
    spark.sql("MSCK REPAIR TABLE decl.raw");
    for (String dt : List.of("2", "3")) {
      spark.sql(
          "ALTER TABLE decl.raw PARTITION (dt='"
              + dt
              + "') SET SERDEPROPERTIES ('serialization.encoding'='"
              + written.get("dt=" + dt + "/" + (dt.equals("2") ? "sjis" : "utf16") + ".txt")
              + "')");
    }
    Path out = home.resolve("decl/out");
    RunResult r = run(args("decl", out, "--source_table", "decl.raw"));
    assertThat(r.exitCode()).as(r.message()).isZero();
    Map<String, List<Row>> rows = rowsByDoc("decl.paragraphs");
    for (Map.Entry<String, String> e : written.entrySet()) {
      byte[] source = Files.readAllBytes(raw.resolve(e.getKey()));
      ParagraphSplitter.Split expected =
          ParagraphSplitter.split(
              new java.io.ByteArrayInputStream(source),
              dev.paraglue.text.SourceEncoding.canonical(e.getValue()),
              1000);
      assertThat(expected.texts()).containsExactly("第一段，中文。\n第二行", "日本語の段落");
      assertRowsAreTheSplit(rows.get(e.getKey()), expected);
    }
    assertThat(
            spark
                .sql("SELECT doc_id, source_encoding FROM decl.documents ORDER BY doc_id")
                .collectAsList()
                .toString())
        .isEqualTo("[[dt=1/gb.txt,GB18030], [dt=2/sjis.txt,Shift_JIS], [dt=3/utf16.txt,UTF-16]]");
    // UTF-16's byte order mark counts in the offsets and is not text.
    assertThat(rows.get("dt=3/utf16.txt").get(0).getLong(4)).isEqualTo(2);

    spark.sql(
        "CREATE EXTERNAL TABLE decl.bad (line string) STORED AS TEXTFILE"
            + " TBLPROPERTIES ('paraglue.encoding'='klingon') LOCATION '"
            + raw.toUri()
            + "'");
    RunResult bad = run(args("decl", out, "--source_table", "decl.bad"));
    assertThat(bad.exitCode()).isEqualTo(RunResult.BAD_INPUT);
    assertThat(bad.message())
        .startsWith(
            "Cannot use encoding 'klingon' (table property paraglue.encoding of decl.bad): not a"
                + " charset this JVM knows");
  }

  /**
   * The rows of one document, by index, are the single-task split's paragraphs, column by column.
   */
  private static void assertRowsAreTheSplit(List<Row> rows, ParagraphSplitter.Split expected) {
    assertThat(rows).hasSize(expected.paragraphs().size());
    for (int i = 0; i < rows.size(); i++) {
      Paragraph e = expected.paragraphs().get(i);
      Row row = rows.get(i);
      assertThat(row.getInt(1)).isEqualTo(i);
      assertThat(row.getString(2)).isEqualTo(e.text());
      assertThat(row.getLong(3)).as("line of paragraph %d", i).isEqualTo(e.lineNumber());
      assertThat(row.getLong(4)).as("offset of paragraph %d", i).isEqualTo(e.byteOffset());
      assertThat(row.getInt(5)).isEqualTo(e.byteLength());
      assertThat(row.getInt(6)).isEqualTo(e.charCount());
    }
  }

  @Test
  void largeBzip2Documents_readAsRangesOfBlocks_areExactlyTheWholeSplit() throws IOException {
    Path raw = home.resolve("bzranges/raw");
    byte[] plain = TestBytes.text(43, 450_000);
    ByteArrayOutputStream twoStreams = new ByteArrayOutputStream();
    twoStreams.writeBytes(TestBytes.bzip2(java.util.Arrays.copyOf(plain, 300_000)));
    twoStreams.writeBytes(
        TestBytes.bzip2(java.util.Arrays.copyOfRange(plain, 300_000, plain.length)));
    byte[] packed = twoStreams.toByteArray();
    put(raw.resolve("big.txt.bz2"), packed);
    byte[] broken = java.util.Arrays.copyOf(plain, plain.length);
    broken[plain.length * 2 / 3] = (byte) 0xFF;
    put(raw.resolve("broken.txt.bz2"), TestBytes.bzip2(broken));
    byte[] damaged = packed.clone();
    // A block whose CRC fails, but whose garbage may first be rejected as text: either way, what
    // the ranges say must be what reading it whole says.
    damaged[packed.length / 2] ^= 0x04;
    put(raw.resolve("damaged.txt.bz2"), damaged);
    // A damaged block start marker: a decoder would skip that block in silence. The range before
    // it notices the gap, and the document is read whole instead, which rejects it.
    long middleBlock;
    try (dev.paraglue.source.Bzip2Blocks b =
        dev.paraglue.source.Bzip2Blocks.open(
            raw.resolve("big.txt.bz2").toUri().toString(),
            packed.length / 2,
            packed.length,
            packed.length,
            new org.apache.hadoop.conf.Configuration())) {
      middleBlock = b.firstBlock();
    }
    byte[] unmarked = packed.clone();
    unmarked[(int) middleBlock + 2] ^= 0x10;
    put(raw.resolve("unmarked.txt.bz2"), unmarked);
    Path out = home.resolve("bzranges/out");
    // About ten ranges, some of which hold no block start.
    RunResult r =
        runWith(
            "spark.paraglue.bzip2RangeBytes",
            Long.toString(packed.length / 10),
            args("bzranges", out, "--source_paths", raw.toUri().toString()));
    assertThat(r.exitCode()).as(r.message()).isZero();
    // big, broken and damaged; not unmarked.
    assertThat(r.report().get().count("ranged_documents")).isEqualTo(3);

    ParagraphSplitter.Split expected = ParagraphSplitter.split(plain);
    assertRowsAreTheSplit(rowsByDoc("bzranges.paragraphs").get("big.txt.bz2"), expected);
    assertThat(Files.readAllBytes(out.resolve("documents/big.txt")))
        .isEqualTo(Reassembler.reassemble(expected.texts()));
    dev.paraglue.text.Rejection whole = rejectionOf(broken);
    dev.paraglue.text.Rejection wholeDamaged = wholeReadOf(raw.resolve("damaged.txt.bz2"));
    assertThat(r.report().get().rejected())
        .extracting(p -> p.docId() + ":" + p.reason() + "@" + p.offset())
        .containsExactlyInAnyOrder(
            "broken.txt.bz2:" + whole.reason().code() + "@" + whole.offset(),
            "damaged.txt.bz2:" + wholeDamaged.reason().code() + "@" + wholeDamaged.offset(),
            "unmarked.txt.bz2:unreadable@" + wholeReadOf(raw.resolve("unmarked.txt.bz2")).offset());
    assertThat(rowsByDoc("bzranges.paragraphs")).containsOnlyKeys("big.txt.bz2");
  }

  /** How one split of this text, with the tests' paragraph limit, rejects it. */
  private static dev.paraglue.text.Rejection rejectionOf(byte[] text) throws IOException {
    return ParagraphSplitter.split(new java.io.ByteArrayInputStream(text), 1000)
        .outcome()
        .rejection();
  }

  /** How the job's read of a whole bzip2 document rejects this object. */
  private static dev.paraglue.text.Rejection wholeReadOf(Path object) throws IOException {
    return ParagraphSplitter.split(
            dev.paraglue.source.DocumentInput.open(
                object.toUri().toString(),
                Files.size(object),
                new org.apache.hadoop.conf.Configuration()),
            1000)
        .outcome()
        .rejection();
  }

  @Test
  void largeDocuments_readAsManyByteRanges_areExactlyTheWholeSplit() throws IOException {
    Path raw = home.resolve("ranges/raw");
    byte[] big = TestBytes.text(42, 20_000);
    put(raw.resolve("big.txt"), big);
    byte[] broken = java.util.Arrays.copyOf(big, big.length);
    broken[big.length / 2] = (byte) 0xFF;
    put(raw.resolve("broken.txt"), broken);
    put(raw.resolve("small.txt"), "small\n\ndoc\n".getBytes(UTF_8));
    Path out = home.resolve("ranges/out");
    RunResult r =
        runWith(
            "spark.paraglue.rangeBytes",
            "97",
            args("ranges", out, "--source_paths", raw.toUri().toString()));
    assertThat(r.exitCode()).as(r.message()).isZero();

    ParagraphSplitter.Split expected = ParagraphSplitter.split(big);
    assertRowsAreTheSplit(rowsByDoc("ranges.paragraphs").get("big.txt"), expected);
    assertThat(Files.readAllBytes(out.resolve("documents/big.txt")))
        .isEqualTo(Reassembler.reassemble(expected.texts()));
    dev.paraglue.text.Rejection whole = rejectionOf(broken);
    assertThat(r.report().get().rejected())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.docId()).isEqualTo("broken.txt");
              assertThat(p.reason()).isEqualTo(whole.reason().code());
              assertThat(p.offset()).isEqualTo(whole.offset());
            });
    assertThat(out.resolve("documents/small.txt")).hasContent("small\n\ndoc\n");
  }

  @Test
  void hostileInputs_areRejectedWithTheirReason_andTheRestOfTheRunCompletes() throws IOException {
    Path raw = home.resolve("hostile/raw");
    byte[] noNewline = new byte[100 << 20];
    java.util.Arrays.fill(noNewline, (byte) 'x');
    put(raw.resolve("no-newline.txt"), noNewline);
    put(raw.resolve("not-bzip2.txt.bz2"), "this is not bzip2 at all\n".getBytes(UTF_8));
    put(raw.resolve("zero-bytes.txt"), new byte[0]);
    put(raw.resolve("at-limit.txt"), ("a".repeat(1000) + "\n\nshort\n").getBytes(UTF_8));
    put(raw.resolve("over-limit.txt"), ("a".repeat(1001) + "\n\nshort\n").getBytes(UTF_8));
    byte[] random = new byte[4096];
    new java.util.Random(7).nextBytes(random);
    put(raw.resolve("random.txt"), random);
    put(raw.resolve("fine.txt"), "fine\n".getBytes(UTF_8));
    // Written under a bare output path, which Hadoop qualifies to file:///: no URI-escaping trap.
    put(raw.resolve("山水 %41.txt"), "山\n\n水\n".getBytes(UTF_8));
    ByteArrayOutputStream bz = new ByteArrayOutputStream();
    org.apache.hadoop.io.compress.BZip2Codec codec = new org.apache.hadoop.io.compress.BZip2Codec();
    codec.setConf(new org.apache.hadoop.conf.Configuration());
    try (java.io.OutputStream o = codec.createOutputStream(bz)) {
      o.write("real bzip2\n\nsecond\n".getBytes(UTF_8));
    }
    put(raw.resolve("real.txt.bz2"), bz.toByteArray());

    RunResult r =
        run(
            "--output_path", home.resolve("hostile/out").toString(), // a bare path, no scheme
            "--paragraph_table", "hostile.paragraphs",
            "--documents_table", "hostile.documents",
            "--max_paragraph_bytes", "1000",
            "--source_paths", raw.toString());

    assertThat(r.exitCode()).as(r.message()).isZero();
    assertThat(r.report().get().count("listed")).isEqualTo(9);
    assertThat(r.report().get().rejected())
        .extracting(p -> p.docId() + ":" + p.reason())
        .containsExactlyInAnyOrder(
            "no-newline.txt:paragraph-too-large",
            "not-bzip2.txt.bz2:unreadable",
            "over-limit.txt:paragraph-too-large",
            "random.txt:" + ParagraphSplitter.split(random).outcome().rejection().reason().code());
    assertThat(r.report().get().count("processed")).isEqualTo(5);
    assertThat(home.resolve("hostile/out/documents/山水 %41.txt")).hasContent("山\n\n水\n");
    assertThat(home.resolve("hostile/out/documents/real.txt")).hasContent("real bzip2\n\nsecond\n");
    assertThat(home.resolve("hostile/out/documents/zero-bytes.txt")).isEmptyFile();
    assertThat(home.resolve("hostile/out/documents/at-limit.txt"))
        .hasContent("a".repeat(1000) + "\n\nshort\n");
    assertThat(rowsByDoc("hostile.paragraphs"))
        .containsOnlyKeys("at-limit.txt", "fine.txt", "real.txt.bz2", "山水 %41.txt");
  }

  @Test
  void errors_giveOneLineReasons_andTheRightExitCodes() throws IOException {
    Path out = home.resolve("errors/out");
    RunResult missing = run(args("errors", out, "--source_table", "errors.nope"));
    assertThat(missing.exitCode()).isEqualTo(RunResult.BAD_INPUT);
    spark.sql("CREATE DATABASE IF NOT EXISTS errors");
    missing = run(args("errors", out, "--source_table", "errors.nope"));
    assertThat(missing.message())
        .isEqualTo("Cannot read source table errors.nope: table not found");
    assertThat(run(args("errors", out, "--source_table", "nodb.docs")).message())
        .isEqualTo("Cannot read source table nodb.docs: database nodb not found");

    RunResult bad = run(args("errors", out, "--source_table", "errors.x", "--sorce_paths", "/x"));
    assertThat(bad.exitCode()).isEqualTo(RunResult.BAD_INPUT);
    assertThat(bad.message())
        .contains("unknown argument(s) --sorce_paths")
        .contains("--source_paths");
    assertThat(bad.message()).doesNotContain("\n");

    spark.conf().set(JobSettings.RANGE_BYTES, "64m");
    try {
      RunResult badSetting = run(args("errors", out, "--source_paths", "/nowhere"));
      assertThat(badSetting.exitCode()).isEqualTo(RunResult.BAD_INPUT);
      assertThat(badSetting.message())
          .isEqualTo(
              "Cannot use spark.paraglue.rangeBytes '64m': expected a whole number of at least 1");
      assertThat(badSetting.report()).as("refused before anything was read").isEmpty();
    } finally {
      spark.conf().unset(JobSettings.RANGE_BYTES);
    }

    RunResult notFound =
        run(args("errors", out, "--source_paths", home.resolve("errors/none").toUri().toString()));
    assertThat(notFound.exitCode()).isEqualTo(RunResult.BAD_INPUT);
    assertThat(notFound.message())
        .startsWith("Cannot read source path file:")
        .endsWith("errors/none: not found");

    Path raw = home.resolve("errors/raw");
    put(raw.resolve("broken.txt.gz"), truncatedGzip());
    put(raw.resolve("fine.txt"), "fine\n".getBytes(UTF_8));
    RunResult tolerated = run(args("errors", out, "--source_paths", raw.toUri().toString()));
    assertThat(tolerated.exitCode()).isZero();
    assertThat(tolerated.report().get().rejected())
        .singleElement()
        .satisfies(p -> assertThat(p.reason()).isEqualTo("unreadable"));

    RunResult strict =
        run(
            args(
                "errors2",
                home.resolve("errors/out2"),
                "--source_paths",
                raw.toUri().toString(),
                "--fail_on_reject",
                "true"));
    assertThat(strict.exitCode()).isEqualTo(RunResult.FAILED);
    assertThat(strict.message())
        .contains("rejected 1 document(s)")
        .contains("broken.txt.gz: unreadable");
    JsonNode report =
        JSON.readTree(
            Files.list(home.resolve("errors/out2/_runs"))
                .filter(p -> p.toString().endsWith(".json"))
                .findFirst()
                .get()
                .toFile());
    assertThat(report.get("status").asText()).isEqualTo("failed");
  }

  private static Map<String, List<Row>> rowsByDoc(String table) {
    Map<String, List<Row>> out = new HashMap<>();
    for (Row r :
        spark.sql("SELECT * FROM " + table + " ORDER BY doc_id, paragraph_index").collectAsList()) {
      out.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  private static List<String> texts(List<Paragraph> ps) {
    return ps.stream().map(Paragraph::text).toList();
  }

  private static byte[] decompressed(Path p) throws IOException {
    if (!p.toString().endsWith(".gz")) {
      return Files.readAllBytes(p);
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
      return in.readAllBytes();
    }
  }

  /** The modification time the next {@link #put} gives its file: fixed, one second apart. */
  private static final java.util.concurrent.atomic.AtomicLong NEXT_MODIFIED =
      new java.util.concurrent.atomic.AtomicLong(
          Instant.parse("2026-11-01T00:00:00Z").toEpochMilli());

  static void put(Path p, byte[] content) throws IOException {
    Files.createDirectories(p.getParent());
    Files.write(p, content);
    // Ledger comparisons use the modification time: each write gets its own whole second, so a
    // rewrite is visible even where file times have one-second resolution, and runs repeat.
    Files.setLastModifiedTime(
        p, java.nio.file.attribute.FileTime.fromMillis(NEXT_MODIFIED.addAndGet(1000)));
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  static byte[] truncatedGzip() throws IOException {
    byte[] full = gzip("a paragraph that will be cut off\n".repeat(200).getBytes(UTF_8));
    return java.util.Arrays.copyOf(full, full.length / 2);
  }
}
