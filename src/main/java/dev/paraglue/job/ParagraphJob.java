package dev.paraglue.job;

import dev.paraglue.sink.EmbeddedMetastore;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Glue (and spark-submit) entry point. The session comes from the environment: on Glue, the
 * Data Catalog and Iceberg settings of the job definition; under a plain {@code spark-submit}, the
 * command's settings on Spark's embedded Derby metastore in the working directory, which the job
 * makes ready itself (see {@link EmbeddedMetastore#prepareIfEmbedded}).
 */
public final class ParagraphJob {
  /** Spark's setting for its catalog: the job's tables and raw tables live in a Hive catalog. */
  static final String CATALOG_IMPLEMENTATION = "spark.sql.catalogImplementation";

  private ParagraphJob() {}

  public static void main(String[] args) {
    SparkSession spark = builder(new SparkConf()).getOrCreate();
    RunResult result;
    try {
      EmbeddedMetastore.prepareIfEmbedded(spark);
      result = new JobRunner(spark).run(args);
    } finally {
      spark.stop();
    }
    if (!result.succeeded()) {
      System.err.println("paraglue: " + result.message());
      System.exit(result.exitCode());
    }
  }

  /**
   * The job's session builder. Glue's Data Catalog setting makes Spark's catalog a Hive one; a
   * plain spark-submit leaves it in memory, where Spark would create the tables' database while
   * Iceberg's Hive catalog looks for it in the metastore ("Namespace does not exist"). So Hive it
   * is, unless the command chose otherwise.
   */
  static SparkSession.Builder builder(SparkConf conf) {
    SparkSession.Builder b = SparkSession.builder().appName("paraglue");
    return conf.contains(CATALOG_IMPLEMENTATION) ? b : b.enableHiveSupport();
  }
}
