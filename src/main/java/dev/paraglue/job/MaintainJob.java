package dev.paraglue.job;

import dev.paraglue.cli.Argument;
import dev.paraglue.cli.Command;
import dev.paraglue.cli.OneLine;
import dev.paraglue.sink.EmbeddedMetastore;
import dev.paraglue.sink.TableMaintenance;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maintenance of both tables (docs/contract.md §2, Maintenance), the Glue entry point of a second
 * job on the same jar ({@code --class dev.paraglue.job.MaintainJob}); {@code jobs/paraglue
 * maintain} runs the same on the local catalog.
 */
public final class MaintainJob {
  private static final Logger LOG = LoggerFactory.getLogger(MaintainJob.class);

  public static final String RETAIN_DAYS = "retain_days";
  public static final int RETAIN_DAYS_DEFAULT = 7;
  public static final String RETAIN_LAST = "retain_last";
  public static final int RETAIN_LAST_DEFAULT = 10;
  public static final String ORPHAN_DAYS = "orphan_days";
  public static final int ORPHAN_DAYS_DEFAULT = 3;

  public static final Command COMMAND =
      new Command(
          "maintain",
          "MaintainJob [--name value ...]",
          "Compacts both tables (applying deletes), rewrites manifests, expires old snapshots and"
              + " removes orphan files; never changes a query's result.",
          List.of(
              new Argument(
                  JobArguments.PARAGRAPH_TABLE,
                  "db.table",
                  JobArguments.PARAGRAPH_TABLE_DEFAULT,
                  "the paragraph table"),
              new Argument(
                  JobArguments.DOCUMENTS_TABLE,
                  "db.table",
                  JobArguments.DOCUMENTS_TABLE_DEFAULT,
                  "the documents table"),
              new Argument(
                  RETAIN_DAYS,
                  "n",
                  String.valueOf(RETAIN_DAYS_DEFAULT),
                  "expire snapshots older than n days..."),
              new Argument(
                  RETAIN_LAST,
                  "n",
                  String.valueOf(RETAIN_LAST_DEFAULT),
                  "...but keep at least the newest n"),
              new Argument(
                  ORPHAN_DAYS,
                  "n",
                  String.valueOf(ORPHAN_DAYS_DEFAULT),
                  "delete files no snapshot references once older than n days")),
          List.of(),
          List.of(
              "Glue's own arguments (--JOB_NAME, --JOB_RUN_ID, ...) are accepted and ignored."));

  private MaintainJob() {}

  public static void main(String[] args) {
    SparkSession spark = ParagraphJob.builder(new SparkConf()).getOrCreate();
    int code;
    try {
      EmbeddedMetastore.prepareIfEmbedded(spark);
      code = run(spark, args, System.out, Instant.now());
    } finally {
      spark.stop();
    }
    System.exit(code);
  }

  /**
   * Maintains both tables; returns the exit code, having printed a line per table or the reason.
   */
  public static int run(SparkSession spark, String[] args, PrintStream out, Instant now) {
    String[] tables;
    TableMaintenance.Retention retention;
    try {
      Command.Parsed p = COMMAND.parse(JobArguments::isGlueArgument, args);
      tables =
          new String[] {
            JobArguments.table(JobArguments.PARAGRAPH_TABLE, p.get(JobArguments.PARAGRAPH_TABLE)),
            JobArguments.table(JobArguments.DOCUMENTS_TABLE, p.get(JobArguments.DOCUMENTS_TABLE))
          };
      retention =
          new TableMaintenance.Retention(
              count(p, RETAIN_DAYS, 1), count(p, RETAIN_LAST, 1), count(p, ORPHAN_DAYS, 1), now);
    } catch (IllegalArgumentException e) {
      System.err.println("paraglue: " + e.getMessage());
      return RunResult.BAD_INPUT;
    }
    TableMaintenance maintenance = new TableMaintenance(spark);
    int code = RunResult.SUCCEEDED;
    for (String table : tables) {
      try {
        out.println(maintenance.maintain(table, retention).summary());
      } catch (RuntimeException e) { // each table on its own: one failing leaves the other done
        LOG.error("Cannot maintain {}", table, e);
        String line = OneLine.of(e);
        System.err.println(
            "paraglue: "
                + (OneLine.namesWhatFailed(line)
                    ? line
                    : "Cannot maintain " + table + ": " + line));
        code = RunResult.FAILED;
      }
    }
    return code;
  }

  private static int count(Command.Parsed p, String name, int min) {
    String v = p.get(name);
    try {
      int n = Integer.parseInt(v.strip());
      if (n >= min) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(
        "Cannot use --" + name + " '" + v + "': expected a whole number of at least " + min);
  }
}
