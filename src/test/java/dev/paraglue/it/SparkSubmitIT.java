package dev.paraglue.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphSplitter;
import dev.paraglue.text.Reassembler;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;

/**
 * The {@code spark-submit} command of docs/local.md, read from that file so that the two cannot
 * drift, run as a user with a plain Spark 3.5 install runs it: in a new empty folder, twice, then
 * once more after a source changed; each run is checked against the splitter (rows, documents
 * table, reassembled documents, run report).
 *
 * <p>What stands in for the Spark install, and exactly what replaces {@code --packages}:
 *
 * <ul>
 *   <li>{@code bin/spark-submit}: {@code java} with what Spark's launcher adds on Java 17 (the
 *       module flags of {@code conf/spark-java17.properties}) and its default driver heap ({@code
 *       -Xmx1g}), running {@code org.apache.spark.deploy.SparkSubmit} on Spark's own jars only:
 *       {@code spark-sql_2.12} and {@code spark-hive_2.12} 3.5.6 with their dependencies as Maven
 *       resolves them for this build ({@code target/spark-submit/spark.classpath}, written by the
 *       build; no Iceberg, no {@code hadoop-aws}, nothing of paraglue's, as this test checks).
 *   <li>{@code --packages org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.10.0,
 *       org.apache.hadoop:hadoop-aws:3.3.4}: {@code --jars} with the jars Ivy resolves for those
 *       coordinates, taken from the local Maven repository by the build ({@code
 *       target/spark-submit/packages.classpath}): {@code iceberg-spark-runtime-3.5_2.12-1.10.0},
 *       {@code hadoop-aws-3.3.4}, {@code aws-java-sdk-bundle-1.12.262} and {@code
 *       wildfly-openssl-1.0.7.Final}. SparkSubmit hands the jars {@code --packages} resolved to the
 *       same place as {@code --jars} ({@code spark.jars} and the driver's class loader), so only
 *       the download is skipped; the test checks that docs/local.md names exactly these two
 *       coordinates.
 *   <li>The jar's path becomes this build's {@code target/paraglue-glue.jar}, and the values of
 *       {@code --source_paths} and {@code --output_path} become folders of the test. Every other
 *       word of the command is passed as printed.
 * </ul>
 */
class SparkSubmitIT {
  private static final List<String> PACKAGES =
      List.of(
          "org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.10.0",
          "org.apache.hadoop:hadoop-aws:3.3.4");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void documentedCommand_inAnEmptyFolder_firstRun_unchangedRun_changedSource() throws Exception {
    Path root = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "spark-submit-");
    Path work = Files.createDirectories(root.resolve("work"));
    Path texts = root.resolve("texts");
    Path out = root.resolve("out");
    put(texts.resolve("notes.txt"), "First paragraph,\r\nits second line.\n\n\nSecond.\n");
    put(texts.resolve("deep/山水.txt"), "\uFEFF山高水长。\n \n第二段\n第二行\n");
    Files.write(texts.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
    List<String> command = command(documentedCommand(), texts, out);

    JsonNode first = submit(command, work, out);
    assertThat(counts(first)).containsEntry("processed", 2).containsEntry("rejected", 1);
    assertMatchesTheSplit(work, texts, out);

    JsonNode second = submit(command, work, out);
    assertThat(counts(second))
        .containsEntry("skipped_unchanged", 3)
        .containsEntry("processed", 0)
        .containsEntry("rejected", 0);
    assertMatchesTheSplit(work, texts, out);

    put(texts.resolve("notes.txt"), "Changed.\n\nAnd one\nmore.\n");
    JsonNode third = submit(command, work, out);
    assertThat(counts(third))
        .containsEntry("skipped_unchanged", 2)
        .containsEntry("processed", 1)
        .containsEntry("paragraphs", 2);
    assertMatchesTheSplit(work, texts, out);
  }

