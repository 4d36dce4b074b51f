package dev.paraglue.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paraglue.job.JobArguments;
import dev.paraglue.job.RunReport;
import dev.paraglue.job.RunResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** What {@code jobs/paraglue run} and {@code sql} answer before and after Spark. */
class LocalMainTest {
  private static final Path HOME = Path.of("target", "local-main-test");

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void help_onRunAndSql_listsTheArgumentsAndDefaults_withoutSpark() {
    assertThat(LocalMain.answer(new String[] {"run", "--help"}, HOME, print(out)))
        .contains(RunResult.SUCCEEDED);
    assertThat(out.toString(UTF_8))
        .startsWith("usage: jobs/paraglue run [--name value ...]\n")
        .contains(
            "\n  --paragraph_table db.table   Iceberg paragraph table, created when missing"
                + " (default: paraglue.paragraphs)\n",
            "\n  --max_paragraph_bytes n      longest accepted paragraph text, in UTF-8 bytes"
                + " (default: 16777216)\n",
            "Locally, --output_path defaults to $PARAGLUE_HOME/output");
    for (String name : List.of(JobArguments.SOURCE_TABLE, JobArguments.FAIL_ON_REJECT)) {
      assertThat(out.toString(UTF_8)).contains("\n  --" + name + " ");
    }
    out.reset();
    assertThat(LocalMain.answer(new String[] {"sql", "SELECT 1", "-h"}, HOME, print(out)))
        .contains(RunResult.SUCCEEDED);
    assertThat(out.toString(UTF_8))
        .startsWith("usage: jobs/paraglue sql \"QUERY\" [--json]\n")
        .contains("\n  --json  print one JSON object per row instead of a table\n");
    out.reset();
    assertThat(LocalMain.answer(new String[] {"maintain", "--help"}, HOME, print(out)))
        .contains(RunResult.SUCCEEDED);
    assertThat(out.toString(UTF_8))
        .startsWith("usage: jobs/paraglue maintain [--name value ...]\n")
        .contains("--retain_days n", "(default: 7)", "--retain_last n", "(default: 10)");
    assertThat(SparkSession.getDefaultSession().isEmpty()).isTrue();
  }

  @Test
  void samples_registeredAgain_onlyWhenTheTableAFolderOrAnEncodingIsMissing() {
    Set<String> folders = LocalMain.partitionFolders(Path.of("jobs/samples"));
    assertThat(folders)
        .containsExactlyInAnyOrder(
            "dt=2026-11-01", "dt=2026-11-02", "dt=2026-11-03", "dt=2026-11-04");
    Map<String, Map<String, String>> all = new HashMap<>();
    folders.forEach(f -> all.put(f, Map.of()));
    LocalMain.SAMPLE_ENCODINGS.forEach(
        (dt, charset) -> all.put("dt=" + dt, Map.of("serialization.encoding", charset)));
    assertThat(LocalMain.isRegistered(folders, Optional.of(all))).isTrue();
    // A partition whose folder is gone: nothing to add.
    assertThat(LocalMain.isRegistered(Set.of("dt=2026-11-01"), Optional.of(all))).isTrue();

    assertThat(LocalMain.isRegistered(folders, Optional.empty())).isFalse();
    assertThat(LocalMain.isRegistered(Set.of(), Optional.empty())).isFalse();
    Set<String> added = new HashSet<>(folders);
    added.add("dt=2026-12-01");
    assertThat(LocalMain.isRegistered(added, Optional.of(all))).isFalse();
    Map<String, Map<String, String>> undeclared = new HashMap<>(all);
    undeclared.put("dt=2026-11-04", Map.of());
    assertThat(LocalMain.isRegistered(folders, Optional.of(undeclared))).isFalse();
  }

  @Test
  void badArguments_failBeforeSpark_withOneLine() {
    assertThatThrownBy(
            () -> LocalMain.answer(new String[] {"run", "--bogus", "1"}, HOME, print(out)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Cannot run: unknown argument(s) --bogus; valid arguments are --source_table,");
    assertThatThrownBy(() -> LocalMain.answer(new String[] {"sql"}, HOME, print(out)))
        .hasMessage("Cannot run query: QUERY is required");
    assertThatThrownBy(() -> LocalMain.answer(new String[] {"maintian"}, HOME, print(out)))
        .hasMessage(
            "Cannot run: unknown command 'maintian'; use run, sql or maintain (each with --help)");
    assertThatThrownBy(
            () ->
                LocalMain.answer(new String[] {"maintain", "--retain_dayz", "3"}, HOME, print(out)))
        .hasMessageStartingWith(
            "Cannot maintain: unknown argument(s) --retain_dayz; valid arguments are"
                + " --paragraph_table, --documents_table, --retain_days,");
    assertThat(LocalMain.answer(new String[] {"run"}, HOME, print(out))).isEmpty();
    assertThat(out.size()).isZero();
    assertThat(SparkSession.getDefaultSession().isEmpty()).isTrue();
  }

  @Test
  void sql_withASyntaxError_printsSparksFirstLineWithThePosition() {
    SparkSession spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("LocalMainTest")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .getOrCreate();
    try {
      assertThat(LocalMain.sql(spark, new String[] {"SELEC 1", "--json"}, print(out), print(err)))
          .isEqualTo(RunResult.BAD_INPUT);
    } finally {
      spark.stop();
    }
    // Spark's message starts with a line break; the SQL and a caret follow on other lines.
    assertThat(err.toString(UTF_8))
        .isEqualTo(
            "paraglue: Cannot run query: [PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'."
                + " (line 1, pos 0)\n");
    assertThat(out.size()).isZero();
  }

  @Test
  void summary_saysNoDocumentsWritten_whenNoneWere() {
    RunReport unchanged = new RunReport("r1", "paraglue", Instant.EPOCH);
    unchanged.count("listed", 8);
    unchanged.count("skipped_unchanged", 8);
    unchanged.finish("succeeded", null, Instant.EPOCH);
    List<String> args = List.of("--output_path", "file:/o");
    LocalMain.printSummary(unchanged, args, print(out));
    assertThat(out.toString(UTF_8))
        .contains("  documents:  8 listed, 8 unchanged, 0 processed, 0 rejected\n")
        .contains("  documents:  no documents written\n")
        .contains("  report:     file:/o/_runs/r1.json\n")
        .doesNotContain("file:/o/documents/");

    out.reset();
    RunReport processed = new RunReport("r2", "paraglue", Instant.EPOCH);
    processed.count("processed", 1);
    processed.finish("succeeded", null, Instant.EPOCH);
    LocalMain.printSummary(processed, args, print(out));
    assertThat(out.toString(UTF_8)).contains("  documents:  file:/o/documents/\n");
  }

  private static PrintStream print(ByteArrayOutputStream bytes) {
    return new PrintStream(bytes, true, UTF_8);
  }
}
