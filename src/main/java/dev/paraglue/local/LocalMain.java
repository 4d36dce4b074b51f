package dev.paraglue.local;

import dev.paraglue.cli.Argument;
import dev.paraglue.cli.Command;
import dev.paraglue.cli.OneLine;
import dev.paraglue.job.JobArguments;
import dev.paraglue.job.JobRunner;
import dev.paraglue.job.MaintainJob;
import dev.paraglue.job.RunReport;
import dev.paraglue.job.RunResult;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.CatalogTablePartition;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalog;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * What {@code jobs/paraglue} runs through spark-submit: {@code run} (the job on the embedded
 * catalog, with the bundled samples when no source is given) and {@code sql}.
 */
public final class LocalMain {
  public static final String SAMPLE_TABLE = "paraglue.raw_documents";

  /** {@code jobs/paraglue run}: the job's own argument table, with what is local about it. */
  static final Command RUN =
      JobArguments.COMMAND.describedAs(
          "jobs/paraglue run [--name value ...]",
          "Runs the job with Spark on the embedded catalog under $PARAGLUE_HOME, then prints a"
              + " summary.",
          List.of(
              "Locally, --output_path defaults to $PARAGLUE_HOME/output, and with no source the"
                  + " bundled samples",
              "(jobs/samples) are registered as " + SAMPLE_TABLE + " and read.",
              "Environment: PARAGLUE_HOME (default ./.paraglue), PARAGLUE_MASTER (default"
                  + " local[*]), PARAGLUE_DRIVER_MEMORY (default 4g)."));

  /** {@code jobs/paraglue sql}. */
  static final Command SQL =
      new Command(
          "run query",
          "jobs/paraglue sql \"QUERY\" [--json]",
          "Runs one Spark SQL statement on the embedded catalog and prints its rows.",
          List.of(Argument.flag("json", "print one JSON object per row instead of a table")),
          List.of("QUERY"),
          List.of());

  /** {@code jobs/paraglue maintain}: the maintenance job's table, on the local catalog. */
  static final Command MAINTAIN =
      MaintainJob.COMMAND.describedAs(
          "jobs/paraglue maintain [--name value ...]",
          MaintainJob.COMMAND.summary(),
          List.of("Runs on the embedded catalog under $PARAGLUE_HOME."));

  private LocalMain() {}

  public static void main(String[] argv) {
    Path home = Paths.get(System.getProperty("paraglue.home", ".paraglue"));
    String master = System.getProperty("paraglue.master", "local[*]");
    int code;
    try {
      // Help and bad arguments are answered before any session starts.
      code = answer(argv, home, System.out).orElseGet(() -> withSpark(argv, home, master));
    } catch (IllegalArgumentException e) {
      System.err.println("paraglue: " + e.getMessage());
      code = RunResult.BAD_INPUT;
    }
    System.exit(code);
  }

  /**
   * What needs no Spark: the help, and every check of the arguments. Empty when the command is good
   * to run; IllegalArgumentException, before any session starts, when it is not.
   */
  static Optional<Integer> answer(String[] argv, Path home, PrintStream out) {
    Command command =
        switch (argv.length == 0 ? "" : argv[0]) {
          case "run" -> RUN;
          case "sql" -> SQL;
          case "maintain" -> MAINTAIN;
          default ->
              throw new IllegalArgumentException(
                  "Cannot run: unknown command '"
                      + (argv.length == 0 ? "" : argv[0])
                      + "'; use run, sql or maintain (each with --help)");
        };
    String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
    if (Command.asksForHelp(rest)) {
      out.print(command.help());
      return Optional.of(RunResult.SUCCEEDED);
    }
    if (command == RUN) {
      JobArguments.parse(jobArguments(home, rest).toArray(new String[0]));
    } else {
      command.parse(rest);
    }
    return Optional.empty();
  }

  private static int withSpark(String[] argv, Path home, String master) {
    String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
    SparkSession spark = LocalCatalog.builder(home, master).getOrCreate();
    try {
      if (argv[0].equals("run")) {
        return run(spark, home, rest, System.out);
      }
      if (argv[0].equals("maintain")) {
        return MaintainJob.run(spark, rest, System.out, Instant.now());
      }
      spark.sparkContext().setLogLevel("WARN");
      return sql(spark, rest, System.out, System.err);
    } finally {
      spark.stop();
    }
  }

