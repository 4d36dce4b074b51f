package dev.paraglue.sink;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.paraglue.pipeline.DocumentSummary;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.source.SourceResolver;
import dev.paraglue.text.SourceEncoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.util.ContentFileUtil;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.TableAlreadyExistsException;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Function1;

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
  private static final String PROPERTIES =
      "'format-version'='2', 'write.distribution-mode'='none',"
          + " 'write.parquet.compression-codec'='zstd', 'write.parquet.compression-level'='1', "
          + sqlProperties(WRITE_PROPERTIES);

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
  private static final String TEXT_STATS_OFF =
      "'write.parquet.stats-enabled.column.text'='false',"
          + " 'write.metadata.metrics.column.text'='none'";

  /**
   * The paragraph table's Parquet without dictionaries. Texts are nearly all distinct (each column
   * chunk gave up its dictionary after 2 MB), and the numbers nearly so; hashing every value into a
   * dictionary cost ~11% of the tasks' CPU for files 0.3% smaller (a quarter of jobs/bench's 'many'
   * corpus). Iceberg 1.10 turns dictionaries off for all columns or none. Set on existing tables
   * too: each column chunk says how it is encoded, so files of either kind read alike.
   */
  private static final Map<String, String> PARAGRAPH_WRITE_PROPERTIES =
      Map.of("parquet.enable.dictionary", "false");

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
        .append(TEXT_STATS_OFF)
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
    Map<String, String> have = icebergTable(table).properties();
    List<String> set =
        Stream.concat(WRITE_PROPERTIES.entrySet().stream(), own.entrySet().stream())
            .filter(e -> !e.getValue().equals(have.get(e.getKey())))
            .map(e -> "'" + e.getKey() + "'='" + e.getValue() + "'")
            .sorted()
            .toList();
    if (!set.isEmpty()) {
      spark.sql("ALTER TABLE " + table + " SET TBLPROPERTIES (" + String.join(", ", set) + ")");
      LOG.info("Set {} on {}", set, table);
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

  /** The table's name as its catalog gives it ({@code spark_catalog.db.paragraphs}). */
  public String catalogName(String table) {
    return icebergTable(table).name();
  }

  private boolean exists(String table) {
    return spark.catalog().tableExists(table);
  }

  private void createDatabase(String table) {
    spark.sql("CREATE DATABASE IF NOT EXISTS " + table.substring(0, table.indexOf('.')));
  }

  /**
   * True when the ledger says this document's result would be what it was: the source (URI, size,
   * modification time), its declared encoding and the settings that decide the result are those it
   * was processed or rejected with. A row from before encodings were recorded was read as UTF-8.
   */
  public static boolean unchanged(SourceDocument d, Row entry, ResultSettings settings) {
    if (entry == null || anyNull(entry, 2, 3, 5, 6, 7)) {
      return false;
    }
    String status = entry.getString(4);
    return d.getUri().equals(entry.getString(1))
        && d.getSize() == entry.getLong(2)
        && entry.getTimestamp(3).getTime() == d.getModified()
        && (DocumentSummary.OK.equals(status) || DocumentSummary.REJECTED.equals(status))
        && settings.outputPath().equals(entry.getString(5))
        && settings.maxParagraphBytes() == entry.getLong(6)
        && settings.paragraphTable().equals(entry.getString(7))
        && d.getEncoding().equals(entry.isNullAt(8) ? SourceEncoding.UTF8 : entry.getString(8));
  }

  private static boolean anyNull(Row r, int... fields) {
    for (int f : fields) {
      if (r.isNullAt(f)) {
        return true;
      }
    }
    return false;
  }

  /** True when a ledger entry records a rejection. */
  public static boolean wasRejected(Row entry) {
    return DocumentSummary.REJECTED.equals(entry.getString(4));
  }

  /**
   * The ledger rows of the given documents, by doc id: a join with the documents table, so a run
   * holds the rows of the documents it listed, not the whole table.
   */
  public Map<String, Row> ledger(String table, Collection<String> docIds) {
    Map<String, Row> out = new HashMap<>();
    if (docIds.isEmpty() || icebergTable(table).currentSnapshot() == null) {
      return out; // a new table: nothing to plan a scan of
    }
    Dataset<Row> rows =
        spark
            .table(table)
            .select(
                "doc_id",
                "source_uri",
                "source_size",
                "source_modified",
                "status",
                "output_path",
                "max_paragraph_bytes",
                "paragraph_table",
                "source_encoding")
            .join(frame(docIds, "doc_id"), "doc_id");
    for (Row r : rows.collectAsList()) {
      out.put(r.getString(0), r);
    }
    return out;
  }

  /**
   * The documents the ledger holds as 'ok' or 'rejected' whose source lies under one of {@code
   * prefixes} or is one of {@code objects}, and whose source URI is not among {@code listedUris}:
   * their sources are gone. Compared by URI, not doc id: a document listed under another root has
   * another doc id but is not gone. As {@code [doc_id, source_uri]} rows.
   */
  public List<Row> gone(
      String table, List<String> prefixes, List<String> objects, Collection<String> listedUris) {
    if ((prefixes.isEmpty() && objects.isEmpty())
        || icebergTable(table).currentSnapshot() == null) {
      return List.of();
    }
    Dataset<Row> live =
        spark
            .table(table)
            .where(col("status").isin(DocumentSummary.OK, DocumentSummary.REJECTED))
            .select("doc_id", "source_uri");
    Column under = lit(false);
    for (String p : prefixes) {
      String dir = p.endsWith("/") ? p : p + "/";
      under = under.or(col("source_uri").startsWith(dir)).or(col("source_uri").equalTo(p));
    }
    Dataset<Row> candidates = live.where(under);
    if (!objects.isEmpty()) {
      candidates =
          candidates.union(
              live.join(frame(objects, "source_uri"), "source_uri").select("doc_id", "source_uri"));
    }
    return candidates
        .distinct()
        .join(frame(listedUris, "source_uri"), new String[] {"source_uri"}, "left_anti")
        .select("doc_id", "source_uri")
        .collectAsList();
  }

  /** Values as a one-column frame, to join with: never spelled out in SQL text. */
  private Dataset<Row> frame(Collection<String> values, String column) {
    return spark.createDataset(new ArrayList<>(values), Encoders.STRING()).toDF(column);
  }

  /**
   * The writer of the paragraph table's data files for this run, given the source's partition
   * columns and the documents to read: their partition values are cast here, by Spark, to the
   * table's column types, once per distinct set of values.
   */
  public ParagraphFiles paragraphFiles(
      String table, List<StructField> partitionColumns, List<SourceDocument> docs, String runId) {
    Table t = icebergTable(table);
    t.refresh();
    Map<List<String>, Object[]> typed = new HashMap<>();
    List<String> names = partitionColumns.stream().map(StructField::name).toList();
    if (!names.isEmpty()) {
      // Cast to the table's column types (Spark internal values, what the writer takes).
      StructType tableType = SparkSchemaUtil.convert(t.schema());
      List<StructField> columns = new ArrayList<>();
      names.forEach(n -> columns.add(tableType.apply(n)));
      Set<List<String>> distinct = new LinkedHashSet<>();
      docs.forEach(d -> distinct.add(d.getPartitionValues()));
      int n = names.size();
      for (InternalRow r :
          SourceResolver.typedPartitionValues(spark, distinct, columns)
              .queryExecution()
              .executedPlan()
              .executeCollect()) {
        List<String> key = new ArrayList<>();
        Object[] value = new Object[n];
        for (int i = 0; i < n; i++) {
          key.add(r.isNullAt(n + i) ? null : r.getUTF8String(n + i).toString());
          value[i] = r.isNullAt(i) ? null : r.get(i, columns.get(i).dataType());
        }
        typed.put(key, value);
      }
    }
    return new ParagraphFiles(t, names, typed, runId);
  }

  /**
   * Makes {@code files} (of {@link #paragraphFiles} or {@link #documentFiles}) the rows of the
   * given documents, in one commit validated against what other runs committed meanwhile: when some
   * of the documents already have rows, those are deleted first on a private branch (position
   * deletes, merge-on-read), and the branch's delete files and the new data files reach main in one
   * row delta. Fails with Iceberg's ValidationException, never duplicating, when another run
   * committed rows or deletes of any of them since, or removed a data file the deletes point at.
   */
  public void replaceRows(
      String table, List<DataFile> files, Collection<String> docIds, Runnable beforeCommit) {
    if (docIds.isEmpty()) {
      return;
    }
    Snapshot base = refreshedBase(table);
    Dataset<Row> ids = frame(docIds, "doc_id");
    Optional<DocIdRanges> ranges = base == null ? Optional.empty() : ranges(table, base, docIds);
    // Where the documents' rows can be: all of the table when its files do not say.
    String where = ranges.map(DocIdRanges::sql).orElse("TRUE");
    boolean existing =
        base != null
            && !ranges.map(DocIdRanges::none).orElse(false)
            && !spark.table(table).where(where).select("doc_id").join(ids, "doc_id").isEmpty();
    String branch = existing ? createBranch(table, base) : null;
    try {
      StagedChanges staged =
          branch == null ? StagedChanges.NONE : deleteOnBranch(table, branch, ids, where, base);
      beforeCommit.run();
      Table t = icebergTable(table);
      t.refresh();
      RowDelta delta = t.newRowDelta();
      files.forEach(delta::addRows);
      staged.applyTo(delta);
      // The branch's delete files now belong to main: say so, or Iceberg's incremental snapshot
      // expiry (core API users) would delete them with the dropped branch's snapshot.
      staged.sourceSnapshotId().ifPresent(id -> delta.set("source-snapshot-id", Long.toString(id)));
      if (base != null) {
        delta.validateFromSnapshot(base.snapshotId());
      }
      delta
          .conflictDetectionFilter(Expressions.in("doc_id", docIds.toArray()))
          .validateDataFilesExist(staged.referencedDataFiles())
          .validateDeletedFiles()
          .validateNoConflictingDataFiles()
          .validateNoConflictingDeleteFiles()
          .commit();
      LOG.info(
          "Committed {} data files of {} documents to {} ({} delete files, {} earlier files"
              + " rewritten)",
          files.size(),
          docIds.size(),
          table,
          staged.deletes().size(),
          staged.removed().size());
    } finally {
      if (branch != null) {
        dropBranch(table, branch);
      }
      spark.sql("REFRESH TABLE " + table);
    }
  }

  /**
   * What deleting some documents' rows on a branch wrote, to be committed to main, and the data
   * files its position deletes point at: they must still be live when it commits.
   */
  private record StagedChanges(
      List<DataFile> removed,
      List<DataFile> added,
      List<DeleteFile> deletes,
      List<String> referencedDataFiles,
      Optional<Long> sourceSnapshotId) {
    static final StagedChanges NONE =
        new StagedChanges(List.of(), List.of(), List.of(), List.of(), Optional.empty());

    void applyTo(RowDelta delta) {
      removed.forEach(delta::removeRows);
      added.forEach(delta::addRows);
      deletes.forEach(delta::addDeletes);
    }
  }

  /**
   * The data files the delete files point at: each one's, from its {@code file_path} bounds (one
   * data file per delete file, 'write.delete.granularity'='file'); every data file of {@code base}
   * when one of them does not say.
   */
  private static List<String> referencedDataFiles(
      Table t, Snapshot base, List<DeleteFile> deletes) {
    List<String> out = new ArrayList<>();
    for (DeleteFile d : deletes) {
      String f = ContentFileUtil.referencedDataFileLocation(d);
      if (f == null) {
        out.clear();
        try (CloseableIterable<FileScanTask> tasks =
            t.newScan().useSnapshot(base.snapshotId()).planFiles()) {
          tasks.forEach(task -> out.add(task.file().location()));
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot plan " + t.name() + ": " + e.getMessage(), e);
        }
        return out;
      }
      out.add(f);
    }
    return out;
  }

  /**
   * The doc id ranges of {@code base}'s data files that can hold rows of {@code docIds}; logs how
   * many data files a scan of them reads.
   */
  private Optional<DocIdRanges> ranges(String table, Snapshot base, Collection<String> docIds) {
    Table t = icebergTable(table);
    Optional<DocIdRanges> ranges = DocIdRanges.of(t, base.snapshotId(), docIds);
    LOG.info(
        "Rows of {} documents in {}: {} of {} data files to read ({} doc id ranges)",
        docIds.size(),
        table,
        ranges.map(r -> r.files(t, base.snapshotId())).orElse(-1L),
        base.summary().get("total-data-files"),
        ranges.map(r -> Integer.toString(r.ranges().size())).orElse("no bounds: all"));
    return ranges;
  }

  /**
   * Deletes the rows of {@code ids} on the branch, scanning the data files {@code where} lets
   * Iceberg keep, and returns what that wrote.
   */
  private StagedChanges deleteOnBranch(
      String table, String branch, Dataset<Row> ids, String where, Snapshot base) {
    String view = "paraglue_replaced_" + branch;
    ids.createOrReplaceTempView(view);
    try {
      spark.sql(
          "DELETE FROM "
              + table
              + ".branch_"
              + branch
              + " WHERE "
              + where
              + " AND doc_id IN (SELECT doc_id FROM "
              + view
              + ")");
    } finally {
      spark.catalog().dropTempView(view);
    }
    Table t = icebergTable(table);
    t.refresh();
    Snapshot staged = t.snapshot(branch);
    if (staged.snapshotId() == base.snapshotId()) {
      return StagedChanges.NONE;
    }
    List<DataFile> removed = new ArrayList<>();
    List<DataFile> added = new ArrayList<>();
    List<DeleteFile> deletes = new ArrayList<>();
    staged.removedDataFiles(t.io()).forEach(removed::add);
    staged.addedDataFiles(t.io()).forEach(added::add);
    staged.addedDeleteFiles(t.io()).forEach(deletes::add);
    return new StagedChanges(
        removed,
        added,
        deletes,
        referencedDataFiles(t, base, deletes),
        Optional.of(staged.snapshotId()));
  }

  /**
   * Deletes data files written for a commit that did not happen. Not after an unknown commit state:
   * the files may be in the table.
   */
  public void discard(String table, List<DataFile> files, Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CommitStateUnknownException) {
        return;
      }
    }
    FileIO io = icebergTable(table).io();
    for (DataFile f : files) {
      try {
        io.deleteFile(f.location());
      } catch (RuntimeException e) {
        LOG.warn("Cannot delete uncommitted data file {}: {}", f.location(), e.toString());
      }
    }
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
   * A private branch of the table at {@code base}. It expires a day after {@code base} was made, so
   * a branch a killed run left behind does not hold old files forever: maintenance's snapshot
   * expiry drops it.
   */
  private String createBranch(String table, Snapshot base) {
    String branch =
        "paraglue_" + Long.toHexString(System.nanoTime()) + "_" + Integer.toHexString(hashCode());
    spark.sql(
        "ALTER TABLE "
            + table
            + " CREATE BRANCH "
            + branch
            + " AS OF VERSION "
            + base.snapshotId()
            + " RETAIN 1 DAYS");
    return branch;
  }

  private void dropBranch(String table, String branch) {
    try {
      spark.sql("ALTER TABLE " + table + " DROP BRANCH IF EXISTS " + branch);
    } catch (RuntimeException e) {
      LOG.warn("Cannot drop branch {} of {}: {}", branch, table, e.toString());
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

  /** A documents table row, in {@link #DOCUMENT_COLUMNS} order. */
  public static Row documentRow(
      SourceDocument d,
      DocumentSummary s,
      String outputUri,
      String runId,
      Timestamp processedAt,
      ResultSettings settings) {
    boolean removed = DocumentSummary.REMOVED.equals(s.getStatus());
    return RowFactory.create(
        d.getDocId(),
        d.getUri(),
        removed ? null : d.getSize(),
        removed ? null : new Timestamp(d.getModified()),
        s.getStatus(),
        s.getReason(),
        s.getReasonOffset(),
        s.getReasonDetail(),
        s.getParagraphs(),
        outputUri,
        s.ok() ? s.getOutputBytes() : null,
        s.ok() ? s.getChecksum() : null,
        runId,
        processedAt,
        settings.outputPath(),
        settings.maxParagraphBytes(),
        settings.paragraphTable(),
        removed ? null : d.getEncoding());
  }

  /**
   * Writes documents table rows built by {@link #documentRow} as one data file of {@code table},
   * for {@link #replaceRows}; the driver holds them anyway, and one small file needs no Spark job.
   */
  public List<DataFile> documentFiles(String table, List<Row> rows, String runId) {
    Table t = icebergTable(table);
    t.refresh();
    if (!t.spec().isUnpartitioned()) {
      throw new IllegalArgumentException(
          "Cannot write documents table " + table + ": it is partitioned, paraglue's is not");
    }
    StructType given = StructType.fromDDL(DOCUMENT_COLUMNS);
    StructType tableType = SparkSchemaUtil.convert(t.schema());
    int[] from = new int[tableType.size()];
    List<Function1<Object, Object>> convert = new ArrayList<>();
    for (int i = 0; i < from.length; i++) {
      String name = tableType.fields()[i].name();
      from[i] = List.of(given.fieldNames()).indexOf(name);
      convert.add(
          CatalystTypeConverters.createToCatalystConverter(tableType.fields()[i].dataType()));
    }
    DataWriter<InternalRow> writer =
        new DataFiles(t, tableType)
            .newDataWriter(
                DataFiles.names(t, 0, 0, DataFiles.operationId(runId)).newOutputFile(),
                t.spec(),
                null);
    try (writer) {
      for (Row r : rows) {
        Object[] values = new Object[from.length];
        for (int i = 0; i < from.length; i++) {
          values[i] = from[i] < 0 ? null : convert.get(i).apply(r.get(from[i]));
        }
        writer.write(new GenericInternalRow(values));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write documents table " + table + ": " + e.getMessage(), e);
    }
    return List.of(writer.toDataFile());
  }
}
