package dev.paraglue.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.local.LocalMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What {@code jobs/paraglue run} runs, in its own JVM on a new home, as a user first meets it: the
 * bundled samples (a partitioned raw table, a Chinese file name) written under a bare output path,
 * then run again; then, as {@code jobs/paraglue sql} would, one of Iceberg's procedures and every
 * metadata table of both tables.
 */
class LocalMainIT {
  private static final List<String> METADATA_TABLES =
      List.of(
          "snapshots",
          "history",
          "files",
          "data_files",
          "delete_files",
          "manifests",
          "partitions",
          "refs");

  /** One query over every Iceberg metadata table of both tables: {@code {"t":..., "n":count}}. */
  private static final String METADATA_COUNTS =
      Stream.of("paragraphs", "documents")
              .flatMap(
                  t ->
                      METADATA_TABLES.stream()
                          .map(
                              m ->
                                  "SELECT '%s.%s' AS t, count(*) AS n FROM paraglue.%s.%s"
                                      .formatted(t, m, t, m)))
              .collect(Collectors.joining(" UNION ALL "))
          + " UNION ALL SELECT 'paragraphs.records', sum(record_count)"
          + " FROM paraglue.paragraphs.data_files";

  private static String run(Path home, String... args) throws IOException, InterruptedException {
    List<String> cmd = ChildRun.java();
    cmd.addAll(
        List.of(
            "-Xmx1g",
            "-Djava.io.tmpdir=" + Files.createDirectories(home.resolve("tmp")),
            "-Dparaglue.home=" + home,
            "-Dparaglue.master=local[2]",
            "-Dparaglue.samples=jobs/samples",
            LocalMain.class.getName()));
    cmd.addAll(List.of(args));
    Path log = home.resolve("run.log");
    Process p =
        ClassDataArchive.start(
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()), true);
    // No wall-clock bound (the first run also archives class data, slow on a crowded machine): a
    // run that hangs is stopped by the test's timeout.
    p.waitFor();
    String out = Files.readString(log, UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void samples_onANewHome_thenUnchanged_thenIcebergProceduresAndMetadataTables() throws Exception {
    Path home = Files.createTempDirectory(Path.of("target"), "local-main-");
    Path out = home.resolve("out");

    String first = run(home, "run", "--output_path", out.toString());
    assertThat(first)
        .contains("10 listed, 0 unchanged, 9 processed, 1 rejected")
        .contains("  documents:  " + out + "/documents/\n");
    assertThat(out.resolve("documents/dt=2026-11-01/chinese/山水.txt")).exists();
    // The partitions that declare GB18030 and UTF-16: decoded, stored as UTF-8.
    assertThat(out.resolve("documents/dt=2026-11-03/old-archive-gb18030.txt"))
        .content(UTF_8)
        .startsWith("旧档案：这份文件用 GB18030 保存");
    assertThat(out.resolve("documents/dt=2026-11-04/utf16-with-bom.txt"))
        .content(UTF_8)
        .startsWith("A UTF-16 file, little-endian");

    String second = run(home, "run", "--output_path", out.toString());
    assertThat(second)
        .contains("10 listed, 10 unchanged, 0 processed, 0 rejected")
        .contains("  documents:  no documents written\n");

    // Iceberg's procedures and metadata tables, each the first query of its JVM, as with
    // `jobs/paraglue sql`: Iceberg's metastore client is then the first to open the metastore.
    String rewrite =
        run(
            home,
            "sql",
            "CALL spark_catalog.system.rewrite_data_files(table => 'paraglue.paragraphs',"
                + " options => map('rewrite-all', 'true'))",
            "--json");
    assertThat(rewrite).contains("\"added_data_files_count\":4,"); // one per partition
    String metadata = run(home, "sql", METADATA_COUNTS, "--json");
    assertThat(metadata)
        .contains(
            // the rewrite left one file per partition, and every row
            "{\"t\":\"paragraphs.data_files\",\"n\":4}",
            "{\"t\":\"paragraphs.files\",\"n\":4}",
            "{\"t\":\"paragraphs.records\",\"n\":26}",
            "{\"t\":\"paragraphs.partitions\",\"n\":4}",
            "{\"t\":\"paragraphs.delete_files\",\"n\":0}",
            "{\"t\":\"documents.data_files\",\"n\":1}",
            "{\"t\":\"documents.delete_files\",\"n\":0}")
        // the first run's commit and the rewrite's
        .containsPattern("\\{\"t\":\"paragraphs.snapshots\",\"n\":([2-9]|\\d\\d+)}")
        .containsPattern("\\{\"t\":\"paragraphs.history\",\"n\":([2-9]|\\d\\d+)}");
    for (String table : List.of("paragraphs", "documents")) {
      for (String m : List.of("snapshots", "history", "manifests", "partitions", "refs")) {
        assertThat(metadata).containsPattern("\\{\"t\":\"" + table + "." + m + "\",\"n\":[1-9]");
      }
    }
  }
}