  static int run(SparkSession spark, Path home, String[] args, PrintStream out) {
    List<String> jobArgs = jobArguments(home, args);
    if (!hasSource(args)) {
      Path samples = Paths.get(System.getProperty("paraglue.samples", "jobs/samples"));
      registerSamples(spark, samples);
    }
    RunResult result = new JobRunner(spark).run(jobArgs.toArray(new String[0]));
    result.report().ifPresent(r -> printSummary(r, jobArgs, out));
    if (!result.succeeded()) {
      System.err.println("paraglue: " + result.message());
    }
    return result.exitCode();
  }

  /** The job's arguments: the user's, with the samples and an output path under home by default. */
  static List<String> jobArguments(Path home, String[] args) {
    List<String> jobArgs = new ArrayList<>(Arrays.asList(args));
    if (!hasSource(args)) {
      jobArgs.add("--" + JobArguments.SOURCE_TABLE);
      jobArgs.add(SAMPLE_TABLE);
    }
    if (jobArgs.stream().noneMatch(a -> a.startsWith("--" + JobArguments.OUTPUT_PATH))) {
      jobArgs.add("--" + JobArguments.OUTPUT_PATH);
      jobArgs.add(home.toAbsolutePath().normalize().resolve("output").toUri().toString());
    }
    return jobArgs;
  }

  private static boolean hasSource(String[] args) {
    return Arrays.stream(args)
        .anyMatch(
            a ->
                a.startsWith("--" + JobArguments.SOURCE_TABLE)
                    || a.startsWith("--" + JobArguments.SOURCE_PATHS)
                    || a.startsWith("--" + JobArguments.SOURCE_MANIFEST));
  }

  /** Registers the bundled samples as a partitioned raw text table, as a crawler would. */
  static void registerSamples(SparkSession spark, Path samples) {
    Path abs = samples.toAbsolutePath().normalize();
    if (!Files.isDirectory(abs)) {
      throw new IllegalArgumentException("Cannot register samples: " + abs + " is not a directory");
    }
    if (isRegistered(partitionFolders(abs), registeredPartitions(spark, abs))) {
      return;
    }
    spark.sql("CREATE DATABASE IF NOT EXISTS paraglue");
    spark.sql(
        "CREATE EXTERNAL TABLE IF NOT EXISTS "
            + SAMPLE_TABLE
            + " (line string) PARTITIONED BY (dt string) STORED AS TEXTFILE LOCATION '"
            + abs.toUri()
            + "'");
    spark.sql("MSCK REPAIR TABLE " + SAMPLE_TABLE);
    // Two partitions hold documents in other charsets, and say so as Hive and Athena would.
    for (Map.Entry<String, String> p : SAMPLE_ENCODINGS.entrySet()) {
      spark.sql(
          "ALTER TABLE "
              + SAMPLE_TABLE
              + " PARTITION (dt='"
              + p.getKey()
              + "') SET SERDEPROPERTIES ('serialization.encoding'='"
              + p.getValue()
              + "')");
    }
  }

  /**
   * True when the samples need no statement: the table is registered, every partition folder has
   * its partition and each declared encoding is set. On an existing home the statements (create,
   * repair, two alters) cost the embedded metastore several seconds of every local run.
   *
   * @param folders the partition folders on disk ({@code dt=...})
   * @param partitions each registered partition's folder name and storage properties; empty when
   *     the table is not registered
   */
  static boolean isRegistered(
      Set<String> folders, Optional<Map<String, Map<String, String>>> partitions) {
    if (partitions.isEmpty() || !partitions.get().keySet().containsAll(folders)) {
      return false;
    }
    return SAMPLE_ENCODINGS.entrySet().stream()
        .filter(e -> folders.contains("dt=" + e.getKey()))
        .allMatch(
            e ->
                e.getValue()
                    .equals(
                        partitions.get().get("dt=" + e.getKey()).get("serialization.encoding")));
  }

