package dev.paraglue.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

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
}
