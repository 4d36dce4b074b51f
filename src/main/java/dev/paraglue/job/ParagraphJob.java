package dev.paraglue.job;

import org.apache.spark.sql.SparkSession;

/**
 * The Glue (and spark-submit) entry point. The session comes from the environment: on Glue, the
 * Data Catalog and Iceberg settings of the job definition; locally, those of {@code jobs/paraglue}.
 */
public final class ParagraphJob {
  private ParagraphJob() {}

  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().appName("paraglue").getOrCreate();
    RunResult result;
    try {
      result = new JobRunner(spark).run(args);
    } finally {
      spark.stop();
    }
    if (!result.succeeded()) {
      System.err.println("paraglue: " + result.message());
      System.exit(result.exitCode());
    }
  }
}
