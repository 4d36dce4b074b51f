package dev.paraglue.sink;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.paraglue.pipeline.DocumentSummary;
import dev.paraglue.source.SourceDocument;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/**
 * The paragraph table and the documents table (the incremental ledger), as Iceberg tables in the
 * session catalog. Each write is one atomic Iceberg commit.
 */
public final class IcebergTables {
  private static final Logger LOG = LoggerFactory.getLogger(IcebergTables.class);

  public static final String PARAGRAPH_COLUMNS =
      "doc_id string, paragraph_index int, text string, line_number bigint, byte_offset bigint,"
          + " byte_length int, char_count int, run_id string";

  public static final String DOCUMENT_COLUMNS =
      "doc_id string, source_uri string, source_size bigint, source_modified timestamp,"
          + " status string, reason string, reason_offset bigint, reason_detail string,"
          + " paragraph_count int, output_uri string, output_bytes bigint, checksum bigint,"
          + " run_id string, processed_at timestamp";

  /** Properties of both tables. */
  private static final String PROPERTIES =
      "'format-version'='2', 'write.distribution-mode'='none',"
          + " 'write.parquet.compression-codec'='zstd', 'write.parquet.compression-level'='1',"
          + " 'write.merge.mode'='copy-on-write', 'write.delete.mode'='copy-on-write',"
          + " 'write.update.mode'='copy-on-write'";

  /**
   * No min/max statistics or metrics for paragraph text: nobody prunes files by the range of their
   * texts, and comparing every text to the running min and max costs the writer time.
   */
  private static final String TEXT_STATS_OFF =
      "'write.parquet.stats-enabled.column.text'='false',"
          + " 'write.metadata.metrics.column.text'='none'";

  private final SparkSession spark;

  public IcebergTables(SparkSession spark) {
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
        .append(TEXT_STATS_OFF)
        .append(')');
    spark.sql(ddl.toString());
    LOG.info("Created paragraph table {}", table);
  }

  public void ensureDocumentsTable(String table) {
    if (!exists(table)) {
      createDatabase(table);
      spark.sql(
          "CREATE TABLE "
              + table
              + " ("
              + DOCUMENT_COLUMNS
              + ") USING iceberg TBLPROPERTIES ("
              + PROPERTIES
              + ")");
      LOG.info("Created documents table {}", table);
    }
  }

  private boolean exists(String table) {
    return spark.catalog().tableExists(table);
  }

