package dev.paraglue.local;

import dev.paraglue.job.JobArguments;
import dev.paraglue.job.JobRunner;
import dev.paraglue.job.RunResult;
import dev.paraglue.sink.RunReport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What {@code jobs/paraglue} runs through spark-submit: {@code run} (the job on the embedded
 * catalog, with the bundled samples when no source is given) and {@code sql}.
 */
public final class LocalMain {
  public static final String SAMPLE_TABLE = "paraglue.raw_documents";

  private LocalMain() {}

  public static void main(String[] argv) {
    if (argv.length == 0) {
      System.err.println("usage: LocalMain run [job arguments] | sql \"QUERY\" [--json]");
      System.exit(RunResult.BAD_INPUT);
    }
    Path home = Paths.get(System.getProperty("paraglue.home", ".paraglue"));
    String master = System.getProperty("paraglue.master", "local[*]");
    String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
    int code;
    switch (argv[0]) {
      case "run" -> {
        SparkSession spark = LocalCatalog.builder(home, master).getOrCreate();
        try {
          code = run(spark, home, rest, System.out);
        } finally {
          spark.stop();
        }
      }
      case "sql" -> {
        SparkSession spark = LocalCatalog.builder(home, master).getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        try {
          code = sql(spark, rest, System.out);
        } finally {
          spark.stop();
        }
      }
      default -> {
        System.err.println("paraglue: unknown command '" + argv[0] + "'; use run or sql");
        code = RunResult.BAD_INPUT;
      }
    }
    System.exit(code);
  }

  static int run(SparkSession spark, Path home, String[] args, PrintStream out) {
    List<String> jobArgs = new ArrayList<>(Arrays.asList(args));
    boolean hasSource =
        jobArgs.stream()
            .anyMatch(
                a ->
                    a.startsWith("--" + JobArguments.SOURCE_TABLE)
                        || a.startsWith("--" + JobArguments.SOURCE_PATHS)
                        || a.startsWith("--" + JobArguments.SOURCE_MANIFEST));
    if (!hasSource) {
      Path samples = Paths.get(System.getProperty("paraglue.samples", "jobs/samples"));
      registerSamples(spark, samples);
      jobArgs.add("--" + JobArguments.SOURCE_TABLE);
      jobArgs.add(SAMPLE_TABLE);
    }
    if (jobArgs.stream().noneMatch(a -> a.startsWith("--" + JobArguments.OUTPUT_PATH))) {
      jobArgs.add("--" + JobArguments.OUTPUT_PATH);
      jobArgs.add(home.toAbsolutePath().normalize().resolve("output").toUri().toString());
    }
    RunResult result = new JobRunner(spark).run(jobArgs.toArray(new String[0]));
    result.report().ifPresent(r -> printSummary(r, jobArgs, out));
    if (!result.succeeded()) {
      System.err.println("paraglue: " + result.message());
    }
    return result.exitCode();
  }

  /** Registers the bundled samples as a partitioned raw text table, as a crawler would. */
  static void registerSamples(SparkSession spark, Path samples) {
    Path abs = samples.toAbsolutePath().normalize();
    if (!Files.isDirectory(abs)) {
      throw new IllegalArgumentException("Cannot register samples: " + abs + " is not a directory");
    }
    spark.sql("CREATE DATABASE IF NOT EXISTS paraglue");
    spark.sql(
        "CREATE EXTERNAL TABLE IF NOT EXISTS "
            + SAMPLE_TABLE
            + " (line string) PARTITIONED BY (dt string) STORED AS TEXTFILE LOCATION '"
            + abs.toUri()
            + "'");
    spark.sql("MSCK REPAIR TABLE " + SAMPLE_TABLE);
  }

  static void printSummary(RunReport r, List<String> jobArgs, PrintStream out) {
    String output = valueOf(jobArgs, JobArguments.OUTPUT_PATH, "");
    out.println();
    out.println("paraglue run " + r.runId() + " " + r.status());
    out.printf(
        "  documents:  %d listed, %d unchanged, %d processed, %d rejected%n",
        r.count("listed"), r.count("skipped_unchanged"), r.count("processed"), r.count("rejected"));
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
    out.println("  documents:  " + output + (output.endsWith("/") ? "" : "/") + "documents/");
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

  static int sql(SparkSession spark, String[] args, PrintStream out) {
    boolean json = Arrays.asList(args).contains("--json");
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    rest.remove("--json");
    if (rest.size() != 1) {
      System.err.println("usage: jobs/paraglue sql \"QUERY\" [--json]");
      return RunResult.BAD_INPUT;
    }
    Dataset<Row> df;
    try {
      df = spark.sql(rest.get(0));
    } catch (Exception e) {
      System.err.println(
          "paraglue: Cannot run query: " + e.getMessage().lines().findFirst().orElse(""));
      return RunResult.BAD_INPUT;
    }
    if (json) {
      for (String line : df.toJSON().collectAsList()) {
        out.println(line);
      }
    } else {
      out.println(df.showString(1000, 0, false));
    }
    return RunResult.SUCCEEDED;
  }
}
