package dev.paraglue.it;

import dev.paraglue.fault.Failpoint;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hive.metastore.MetaStorePreEventListener;
import org.apache.hadoop.hive.metastore.api.Table;
import org.apache.hadoop.hive.metastore.events.PreAlterTableEvent;
import org.apache.hadoop.hive.metastore.events.PreCreateTableEvent;
import org.apache.hadoop.hive.metastore.events.PreEventContext;

/**
 * Failpoints inside Iceberg's commits to the embedded metastore: Iceberg takes the table's
 * metastore lock, writes the new metadata file, then creates or alters the table in the metastore,
 * where this listener runs. A run stopped here holds the lock, as one killed inside a commit does.
 * Points {@code metastore.create_table@db.table} and {@code metastore.alter_table@db.table};
 * installed with {@code -Dspark.hadoop.hive.metastore.pre.event.listeners=} this class.
 */
public final class MetastoreFailpoints extends MetaStorePreEventListener {
  public static final String LISTENERS = "spark.hadoop.hive.metastore.pre.event.listeners";

  public MetastoreFailpoints(Configuration conf) {
    super(conf);
  }

  @Override
  public void onEvent(PreEventContext event) {
    if (event instanceof PreCreateTableEvent e) {
      Failpoint.hit("metastore.create_table", 0, name(e.getTable()));
    } else if (event instanceof PreAlterTableEvent e) {
      Failpoint.hit("metastore.alter_table", 0, name(e.getNewTable()));
    }
  }

  private static String name(Table t) {
    return t.getDbName() + "." + t.getTableName();
  }
}