  private void createDatabase(String table) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + table.substring(0, table.indexOf('.')));
  }

  /** True when the ledger says this source is unchanged since it was processed or rejected. */
  public static boolean unchanged(SourceDocument d, Row entry) {
    if (entry == null || entry.isNullAt(2) || entry.isNullAt(3)) {
      return false;
    }
    String status = entry.getString(4);
    return d.getUri().equals(entry.getString(1))
        && d.getSize() == entry.getLong(2)
        && entry.getTimestamp(3).getTime() == d.getModified()
        && (DocumentSummary.OK.equals(status) || DocumentSummary.REJECTED.equals(status));
  }

  /** True when a ledger entry records a rejection. */
  public static boolean wasRejected(Row entry) {
    return DocumentSummary.REJECTED.equals(entry.getString(4));
  }

  /** The ledger: the latest row of every document in the documents table, by doc id. */
  public Map<String, Row> ledger(String table) {
    Map<String, Row> out = new HashMap<>();
    for (Row r :
        spark
            .table(table)
            .select("doc_id", "source_uri", "source_size", "source_modified", "status")
            .collectAsList()) {
      out.put(r.getString(0), r);
    }
    return out;
  }

  /**
   * Replaces the rows of the given documents by {@code rows} (which hold only those documents) in
   * one commit: an append when none of them has rows yet, otherwise a MERGE that updates, inserts
   * and deletes (the paragraphs that vanished) restricted to those documents.
   */
  public void replaceParagraphs(
      String table, Dataset<Row> rows, Collection<String> docIds, Runnable beforeCommit) {
    if (docIds.isEmpty()) {
      return;
    }
    Snapshot base = refreshedBase(table);
    Dataset<Row> target = spark.table(table);
    rows = alignedTo(target.schema(), rows);
    Column inDocs = col("doc_id").isin(docIds.toArray());
    Dataset<Row> existing = target.where(inDocs);
    if (existing.select("doc_id").limit(1).isEmpty()) {
      appendUnlessConflicting(table, rows, docIds, base, beforeCommit);
      LOG.info("Appended the paragraphs of {} documents to {}", docIds.size(), table);
      return;
    }
    // The rows are computed by reading and splitting the sources: do it once for the MERGE.
    rows = rows.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    long count = rows.count();
    LOG.info("Merging {} paragraph rows of {} documents into {}", count, docIds.size(), table);
    Column[] targetCols =
        java.util.Arrays.stream(target.columns())
            .map(c -> col("`" + c + "`"))
            .toArray(Column[]::new);
    Dataset<Row> fresh = rows.select(targetCols).withColumn("_deleted", lit(false));
    Dataset<Row> vanished =
        existing
            .join(
                rows.select("doc_id", "paragraph_index"),
                JavaConverters.asScalaBuffer(List.of("doc_id", "paragraph_index")).toSeq(),
                "left_anti")
            .select(targetCols)
            .withColumn("_deleted", lit(true));
    String ids = docIds.stream().map(IcebergTables::literal).collect(Collectors.joining(", "));
    try {
      beforeCommit.run();
      merge(
          table,
          fresh.unionByName(vanished),
          "ON t.doc_id IN ("
              + ids
              + ") AND t.doc_id = s.doc_id AND t.paragraph_index = s.paragraph_index"
              + " WHEN MATCHED AND s._deleted THEN DELETE"
              + " WHEN MATCHED THEN UPDATE SET *"
              + " WHEN NOT MATCHED AND NOT s._deleted THEN INSERT *");
    } finally {
      rows.unpersist();
    }
  }

  /** One MERGE commit of {@code source} (as {@code s}) into {@code table} (as {@code t}). */
  private void merge(String table, Dataset<Row> source, String clauses) {
    String view = "paraglue_merge_" + Long.toHexString(System.nanoTime());
    source.createOrReplaceTempView(view);
    try {
      spark.sql("MERGE INTO " + table + " t USING " + view + " s " + clauses);
    } finally {
      spark.catalog().dropTempView(view);
    }
  }

  /** One append commit. */
  private static void append(String table, Dataset<Row> rows) {
    try {
      rows.writeTo(table).append();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException("Cannot append to " + table + ": table not found", e);
    }
  }

  /**
   * The rows in the table's column order. A partition column the sources do not have (documents
   * named by paths, written to a table partitioned by an earlier table-based run) is null, as Hive
   * would leave it.
   */
  static Dataset<Row> alignedTo(StructType target, Dataset<Row> rows) {
    List<String> have = List.of(rows.columns());
    List<Column> cols = new ArrayList<>();
    for (StructField f : target.fields()) {
      cols.add(
          have.contains(f.name())
              ? col("`" + f.name() + "`")
              : lit(null).cast(f.dataType()).as(f.name()));
    }
    return rows.select(cols.toArray(new Column[0]));
  }

  /** The table's current snapshot, after making Spark's cached copy of the table current. */
  private Snapshot refreshedBase(String table) {
    spark.sql("REFRESH TABLE " + table);
    return icebergTable(table).currentSnapshot();
  }

  private Table icebergTable(String table) {
    try {
      return Spark3Util.loadIcebergTable(spark, table);
    } catch (org.apache.spark.sql.catalyst.parser.ParseException
        | org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException("Cannot load table " + table + ": " + e.getMessage(), e);
    }
  }

  /**
   * Appends the rows of documents that had none at {@code base}, failing with Iceberg's
   * ValidationException, never duplicating, when another run committed rows of any of them since
   * then. A plain append validates nothing, so the rows go to a private branch first, and their
   * files reach main in one add-only overwrite validated against the data added since {@code base}.
   */
  private void appendUnlessConflicting(
      String table,
      Dataset<Row> rows,
      Collection<String> docIds,
      Snapshot base,
      Runnable beforeCommit) {
    String branch =
        "paraglue_" + Long.toHexString(System.nanoTime()) + "_" + Integer.toHexString(hashCode());
    spark.sql(
        "ALTER TABLE "
            + table
            + " CREATE BRANCH "
            + branch
            + (base == null ? "" : " AS OF VERSION " + base.snapshotId()));
    try {
      append(table + ".branch_" + branch, rows);
      beforeCommit.run();
      Table t = icebergTable(table);
      t.refresh();
      Snapshot staged = t.snapshot(branch);
      OverwriteFiles commit = t.newOverwrite();
      if (staged != null && (base == null || staged.snapshotId() != base.snapshotId())) {
        for (DataFile f : staged.addedDataFiles(t.io())) {
          commit.addFile(f);
        }
      }
      if (base != null) {
        commit.validateFromSnapshot(base.snapshotId());
      }
      commit.conflictDetectionFilter(Expressions.in("doc_id", docIds.toArray()));
      commit.validateNoConflictingData();
      commit.commit();
    } finally {
      try {
        spark.sql("ALTER TABLE " + table + " DROP BRANCH IF EXISTS " + branch);
      } catch (RuntimeException e) {
        LOG.warn("Cannot drop branch {} of {}: {}", branch, table, e.toString());
      }
      spark.sql("REFRESH TABLE " + table);
    }
  }

  /**
   * True when a failure is an Iceberg commit conflict with another writer: the same work, redone on
   * the table as it is now, can succeed.
   */
  public static boolean isCommitConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.iceberg.exceptions.ValidationException
          || t instanceof org.apache.iceberg.exceptions.CommitFailedException) {
        return true;
      }
    }
    return false;
  }

  /** Upserts documents table rows by doc id, in one commit. */
  public void upsertDocuments(String table, Dataset<Row> rows, Collection<String> docIds) {
    Snapshot base = refreshedBase(table);
    if (spark.table(table).limit(1).isEmpty()) {
      appendUnlessConflicting(table, rows, docIds, base, () -> {}); // a first run: nothing to match
      return;
    }
    merge(
        table,
        rows,
        "ON t.doc_id = s.doc_id WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
  }

  /**
   * Paragraph table rows (SPEC section 2) from the explode stage's rows: the partition values,
   * carried as strings, cast to the source table's partition column types.
   */
  public static Dataset<Row> paragraphRows(
      Dataset<Row> exploded, List<StructField> partitionColumns) {
    List<Column> cols = new ArrayList<>();
    for (String c : exploded.columns()) {
      if (c.equals("text")) {
        cols.add(col(c).cast(DataTypes.StringType).as(c)); // UTF-8 bytes the splitter validated
      } else if (!c.startsWith("partition_")) {
        cols.add(col(c)); // the table's own columns, named by ExplodeStage.schema
      }
    }
    for (int i = 0; i < partitionColumns.size(); i++) {
      StructField f = partitionColumns.get(i);
      cols.add(col("partition_" + i).cast(f.dataType()).as(f.name()));
    }
    return exploded.select(cols.toArray(new Column[0]));
  }

  /** A documents table row, in {@link #DOCUMENT_COLUMNS} order. */
  public static Row documentRow(
      SourceDocument d, DocumentSummary s, String outputUri, String runId, Timestamp processedAt) {
    return RowFactory.create(
        d.getDocId(),
        d.getUri(),
        d.getSize(),
        new Timestamp(d.getModified()),
        s.getStatus(),
        s.getReason(),
        s.getReasonOffset(),
        s.getReasonDetail(),
        s.getParagraphs(),
        outputUri,
        s.ok() ? s.getOutputBytes() : null,
        s.ok() ? s.getChecksum() : null,
        runId,
        processedAt);
  }

  /** Upserts documents table rows built by {@link #documentRow}. */
  public void upsertDocuments(String table, List<Row> rows) {
    int slices = Math.max(1, Math.min(64, rows.size() / 5000));
    upsertDocuments(
        table,
        spark.createDataFrame(
            org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(rows, slices),
            StructType.fromDDL(DOCUMENT_COLUMNS)),
        rows.stream().map(r -> r.getString(0)).toList());
  }

  /** A Spark SQL string literal (backslash escapes are on by default). */
  static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
