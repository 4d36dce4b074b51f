package dev.paraglue.it.job;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paraglue.job.RunResult;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphSplitter;
import dev.paraglue.text.Reassembler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * What one run writes and where: the paragraph rows, reassembled documents, ledger and report of a
 * whole corpus; documents named by table, paths or manifest; partition columns and filters; the
 * job's own output never read as a source; two sources for one output key.
 */
class JobOutputsIT extends JobITSupport {
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
    // Parquet without dictionaries for paragraphs only (TableDdl.PARAGRAPH_WRITE_PROPERTIES).
    assertThat(tableProperties("whole.paragraphs"))
        .containsEntry("parquet.enable.dictionary", "false");
    assertThat(tableProperties("whole.documents")).doesNotContainKey("parquet.enable.dictionary");
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

  static void assertOwnOutputLeftOut(
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
}