  /** The words of docs/local.md's first {@code spark-submit} command, continuation lines joined. */
  static List<String> documentedCommand() throws IOException {
    List<String> lines = Files.readAllLines(Path.of("docs", "local.md"), UTF_8);
    StringBuilder cmd = new StringBuilder();
    for (String line : lines) {
      if (cmd.length() == 0 && !line.startsWith("spark-submit ")) {
        continue;
      }
      cmd.append(line.endsWith("\\") ? line.substring(0, line.length() - 1) : line).append(' ');
      if (!line.endsWith("\\")) {
        break;
      }
    }
    assertThat(cmd).as("a spark-submit command in docs/local.md").isNotEmpty();
    return words(cmd.toString());
  }

  /** Shell words: split at blanks outside quotes, quotes removed (no escapes, no variables). */
  static List<String> words(String s) {
    List<String> words = new ArrayList<>();
    StringBuilder w = null;
    char quote = 0;
    for (char c : s.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          w.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        w = w == null ? new StringBuilder() : w;
      } else if (Character.isWhitespace(c)) {
        if (w != null) {
          words.add(w.toString());
          w = null;
        }
      } else {
        w = (w == null ? new StringBuilder() : w).append(c);
      }
    }
    assertThat((int) quote).as("quotes closed in " + s).isZero();
    if (w != null) {
      words.add(w.toString());
    }
    return words;
  }

  /**
   * The JVM command that does what {@code documented} does on a Spark install (see the class doc).
   */
  private static List<String> command(List<String> documented, Path texts, Path out)
      throws IOException {
    assertThat(documented.get(0)).isEqualTo("spark-submit");
    List<String> spark = classpath("spark.classpath");
    assertThat(spark)
        .as("Spark's own jars")
        .anyMatch(j -> j.contains("spark-hive_2.12-3.5.6.jar"))
        .noneMatch(j -> j.contains("iceberg") || j.contains("hadoop-aws") || j.contains("awssdk"));
    List<String> cmd = ChildRun.java();
    cmd.set(cmd.size() - 1, String.join(File.pathSeparator, spark));
    cmd.addAll(List.of("-Xmx1g", "org.apache.spark.deploy.SparkSubmit"));
    for (int i = 1; i < documented.size(); i++) {
      String w = documented.get(i);
      if (w.equals("--packages")) {
        assertThat(documented.get(++i).split(",")).containsExactlyElementsOf(PACKAGES);
        cmd.add("--jars");
        cmd.add(String.join(",", classpath("packages.classpath")));
      } else if (w.endsWith("paraglue-glue.jar")) {
        cmd.add(Path.of("target/paraglue-glue.jar").toAbsolutePath().toString());
      } else if (w.equals("--source_paths") || w.equals("--output_path")) {
        cmd.add(w);
        cmd.add((w.equals("--source_paths") ? texts : out).toString());
        i++;
      } else {
        cmd.add(w);
      }
    }
    return cmd;
  }

  private static List<String> classpath(String name) throws IOException {
    String cp = Files.readString(Path.of("target/spark-submit", name), UTF_8).strip();
    return Arrays.asList(cp.split(File.pathSeparator));
  }

  /** Runs the command in {@code work}; the run report of the run, which must have succeeded. */
  private static JsonNode submit(List<String> cmd, Path work, Path out)
      throws IOException, InterruptedException {
    List<Path> before = reports(out);
    Path log = Files.createTempFile(work.getParent(), "submit-", ".log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String output = Files.readString(log, UTF_8);
    assertThat(p.exitValue()).as(output).isZero();
    List<Path> added = new ArrayList<>(reports(out));
    added.removeAll(before);
    assertThat(added).as(output).hasSize(1);
    JsonNode report = JSON.readTree(added.get(0).toFile());
    assertThat(report.path("status").asText()).isEqualTo("succeeded");
    return report;
  }

  private static List<Path> reports(Path out) throws IOException {
    Path runs = out.resolve("_runs");
    if (!Files.isDirectory(runs)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(runs)) {
      return s.filter(p -> p.toString().endsWith(".json")).toList();
    }
  }

  private static Map<String, Integer> counts(JsonNode report) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    report
        .path("counts")
        .fields()
        .forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asInt()));
    return counts;
  }

  /**
   * The paragraph table (as the metastore in {@code work} names its current snapshot), the
   * documents table and the published documents are exactly what the splitter makes of every file
   * under {@code texts}; the Latin-1 one is rejected.
   */
  private static void assertMatchesTheSplit(Path work, Path texts, Path out) throws Exception {
    Map<String, List<Record>> rows = new TreeMap<>();
    Map<String, Record> documents = new TreeMap<>();
    withMetastore(
        work,
        c -> {
          for (Record r : read(c, "paragraphs")) {
            rows.computeIfAbsent((String) r.getField("doc_id"), k -> new ArrayList<>()).add(r);
          }
          for (Record r : read(c, "documents")) {
            documents.put((String) r.getField("doc_id"), r);
          }
        });
    assertThat(documents).containsOnlyKeys("notes.txt", "deep/山水.txt", "latin1.txt");
    assertThat(documents.get("latin1.txt").getField("status")).isEqualTo("rejected");
    assertThat(documents.get("latin1.txt").getField("reason")).isEqualTo("invalid-utf8");
    assertThat(rows).containsOnlyKeys("notes.txt", "deep/山水.txt");
    for (String docId : rows.keySet()) {
      ParagraphSplitter.Split split =
          ParagraphSplitter.split(Files.readAllBytes(texts.resolve(docId)));
      List<Record> doc = rows.get(docId);
      doc.sort(Comparator.comparing(r -> (Integer) r.getField("paragraph_index")));
      assertThat(documents.get(docId).getField("status")).isEqualTo("ok");
      assertThat(documents.get(docId).getField("paragraph_count"))
          .isEqualTo(split.paragraphs().size());
      assertThat(doc.stream().map(SparkSubmitIT::paragraph).collect(Collectors.toList()))
          .as(docId)
          .isEqualTo(split.paragraphs().stream().map(SparkSubmitIT::paragraph).toList());
      assertThat(out.resolve("documents").resolve(docId))
          .hasBinaryContent(Reassembler.reassemble(split.texts()));
    }
  }

  private static List<Object> paragraph(Record r) {
    return List.of(
        r.getField("paragraph_index"),
        r.getField("text"),
        r.getField("line_number"),
        r.getField("byte_offset"),
        r.getField("byte_length"),
        r.getField("char_count"));
  }

  private static List<Object> paragraph(Paragraph p) {
    return List.of(
        p.index(), p.text(), p.lineNumber(), p.byteOffset(), p.byteLength(), p.charCount());
  }

  /** The rows of {@code paraglue.<table>} at the metadata the metastore names as current. */
  private static List<Record> read(Connection metastore, String table) throws Exception {
    String location;
    try (PreparedStatement s =
        metastore.prepareStatement(
            "SELECT p.PARAM_VALUE FROM TBLS t JOIN DBS d ON t.DB_ID = d.DB_ID"
                + " JOIN TABLE_PARAMS p ON p.TBL_ID = t.TBL_ID"
                + " WHERE d.NAME = 'paraglue' AND t.TBL_NAME = ? AND p.PARAM_KEY = 'metadata_location'")) {
      s.setString(1, table);
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).as("paraglue." + table + " in the metastore").isTrue();
        location = rs.getString(1);
      }
    }
    Table t = new HadoopTables(new Configuration()).load(location);
    List<Record> records = new ArrayList<>();
    try (CloseableIterable<Record> it = IcebergGenerics.read(t).build()) {
      it.forEach(r -> records.add(r.copy()));
    }
    return records;
  }

  private interface MetastoreBody {
    void accept(Connection c) throws Exception;
  }

  /**
   * Opens the Derby metastore that spark-submit made in {@code work} (Hive's default, {@code
   * metastore_db} in the working directory), then shuts it down: embedded Derby admits one JVM.
   */
  private static void withMetastore(Path work, MetastoreBody body) throws Exception {
    System.setProperty("derby.stream.error.file", work.resolveSibling("derby-test.log").toString());
    String db = "jdbc:derby:" + work.resolve("metastore_db");
    try (Connection c = DriverManager.getConnection(db)) {
      body.accept(c);
    } finally {
      try {
        DriverManager.getConnection(db + ";shutdown=true").close();
      } catch (SQLException e) {
        assertThat(e.getSQLState()).as("Derby's answer to a shutdown").isEqualTo("08006");
      }
    }
  }

  private static void put(Path p, String content) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, UTF_8);
  }
}
