package dev.paraglue.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two tables' definitions: their columns and properties, made when missing and brought up to
 * date when an earlier version made them.
 */
public final class TableDdl {
  private static final Logger LOG = LoggerFactory.getLogger(TableDdl.class);

  public static final String PARAGRAPH_COLUMNS =
      "doc_id string, paragraph_index int, text string, line_number bigint, byte_offset bigint,"
          + " byte_length int, char_count int, run_id string";

  public static final String DOCUMENT_COLUMNS =
      "doc_id string, source_uri string, source_size bigint, source_modified timestamp,"
          + " status string, reason string, reason_offset bigint, reason_detail string,"
          + " paragraph_count int, output_uri string, output_bytes bigint, checksum bigint,"
          + " run_id string, processed_at timestamp, output_path string,"
          + " max_paragraph_bytes bigint, paragraph_table string, source_encoding string";

  /**
   * Ledger columns added after the first release, with their types: a documents table made before
   * gains them (null in its old rows, which then count as changed once).
   */
  private static final Map<String, String> LATER_DOCUMENT_COLUMNS =
      Map.of(
          "output_path", "string",
          "max_paragraph_bytes", "bigint",
          "paragraph_table", "string",
          "source_encoding", "string");

  /**
   * How both tables are written. Replaced rows are deleted merge-on-read (position delete files,
   * one per data file: what Athena writes and reads, and what maintenance compacts away), so a run
   * writes what changed instead of rewriting every data file holding one of its documents.
   */
  private static final Map<String, String> WRITE_PROPERTIES =
      Map.of(
          "write.merge.mode", "merge-on-read",
          "write.delete.mode", "merge-on-read",
          "write.update.mode", "merge-on-read",
          "write.delete.granularity", "file");

  /** Properties of both tables. */
  private static final Map<String, String> TABLE_PROPERTIES =
      Map.of(
          "format-version", "2",
          "write.distribution-mode", "none",
          "write.parquet.compression-codec", "zstd",
          "write.parquet.compression-level", "1");

  private static final String PROPERTIES =
      sqlProperties(TABLE_PROPERTIES) + ", " + sqlProperties(WRITE_PROPERTIES);

  /** Properties as a TBLPROPERTIES list, in the order of their keys. */
  private static String sqlProperties(Map<String, String> properties) {
    return properties.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .map(e -> "'" + e.getKey() + "'='" + e.getValue() + "'")
        .collect(Collectors.joining(", "));
  }

  /**
   * No min/max statistics or metrics for paragraph text: nobody prunes files by the range of their
   * texts, and comparing every text to the running min and max costs the writer time.
   */
  private static final Map<String, String> TEXT_STATS_OFF =
      Map.of(
          "write.parquet.stats-enabled.column.text", "false",
          "write.metadata.metrics.column.text", "none");

  /**
   * The paragraph table's Parquet without dictionaries. Texts are nearly all distinct (each column
   * chunk gave up its dictionary after 2 MB), and the numbers nearly so; hashing every value into a
   * dictionary cost ~11% of the tasks' CPU for files 0.3% smaller (a quarter of jobs/bench's 'many'
   * corpus). Iceberg 1.10 turns dictionaries off for all columns or none. Set on existing tables
   * too: each column chunk says how it is encoded, so files of either kind read alike.
   */
  private static final Map<String, String> PARAGRAPH_WRITE_PROPERTIES =
      Map.of("parquet.enable.dictionary", "false");

  /** Every property a new paragraph table gets (for a table made without Spark's DDL). */
  static Map<String, String> paragraphTableProperties() {
    Map<String, String> all = new java.util.TreeMap<>(TABLE_PROPERTIES);
    all.putAll(WRITE_PROPERTIES);
    all.putAll(TEXT_STATS_OFF);
    all.putAll(PARAGRAPH_WRITE_PROPERTIES);
    return all;
  }

  private final SparkSession spark;

  TableDdl(SparkSession spark) {
    this.spark = spark;
  }

