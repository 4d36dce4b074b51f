package dev.paraglue.sink;

import dev.paraglue.source.PartitionValues;
import dev.paraglue.source.SourceDocument;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The paragraph table and the documents table (the incremental ledger), as Iceberg tables in the
 * session catalog: their definitions ({@link TableDdl}), the ledger ({@link Ledger}), the commits
 * ({@link RowCommits}, each one atomic Iceberg commit) and the paragraph table's writer.
 */
public final class IcebergTables {
  private final SparkSession spark;
  private final TableDdl ddl;
  private final Ledger ledger;
  private final RowCommits commits;

  public IcebergTables(SparkSession spark) {
    this(spark, DRIVER_SCAN_BYTES_DEFAULT);
  }

  /** What a run reads of a table on the driver instead of in a Spark job (see DriverScans). */
  public static final long DRIVER_SCAN_BYTES_DEFAULT = 32L * 1024 * 1024;

  /**
   * Tables whose ledger lookups and row deletes read the table on the driver when the files they
   * read total at most {@code driverScanBytes} (0: always in a Spark job).
   */
  public IcebergTables(SparkSession spark, long driverScanBytes) {
    this.spark = spark;
    this.ddl = new TableDdl(spark);
    DriverScans scans = new DriverScans(driverScanBytes);
    this.ledger = new Ledger(spark, scans);
    this.commits = new RowCommits(spark, scans);
  }

  public TableDdl ddl() {
    return ddl;
  }

  public Ledger ledger() {
    return ledger;
  }

  public RowCommits commits() {
    return commits;
  }

  /** The table's name as its catalog gives it ({@code spark_catalog.db.paragraphs}). */
  public String catalogName(String table) {
    return load(spark, table).name();
  }

  /**
   * The writer of the paragraph table's data files for this run, given the source's partition
   * columns and the documents to read: their partition values are cast here, by Spark's cast, to
   * the table's column types, once per distinct set of values.
   */
  public ParagraphFiles paragraphFiles(
      String table, List<StructField> partitionColumns, List<SourceDocument> docs, String runId) {
    Table t = IcebergTables.load(spark, table);
    t.refresh();
    Map<List<String>, Object[]> typed = new HashMap<>();
    List<String> names = partitionColumns.stream().map(StructField::name).toList();
    if (!names.isEmpty()) {
      // Cast to the table's column types (Spark internal values, what the writer takes).
      StructType tableType = SparkSchemaUtil.convert(t.schema());
      List<StructField> columns = new ArrayList<>();
      names.forEach(n -> columns.add(tableType.apply(n)));
      for (SourceDocument d : docs) {
        List<String> key = d.getPartitionValues();
        if (!typed.containsKey(key)) {
          Object[] value = new Object[names.size()];
          for (int i = 0; i < value.length; i++) {
            value[i] = PartitionValues.cast(spark, key.get(i), columns.get(i).dataType());
          }
          typed.put(key, value);
        }
      }
    }
    return new ParagraphFiles(t, names, typed, runId);
  }

  /**
   * Values as a one-column frame, to join with: never spelled out in SQL text. Made as one row
   * holding them all, exploded by a task: a local relation of one row per value would make every
   * analyzer and optimizer rule that walks the plan's expressions walk every value too (over
   * 200,000 listed documents, seconds of the driver's time per frame).
   */
  static Dataset<Row> frame(SparkSession spark, Collection<String> values, String column) {
    StructType one =
        new StructType()
            .add("values", DataTypes.createArrayType(DataTypes.StringType, false), false);
    return spark
        .createDataFrame(List.of(RowFactory.create(new ArrayList<>(values))), one)
        .select(functions.explode(functions.col("values")).as(column));
  }

  static Table load(SparkSession spark, String table) {
    try {
      return Spark3Util.loadIcebergTable(spark, table);
    } catch (org.apache.spark.sql.catalyst.parser.ParseException
        | org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException("Cannot load table " + table + ": " + e.getMessage(), e);
    }
  }
}