  /** The partition folders under the samples, as MSCK REPAIR TABLE finds them. */
  static Set<String> partitionFolders(Path samples) {
    try (Stream<Path> s = Files.list(samples)) {
      return s.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("dt="))
          .collect(Collectors.toSet());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list samples " + samples + ": " + e.getMessage(), e);
    }
  }

  /**
   * The samples table's partitions as {@link #isRegistered} takes them. A table registered at
   * another folder (an earlier {@code PARAGLUE_SAMPLES} on this home) is refused: registering again
   * would keep its old location and read the old samples.
   */
  private static Optional<Map<String, Map<String, String>>> registeredPartitions(
      SparkSession spark, Path samples) {
    ExternalCatalog catalog = spark.sharedState().externalCatalog();
    String[] name = SAMPLE_TABLE.split("\\.");
    if (!catalog.databaseExists(name[0]) || !catalog.tableExists(name[0], name[1])) {
      return Optional.empty();
    }
    java.net.URI location = catalog.getTable(name[0], name[1]).location();
    if (!"file".equals(location.getScheme())
        || !Path.of(location).toAbsolutePath().normalize().equals(samples)) {
      throw new IllegalArgumentException(
          "Cannot register samples "
              + samples
              + ": "
              + SAMPLE_TABLE
              + " on this home is registered at "
              + location
              + " (use another PARAGLUE_HOME)");
    }
    Map<String, Map<String, String>> partitions = new HashMap<>();
    for (CatalogTablePartition p :
        JavaConverters.seqAsJavaList(catalog.listPartitions(name[0], name[1], Option.empty()))) {
      if (p.spec().contains("dt")) {
        partitions.put(
            "dt=" + p.spec().apply("dt"), JavaConverters.mapAsJavaMap(p.storage().properties()));
      }
    }
    return Optional.of(partitions);
  }

  /** The sample partitions whose documents are not UTF-8, and the encoding each declares. */
  static final Map<String, String> SAMPLE_ENCODINGS =
      Map.of("2026-11-03", "GB18030", "2026-11-04", "UTF-16");

  static void printSummary(RunReport r, List<String> jobArgs, PrintStream out) {
    String output = valueOf(jobArgs, JobArguments.OUTPUT_PATH, "");
    out.println();
    out.println("paraglue run " + r.runId() + " " + r.status());
    out.printf(
        "  documents:  %d listed, %d unchanged, %d processed, %d rejected%s%n",
        r.count("listed"),
        r.count("skipped_unchanged"),
        r.count("processed"),
        r.count("rejected"),
        r.count("removed") == 0 ? "" : ", " + r.count("removed") + " removed");
    if (r.count("own_output_skipped") + r.count("own_output_folders_pruned") > 0) {
      out.printf(
          "  left out:   %d objects and %d folders (not listed) of the job's own output%n",
          r.count("own_output_skipped"), r.count("own_output_folders_pruned"));
    }
    out.printf("  paragraphs: %d written%n", r.count("paragraphs"));
    for (RunReport.Problem p : r.rejected()) {
      out.printf("  rejected:   %s (%s at byte %s)%n", p.docId(), p.reason(), p.offset());
    }
    String paragraphs =
        valueOf(jobArgs, JobArguments.PARAGRAPH_TABLE, JobArguments.PARAGRAPH_TABLE_DEFAULT);
    out.println(
        "  tables:     "
            + paragraphs
            + ", "
            + valueOf(jobArgs, JobArguments.DOCUMENTS_TABLE, JobArguments.DOCUMENTS_TABLE_DEFAULT));
    out.println(
        "  documents:  "
            + (r.count("processed") == 0
                ? "no documents written"
                : output + (output.endsWith("/") ? "" : "/") + "documents/"));
    out.println(
        "  report:     "
            + output
            + (output.endsWith("/") ? "" : "/")
            + "_runs/"
            + r.runId()
            + ".json");
    out.println(
        "  query:      jobs/paraglue sql \"SELECT doc_id, paragraph_index, text FROM "
            + paragraphs
            + " ORDER BY doc_id, paragraph_index\"");
  }

  private static String valueOf(List<String> args, String name, String dflt) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--" + name) && i + 1 < args.size()) {
        return args.get(i + 1);
      }
      if (a.startsWith("--" + name + "=")) {
        return a.substring(name.length() + 3);
      }
    }
    return dflt;
  }

  static int sql(SparkSession spark, String[] args, PrintStream out, PrintStream err) {
    Command.Parsed parsed = SQL.parse(args);
    Dataset<Row> df;
    try {
      df = spark.sql(parsed.positionals().get(0));
    } catch (Exception e) { // Spark's ParseException and AnalysisException, among others
      err.println("paraglue: Cannot run query: " + OneLine.of(e));
      return RunResult.BAD_INPUT;
    }
    if (parsed.flag("json")) {
      for (String line : df.toJSON().collectAsList()) {
        out.println(line);
      }
    } else {
      out.println(df.showString(1000, 0, false));
    }
    return RunResult.SUCCEEDED;
  }
}
