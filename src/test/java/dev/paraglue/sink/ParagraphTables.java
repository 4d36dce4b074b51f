package dev.paraglue.sink;

import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.types.Types;

/**
 * A paragraph table without a catalog (a Hadoop table on the local file system), with the columns,
 * field ids and write properties {@link TableDdl} gives one made by Spark: for tests and the
 * writer's benchmark.
 */
final class ParagraphTables {
  private ParagraphTables() {}

  /** {@link TableDdl#PARAGRAPH_COLUMNS} as Spark's CREATE TABLE makes them: optional, ids 1-8. */
  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.optional(1, "doc_id", Types.StringType.get()),
          Types.NestedField.optional(2, "paragraph_index", Types.IntegerType.get()),
          Types.NestedField.optional(3, "text", Types.StringType.get()),
          Types.NestedField.optional(4, "line_number", Types.LongType.get()),
          Types.NestedField.optional(5, "byte_offset", Types.LongType.get()),
          Types.NestedField.optional(6, "byte_length", Types.IntegerType.get()),
          Types.NestedField.optional(7, "char_count", Types.IntegerType.get()),
          Types.NestedField.optional(8, "run_id", Types.StringType.get()));

  /** The paragraph table's properties as {@link TableDdl} creates them. */
  static final Map<String, String> PROPERTIES = TableDdl.paragraphTableProperties();

  /** A new unpartitioned paragraph table at {@code location}, with {@code extra} properties. */
  static Table create(String location, Map<String, String> extra) {
    return create(location, extra, new Configuration());
  }

  /** The same, its files read and written with {@code conf}. */
  static Table create(String location, Map<String, String> extra, Configuration conf) {
    Map<String, String> properties = new java.util.HashMap<>(PROPERTIES);
    properties.putAll(extra);
    return new HadoopTables(conf)
        .create(SCHEMA, PartitionSpec.unpartitioned(), properties, location);
  }
}
