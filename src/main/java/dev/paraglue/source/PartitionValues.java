package dev.paraglue.source;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.EvalMode;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/** A document's partition values: as the source's layout gives them, and as Spark types them. */
public final class PartitionValues {
  private PartitionValues() {}

  /**
   * Partition values as the source's layout gives them (strings, null for a default partition),
   * cast by Spark to {@code columns}' types: one row per tuple, the typed values under the columns'
   * names, then each raw string as {@code __raw_<i>}.
   */
  public static Dataset<Row> typed(
      SparkSession spark, Collection<List<String>> tuples, List<StructField> columns) {
    List<StructField> stringFields = new ArrayList<>();
    for (StructField f : columns) {
      stringFields.add(DataTypes.createStructField(f.name(), DataTypes.StringType, true));
    }
    List<Row> rows = new ArrayList<>();
    for (List<String> values : tuples) {
      rows.add(RowFactory.create(values.toArray()));
    }
    Dataset<Row> raw =
        spark.createDataFrame(rows, new StructType(stringFields.toArray(new StructField[0])));
    Column[] typed = new Column[columns.size() * 2];
    for (int i = 0; i < columns.size(); i++) {
      StructField f = columns.get(i);
      typed[i] = raw.col(f.name()).cast(f.dataType()).as(f.name());
      typed[columns.size() + i] = raw.col(f.name()).as("__raw_" + i);
    }
    return raw.select(typed);
  }

  /**
   * One partition value as the source's layout gives it (null for a default partition) cast to
   * {@code type} as {@link #typed} casts it, in Spark's internal form: Spark's own cast, with the
   * session's time zone and ANSI mode, evaluated here as Spark's optimizer evaluates a projection
   * of a local relation, without a query or generated code.
   */
  public static Object cast(SparkSession spark, String value, DataType type) {
    SQLConf conf = spark.sessionState().conf();
    return new Cast(
            Literal.create(value, DataTypes.StringType),
            type,
            Option.apply(conf.sessionLocalTimeZone()),
            EvalMode.fromSQLConf(conf))
        .eval(null);
  }

  /**
   * A document's partition values, in the columns' order: the partition's spec, or else the {@code
   * key=value} folders of its doc id, as Hive lays them out; null for a default partition.
   */
  static List<String> of(String docId, Map<String, String> spec, List<StructField> partitionCols) {
    Map<String, String> values = new HashMap<>(spec);
    if (values.isEmpty() && !partitionCols.isEmpty()) {
      for (String segment : docId.split("/")) {
        int eq = segment.indexOf('=');
        if (eq > 0) {
          values.put(segment.substring(0, eq).toLowerCase(Locale.ROOT), segment.substring(eq + 1));
        }
      }
    }
    List<String> ordered = new ArrayList<>();
    for (StructField f : partitionCols) {
      String v = values.get(f.name().toLowerCase(Locale.ROOT));
      ordered.add(v == null || "__HIVE_DEFAULT_PARTITION__".equals(v) ? null : v);
    }
    return ordered;
  }

  /** No values: one null per column. */
  static List<String> nulls(List<StructField> cols) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < cols.size(); i++) {
      out.add(null);
    }
    return out;
  }
}
