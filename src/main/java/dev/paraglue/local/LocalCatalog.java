package dev.paraglue.local;

import dev.paraglue.job.JobSettings;
import dev.paraglue.sink.EmbeddedMetastore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.apache.spark.sql.SparkSession;

/**
 * The embedded catalog for local runs and tests: a Hive metastore on Derby and an Iceberg warehouse
 * under one home directory, with Iceberg's SparkSessionCatalog over it, as on Glue.
 */
public final class LocalCatalog {
  private LocalCatalog() {}

  public static String derbyUrl(Path home) {
    return "jdbc:derby:;databaseName=" + home.resolve("metastore_db") + ";create=true";
  }

  /**
   * Settings that make {@code s3://} and {@code s3a://} work where EMRFS is absent: S3A for both
   * schemes, and, for an S3-compatible endpoint (a local server), path-style access with the
   * endpoint's scheme deciding TLS.
   */
  public static SparkSession.Builder s3(SparkSession.Builder b, String endpoint) {
    b =
        b.config("spark.hadoop.fs.s3.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem")
            // A wrong endpoint or a missing server fails in seconds with the URI, not minutes.
            .config("spark.hadoop.fs.s3a.attempts.maximum", "3")
            .config("spark.hadoop.fs.s3a.retry.limit", "3")
            .config("spark.hadoop.fs.s3a.retry.interval", "200ms")
            .config("spark.hadoop.fs.s3a.connection.establish.timeout", "5000")
            .config("spark.hadoop.fs.s3a.connection.timeout", "20000")
            // Every read ahead holds a connection; past the pool (96) a read waits for one at most
            // the establish timeout above. Connections are opened only as needed.
            .config(
                "spark.hadoop.fs.s3a.connection.maximum",
                Integer.toString(
                    Runtime.getRuntime().availableProcessors() * JobSettings.READ_AHEAD_MAX + 32));
    if (endpoint == null || endpoint.isBlank()) {
      return b;
    }
    return b.config("spark.hadoop.fs.s3a.endpoint", endpoint)
        .config("spark.hadoop.fs.s3a.path.style.access", "true")
        .config(
            "spark.hadoop.fs.s3a.connection.ssl.enabled",
            Boolean.toString(endpoint.startsWith("https")))
        .config(
            "spark.hadoop.fs.s3a.endpoint.region",
            System.getenv().getOrDefault("AWS_REGION", "us-east-1"));
  }

  /** A session builder on the embedded catalog under {@code home}. */
  public static SparkSession.Builder builder(Path home, String master) {
    Path abs = home.toAbsolutePath().normalize();
    try {
      Files.createDirectories(abs.resolve("warehouse"));
      Files.createDirectories(abs.resolve("tmp"));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "Cannot create catalog home " + abs + ": " + e.getMessage(), e);
    }
    System.setProperty("derby.system.home", abs.toString());
    System.setProperty("derby.stream.error.file", abs.resolve("derby.log").toString());
    // Derby forces its log to disk at each commit. Behind a run's gigabyte of unwritten document
    // pages one such wait took seconds (issue 17). A process killed without the syncs loses
    // nothing: its writes are in the kernel's page cache. Power loss was never covered on this
    // home: Hadoop's local file system does not sync Iceberg's metadata files either.
    if (System.getProperty("derby.system.durability") == null) {
      System.setProperty("derby.system.durability", "test");
    }
    EmbeddedMetastore.prepare(derbyUrl(abs));
    SparkSession.Builder b = SparkSession.builder();
    // Iceberg's metastore client gets what Spark gives its own on Derby: metadata tables and
    // procedures may be the first to open the metastore.
    EmbeddedMetastore.SCHEMA_SETTINGS.forEach((k, v) -> b.config("spark.hadoop." + k, v));
    return s3(b, System.getenv("PARAGLUE_S3_ENDPOINT"))
        .master(master)
        .appName("paraglue")
        .enableHiveSupport()
        .config("spark.sql.warehouse.dir", abs.resolve("warehouse").toUri().toString())
        .config("spark.hadoop.javax.jdo.option.ConnectionURL", derbyUrl(abs))
        .config("spark.hadoop.hadoop.tmp.dir", abs.resolve("tmp").toString())
        .config("spark.sql.debug.maxToStringFields", "200")
        .config(
            "spark.sql.extensions",
            "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions")
        .config("spark.sql.catalog.spark_catalog", "org.apache.iceberg.spark.SparkSessionCatalog")
        .config("spark.sql.catalog.spark_catalog.type", "hive")
        .config("spark.hadoop.iceberg.hive.lock-timeout-ms", "30000")
        // Hive's direct SQL speeds up partition queries on big metastores; on Derby its setup
        // costs every local run a second or two, and plain JDO answers the same queries. But its
        // setup is also what creates the partition tables of a new metastore: off only once they
        // exist.
        .config(
            "spark.hadoop.hive.metastore.try.direct.sql",
            Boolean.toString(!hasTable(abs, "PARTITIONS")))
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "true");
  }

  /** True when the local metastore has this table already. */
  static boolean hasTable(Path home, String table) {
    try (Connection c = DriverManager.getConnection(derbyUrl(home))) {
      return EmbeddedMetastore.hasTable(c, table);
    } catch (SQLException e) {
      return false;
    }
  }
}
