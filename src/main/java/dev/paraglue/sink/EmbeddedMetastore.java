package dev.paraglue.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hive.conf.HiveConf;
import org.apache.hadoop.hive.metastore.txn.TxnDbUtil;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an embedded Hive metastore on Derby (a laptop, a test, spark-submit without a metastore
 * service) needs before Iceberg can commit through it. Never used with the Glue Data Catalog or a
 * metastore service.
 *
 * <ul>
 *   <li>Hive's lock tables: Spark's embedded metastore never creates them, and Iceberg's first
 *       commit would block on them.
 *   <li>Locks left by a process that died holding them (SIGKILL, OOM, a laptop put to sleep inside
 *       a commit or a table creation). Embedded Derby admits one JVM per database (a second one
 *       fails to boot it), so before this JVM starts its first session every lock in the database
 *       belongs to a process that is gone: they are released, once per JVM and database, before
 *       anything of this JVM can take one. Two runs in one JVM still exclude each other.
 * </ul>
 */
public final class EmbeddedMetastore {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedMetastore.class);
  private static final Set<String> PREPARED = new HashSet<>();

  /**
   * What Spark's own Hive client sets on an embedded Derby metastore ({@code HiveClientImpl.conf}),
   * for every other metastore client of the JVM: Iceberg's {@code HiveCatalog} builds its own from
   * the session's Hadoop configuration, without them. Hive never records the schema version there
   * ({@code hive.metastore.schema.verification.record.version} is false), so a client with
   * verification on fails with "Version information not found in metastore" whenever it is the
   * first of the JVM to open the database (a metadata table or a procedure as the first query).
   */
  public static final Map<String, String> SCHEMA_SETTINGS =
      Map.of(
          "hive.metastore.schema.verification", "false",
          "datanucleus.schema.autoCreateAll", "true");

  /** Glue's (and EMR's) metastore client, which replaces Hive's; absent in Apache Hive 2.3. */
  static final String CLIENT_FACTORY = "hive.metastore.client.factory.class";

  private EmbeddedMetastore() {}

  /**
   * The JDBC URL of the embedded Derby metastore this configuration opens, or empty when it names
   * another metastore: a service ({@code hive.metastore.uris}), a replacement client such as Glue's
   * Data Catalog ({@code hive.metastore.client.factory.class}) or another database. Without a URL,
   * Hive's default, a Derby database {@code metastore_db} in the working directory.
   */
  public static Optional<String> derbyUrl(Configuration conf) {
    String uris = conf.getTrimmed(HiveConf.ConfVars.METASTOREURIS.varname, "");
    String factory = conf.getTrimmed(CLIENT_FACTORY, "");
    String url =
        conf.getTrimmed(
            HiveConf.ConfVars.METASTORECONNECTURLKEY.varname,
            HiveConf.ConfVars.METASTORECONNECTURLKEY.getDefaultValue());
    // jdbc:derby://host:port/... is Derby's network server, shared by processes: not embedded.
    if (!uris.isEmpty()
        || !factory.isEmpty()
        || !url.startsWith("jdbc:derby:")
        || url.startsWith("jdbc:derby://")) {
      return Optional.empty();
    }
    return Optional.of(url);
  }

  /**
   * Makes the session's metastore ready when it is an embedded Derby one (see {@link #derbyUrl}, as
   * Spark's Hive client sees it: the session's Hadoop configuration and {@code hive-site.xml}):
   * {@link #SCHEMA_SETTINGS} go into the session's Hadoop configuration, from which Iceberg builds
   * its catalog, then {@link #prepare}. Does nothing for any other metastore (the Glue Data
   * Catalog, a metastore service). Call after the session is built and before its first query.
   *
   * @return the Derby URL, when the metastore is embedded
   */
  public static Optional<String> prepareIfEmbedded(SparkSession spark) {
    Optional<String> url =
        derbyUrl(new HiveConf(spark.sessionState().newHadoopConf(), EmbeddedMetastore.class));
    url.ifPresent(
        u -> {
          SCHEMA_SETTINGS.forEach(spark.sparkContext().hadoopConfiguration()::set);
          prepare(u);
          LOG.info("Embedded Derby metastore at {}: schema settings and lock tables ready", u);
        });
    return url;
  }

  /**
   * Makes the Derby metastore at {@code jdbcUrl} ready for Iceberg's commits: its lock tables exist
   * and locks of dead processes are released. Call before the first session of the JVM uses it.
   * Only the first call per URL in a JVM does anything.
   *
   * @throws IllegalStateException when the database cannot be opened, e.g. because another process
   *     has it open
   */
  public static synchronized void prepare(String jdbcUrl) {
    if (!PREPARED.add(jdbcUrl)) {
      return;
    }
    setAsideUnfinished(jdbcUrl);
    boolean hasLockTables;
    try (Connection c = DriverManager.getConnection(jdbcUrl)) {
      hasLockTables = hasTable(c, "HIVE_LOCKS");
      if (hasLockTables) {
        releaseDeadLocks(c);
      }
    } catch (SQLException e) {
      PREPARED.remove(jdbcUrl);
      throw new IllegalStateException(openFailure(jdbcUrl, e), e);
    }
    if (!hasLockTables) {
      try {
        createLockTables(jdbcUrl);
      } catch (IllegalStateException e) {
        PREPARED.remove(jdbcUrl);
        throw e;
      }
    }
  }

  /**
   * A process killed while Derby created the database leaves its folder without {@code
   * service.properties}, which Derby writes once the database exists; Derby then refuses to create
   * it again ("Directory ... already exists") and every later run would fail. Such a folder never
   * held a usable database: it is moved aside (kept, not deleted) so that this run creates it anew.
   */
  static void setAsideUnfinished(String jdbcUrl) {
    Optional<Path> folder = databaseFolder(jdbcUrl);
    if (folder.isEmpty()
        || !Files.isDirectory(folder.get())
        || Files.exists(folder.get().resolve("service.properties"))) {
      return;
    }
    Path aside =
        folder
            .get()
            .resolveSibling(folder.get().getFileName() + ".unfinished-" + UUID.randomUUID());
    try {
      Files.move(folder.get(), aside);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot set aside the unfinished local metastore at " + folder.get() + ": " + e, e);
    }
    LOG.warn(
        "The local metastore at {} was left unfinished by a process killed while creating it: moved"
            + " to {}, and created anew",
        folder.get(),
        aside);
  }

  /**
   * The folder of an embedded Derby database: the URL's {@code databaseName} attribute, or the name
   * after {@code jdbc:derby:}, resolved against {@code derby.system.home} (or the working
   * directory) when relative. Empty for an in-memory or unnamed database.
   */
  static Optional<Path> databaseFolder(String jdbcUrl) {
    String rest = jdbcUrl.substring("jdbc:derby:".length());
    String name = rest.split(";", -1)[0];
    for (String attribute : rest.split(";")) {
      if (attribute.startsWith("databaseName=")) {
        name = attribute.substring("databaseName=".length());
      }
    }
    if (name.isEmpty() || name.startsWith("memory:") || name.contains(":")) {
      return Optional.empty();
    }
    Path home = Paths.get(System.getProperty("derby.system.home", ""));
    return Optional.of(home.resolve(name).toAbsolutePath());
  }

  private static String openFailure(String jdbcUrl, SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && "XSDB6".equals(s.getSQLState())) {
        return "Cannot open the local metastore at "
            + jdbcUrl
            + ": another process has it open (a run, a query or the API server on the same home);"
            + " an embedded metastore admits one at a time";
      }
    }
    return "Cannot open the local metastore at " + jdbcUrl + ": " + e.getMessage();
  }

  /** True when the database has this table. */
  public static boolean hasTable(Connection c, String table) throws SQLException {
    try (ResultSet rs = c.getMetaData().getTables(null, null, table, null)) {
      return rs.next();
    }
  }

  private static void releaseDeadLocks(Connection c) throws SQLException {
    StringBuilder tables = new StringBuilder();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT HL_DB, HL_TABLE FROM HIVE_LOCKS")) {
      while (rs.next()) {
        tables.append(tables.length() == 0 ? "" : ", ").append(rs.getString(1));
        tables.append('.').append(rs.getString(2));
      }
    }
    if (tables.length() == 0) {
      return;
    }
    try (Statement s = c.createStatement()) {
      int released = s.executeUpdate("DELETE FROM HIVE_LOCKS");
      LOG.warn(
          "Released {} metastore lock(s) left by a process that ended inside a commit or a table"
              + " creation: {}",
          released,
          tables);
    }
  }

  private static void createLockTables(String jdbcUrl) {
    HiveConf conf = new HiveConf();
    conf.set("javax.jdo.option.ConnectionURL", jdbcUrl);
    conf.set("javax.jdo.option.ConnectionDriverName", "org.apache.derby.jdbc.EmbeddedDriver");
    try {
      TxnDbUtil.prepDb(conf);
    } catch (Exception e) {
      throw new IllegalStateException(
          "Cannot create the metastore lock tables at " + jdbcUrl + ": " + e.getMessage(), e);
    }
  }
}
