package dev.paraglue.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedMetastoreTest {
  private static Configuration conf(String... keyValues) {
    Configuration c = new Configuration(false);
    for (int i = 0; i < keyValues.length; i += 2) {
      c.set(keyValues[i], keyValues[i + 1]);
    }
    return c;
  }

  @Test
  void derbyUrl_withNothingSet_isHivesDefaultDatabaseInTheWorkingDirectory() {
    assertThat(EmbeddedMetastore.derbyUrl(conf()))
        .contains("jdbc:derby:;databaseName=metastore_db;create=true");
  }

  @Test
  void derbyUrl_withADerbyConnectionUrl_isThatUrl() {
    String url = "jdbc:derby:;databaseName=/tmp/home/metastore_db;create=true";
    assertThat(EmbeddedMetastore.derbyUrl(conf("javax.jdo.option.ConnectionURL", url)))
        .contains(url);
  }

  @Test
  void derbyUrl_withGluesClientFactory_orAMetastoreService_orAnotherDatabase_isEmpty() {
    assertThat(
            EmbeddedMetastore.derbyUrl(
                conf(
                    "hive.metastore.client.factory.class",
                    "com.amazonaws.glue.catalog.metastore.AWSGlueDataCatalogHiveClientFactory")))
        .isEmpty();
    assertThat(EmbeddedMetastore.derbyUrl(conf("hive.metastore.uris", "thrift://ms:9083")))
        .isEmpty();
    assertThat(
            EmbeddedMetastore.derbyUrl(
                conf("javax.jdo.option.ConnectionURL", "jdbc:mysql://db:3306/metastore")))
        .isEmpty();
  }

  @Test
  void databaseFolder_isTheDatabaseName_resolvedWhenRelative() {
    assertThat(
            EmbeddedMetastore.databaseFolder(
                "jdbc:derby:;databaseName=/h/metastore_db;create=true"))
        .contains(Path.of("/h/metastore_db"));
    assertThat(EmbeddedMetastore.databaseFolder("jdbc:derby:/h/db;create=true"))
        .contains(Path.of("/h/db"));
    assertThat(EmbeddedMetastore.databaseFolder("jdbc:derby:;databaseName=metastore_db"))
        .contains(Path.of("metastore_db").toAbsolutePath());
    assertThat(EmbeddedMetastore.databaseFolder("jdbc:derby:memory:x;create=true")).isEmpty();
  }

  /**
   * A process killed while Derby created the database leaves a folder without service.properties;
   * Derby would then refuse to create it ("Directory ... already exists") on every later run.
   */
  @Test
  void prepare_afterAKillInsideTheDatabasesCreation_setsTheFolderAsideAndCreatesItAnew(
      @TempDir Path home) throws Exception {
    Path db = home.resolve("metastore_db");
    Files.createDirectories(db.resolve("seg0"));
    Files.writeString(db.resolve("seg0").resolve("c10.dat"), "half written");
    String url = "jdbc:derby:;databaseName=" + db + ";create=true";

    EmbeddedMetastore.prepare(url);

    assertThat(db.resolve("service.properties")).exists();
    try (Connection c = DriverManager.getConnection(url)) {
      assertThat(EmbeddedMetastore.hasTable(c, "HIVE_LOCKS")).isTrue();
    }
    try (Stream<Path> siblings = Files.list(home)) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("metastore_db.unfinished-"));
    }
    shutDown(db);
  }

  @Test
  void prepare_onAFinishedDatabase_leavesItInPlace(@TempDir Path home) throws Exception {
    Path db = home.resolve("metastore_db");
    String url = "jdbc:derby:;databaseName=" + db + ";create=true";
    DriverManager.getConnection(url).close();

    EmbeddedMetastore.setAsideUnfinished(url);

    try (Stream<Path> siblings = Files.list(home)) {
      assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("metastore_db");
    }
    shutDown(db);
  }

  private static void shutDown(Path db) {
    try {
      DriverManager.getConnection("jdbc:derby:;databaseName=" + db + ";shutdown=true").close();
    } catch (SQLException expected) {
      // Derby reports a shutdown as an exception (08006).
    }
  }
}
