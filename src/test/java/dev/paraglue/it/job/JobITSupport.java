package dev.paraglue.it.job;

import static dev.paraglue.TestBytes.bytes;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paraglue.job.JobRunner;
import dev.paraglue.job.RunResult;
import dev.paraglue.local.LocalCatalog;
import dev.paraglue.text.Paragraph;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;

/**
 * The fixture and helpers of the whole-job integration tests: a temporary embedded catalog (Derby
 * metastore, Iceberg tables), a corpus with every edge case, the job's arguments, and readers of
 * its outputs. Each test uses its own tables and corpus.
 */
abstract class JobITSupport {
  static final ObjectMapper JSON = new ObjectMapper();
  static Path home;
  static SparkSession spark;

  /**
   * One session and one embedded catalog for every class of this package in a JVM: {@link
   * dev.paraglue.it.ParagraphJobIT} runs them all in one fork. Each test uses its own databases and
   * corpus folder under {@link #home}, so the classes share nothing else. Spark's shutdown hook
   * stops the session when the JVM ends.
   */
  @BeforeAll
  static synchronized void start() throws IOException {
    if (spark != null) {
      return;
    }
    home = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "paraglue-it");
    spark =
        LocalCatalog.builder(home, "local[2]")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate();
  }

  /** A corpus under {@code <home>/<name>/raw} with every edge case of docs/contract.md §1. */
  static Path corpus(String name) throws IOException {
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

  static void registerTable(String table, Path raw) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + table.split("\\.")[0]);
    spark.sql(
        "CREATE EXTERNAL TABLE "
            + table
            + " (line string) PARTITIONED BY (dt string) STORED AS TEXTFILE LOCATION '"
            + raw.toUri()
            + "'");
    spark.sql("MSCK REPAIR TABLE " + table);
  }

  static RunResult run(String... args) {
    return new JobRunner(spark).run(args);
  }

  static String[] args(String db, Path out, String... more) {
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

  static Map<String, List<Row>> rowsByDoc(String table) {
    Map<String, List<Row>> out = new HashMap<>();
    for (Row r :
        spark.sql("SELECT * FROM " + table + " ORDER BY doc_id, paragraph_index").collectAsList()) {
      out.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r);
    }
    return out;
  }

  static List<String> texts(List<Paragraph> ps) {
    return ps.stream().map(Paragraph::text).toList();
  }

  static byte[] decompressed(Path p) throws IOException {
    if (!p.toString().endsWith(".gz")) {
      return Files.readAllBytes(p);
    }
    try (InputStream in = new GZIPInputStream(Files.newInputStream(p))) {
      return in.readAllBytes();
    }
  }

  /** The modification time the next {@link #put} gives its file: fixed, one second apart. */
  static final java.util.concurrent.atomic.AtomicLong NEXT_MODIFIED =
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

  static Map<String, String> tableProperties(String table) {
    Map<String, String> properties = new HashMap<>();
    spark
        .sql("SHOW TBLPROPERTIES " + table)
        .collectAsList()
        .forEach(r -> properties.put(r.getString(0), r.getString(1)));
    return properties;
  }
}