  /** Creates the paragraph table when missing; checks an existing one has the partition columns. */
  public void ensureParagraphTable(String table, List<StructField> partitionColumns) {
    if (exists(table)) {
      List<String> missing = new ArrayList<>();
      StructType schema = spark.table(table).schema();
      for (StructField f : partitionColumns) {
        if (!List.of(schema.fieldNames()).contains(f.name())) {
          missing.add(f.name());
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(
            "Cannot write paragraph table "
                + table
                + ": it lacks the source partition columns "
                + missing);
      }
      setWriteProperties(table, PARAGRAPH_WRITE_PROPERTIES);
      return;
    }
    createDatabase(table);
    StringBuilder ddl = new StringBuilder("CREATE TABLE " + table + " (" + PARAGRAPH_COLUMNS);
    for (StructField f : partitionColumns) {
      ddl.append(", `").append(f.name()).append("` ").append(f.dataType().sql());
    }
    ddl.append(") USING iceberg");
    if (!partitionColumns.isEmpty()) {
      ddl.append(" PARTITIONED BY (")
          .append(
              partitionColumns.stream()
                  .map(f -> "`" + f.name() + "`")
                  .collect(Collectors.joining(", ")))
          .append(")");
    }
    ddl.append(" TBLPROPERTIES (")
        .append(PROPERTIES)
        .append(", ")
        .append(sqlProperties(TEXT_STATS_OFF))
        .append(", ")
        .append(sqlProperties(PARAGRAPH_WRITE_PROPERTIES))
        .append(')');
    create(table, ddl.toString());
    LOG.info("Created paragraph table {}", table);
  }

  /** Creates the documents table when missing; adds the ledger columns an older one lacks. */
  public void ensureDocumentsTable(String table) {
    if (exists(table)) {
      addMissingColumns(table, LATER_DOCUMENT_COLUMNS);
      setWriteProperties(table, Map.of());
      return;
    }
    createDatabase(table);
    create(
        table,
        "CREATE TABLE "
            + table
            + " ("
            + DOCUMENT_COLUMNS
            + ") USING iceberg TBLPROPERTIES ("
            + PROPERTIES
            + ")");
    LOG.info("Created documents table {}", table);
  }

  /**
   * Runs a CREATE TABLE. Iceberg reports any failure to commit a new table's first metadata (the
   * table's metastore lock not granted, the catalog refusing) as "already exists" and drops the
   * cause; when the table then does not exist, this says so instead. When another run created it
   * meanwhile, that is fine.
   */
  private void create(String table, String ddl) {
    try {
      spark.sql(ddl);
    } catch (Exception e) { // AnalysisException is checked, and Scala throws it undeclared
      if (!(e instanceof TableAlreadyExistsException)) {
        throw e;
      }
      if (!exists(table)) {
        throw new IllegalStateException(
            "Cannot create table "
                + table
                + ": the catalog did not take its first commit (Spark reports that as 'already"
                + " exists'); look for a lock on it or a refused write in the log",
            e);
      }
      LOG.info("Table {} was created by another run meanwhile", table);
    }
  }

  /**
   * Brings the write properties of a table made by an earlier version to today's: {@link
   * #WRITE_PROPERTIES} and the table's {@code own}.
   */
  private void setWriteProperties(String table, Map<String, String> own) {
    Map<String, String> have = IcebergTables.load(spark, table).properties();
    Map<String, String> set = new TreeMap<>();
    Stream.concat(WRITE_PROPERTIES.entrySet().stream(), own.entrySet().stream())
        .filter(e -> !e.getValue().equals(have.get(e.getKey())))
        .forEach(e -> set.put(e.getKey(), e.getValue()));
    if (!set.isEmpty()) {
      spark.sql("ALTER TABLE " + table + " SET TBLPROPERTIES (" + sqlProperties(set) + ")");
      LOG.info("Set [{}] on {}", sqlProperties(set), table);
    }
  }

  private void addMissingColumns(String table, Map<String, String> columns) {
    List<String> have = List.of(spark.table(table).schema().fieldNames());
    List<String> add =
        columns.entrySet().stream()
            .filter(c -> !have.contains(c.getKey()))
            .map(c -> "`" + c.getKey() + "` " + c.getValue())
            .sorted()
            .toList();
    if (!add.isEmpty()) {
      spark.sql("ALTER TABLE " + table + " ADD COLUMNS (" + String.join(", ", add) + ")");
      LOG.info("Added ledger columns {} to {}", add, table);
    }
  }

  private boolean exists(String table) {
    return spark.catalog().tableExists(table);
  }

  private void createDatabase(String table) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + table.substring(0, table.indexOf('.')));
  }
}
