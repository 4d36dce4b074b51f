package dev.paraglue.sink;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.SourceEncoding;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructType;
import scala.Function1;

/**
 * The documents table as the incremental ledger: what it recorded for the listed documents, which
 * recorded sources are gone, and the rows a run writes to it.
 */
public final class Ledger {
  /** The columns {@link #rows} gives, in this order; {@link #unchanged} reads them by position. */
  private static final List<String> ENTRY_COLUMNS =
      List.of(
          "doc_id",
          "source_uri",
          "source_size",
          "source_modified",
          "status",
          "output_path",
          "max_paragraph_bytes",
          "paragraph_table",
          "source_encoding");

  private final SparkSession spark;
  private final DriverScans scans;

  Ledger(SparkSession spark, DriverScans scans) {
    this.spark = spark;
    this.scans = scans;
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
        && (LedgerOutcome.OK.equals(status) || LedgerOutcome.REJECTED.equals(status))
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
    return LedgerOutcome.REJECTED.equals(entry.getString(4));
  }

  /**
   * The ledger rows of the given documents, by doc id: a join with the documents table, so a run
   * holds the rows of the documents it listed, not the whole table.
   */
  public Map<String, Row> rows(String table, Collection<String> docIds) {
    Map<String, Row> out = new HashMap<>();
    Table t = IcebergTables.load(spark, table);
    Snapshot base = t.currentSnapshot();
    if (docIds.isEmpty() || base == null) {
      return out; // a new table: nothing to plan a scan of
    }
    Expression filter = DriverScans.ofDocuments(docIds);
    if (scans.smallScan(t, base.snapshotId(), filter) != null) {
      // A small ledger is read here: no Spark job for what a small run looks up.
      Schema columns = DriverScans.columns(t, ENTRY_COLUMNS);
      DriverScans.forEach(
          t, base.snapshotId(), filter, columns, r -> out.put((String) r.get(0), entry(r)));
      return out;
    }
    Dataset<Row> rows =
        spark
            .table(table)
            .select(
                ENTRY_COLUMNS.get(0),
                ENTRY_COLUMNS.subList(1, ENTRY_COLUMNS.size()).toArray(new String[0]))
            .join(IcebergTables.frame(spark, docIds, "doc_id"), "doc_id");
    for (Row r : rows.collectAsList()) {
      out.put(r.getString(0), r);
    }
    return out;
  }

  /** A ledger entry as Spark gives it: a timestamp as {@link Timestamp}, the rest as they are. */
  private static Row entry(Record r) {
    Object[] values = new Object[r.size()];
    for (int i = 0; i < values.length; i++) {
      Object v = r.get(i);
      values[i] = v instanceof OffsetDateTime odt ? Timestamp.from(odt.toInstant()) : v;
    }
    return RowFactory.create(values);
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
        || IcebergTables.load(spark, table).currentSnapshot() == null) {
      return List.of();
    }
    Dataset<Row> live =
        spark
            .table(table)
            .where(col("status").isin(LedgerOutcome.OK, LedgerOutcome.REJECTED))
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
              live.join(IcebergTables.frame(spark, objects, "source_uri"), "source_uri")
                  .select("doc_id", "source_uri"));
    }
    return candidates
        .distinct()
        .join(
            IcebergTables.frame(spark, listedUris, "source_uri"),
            new String[] {"source_uri"},
            "left_anti")
        .select("doc_id", "source_uri")
        .collectAsList();
  }

  /** A documents table row, in {@link TableDdl#DOCUMENT_COLUMNS} order. */
  public static Row documentRow(
      SourceDocument d,
      LedgerOutcome o,
      String outputUri,
      String runId,
      Timestamp processedAt,
      ResultSettings settings) {
    boolean removed = LedgerOutcome.REMOVED.equals(o.status());
    return RowFactory.create(
        d.getDocId(),
        d.getUri(),
        removed ? null : d.getSize(),
        removed ? null : new Timestamp(d.getModified()),
        o.status(),
        o.reason(),
        o.reasonOffset(),
        o.reasonDetail(),
        o.paragraphs(),
        outputUri,
        o.isOk() ? o.outputBytes() : null,
        o.isOk() ? o.checksum() : null,
        runId,
        processedAt,
        settings.outputPath(),
        settings.maxParagraphBytes(),
        settings.paragraphTable(),
        removed ? null : d.getEncoding());
  }

  /**
   * Writes documents table rows built by {@link #documentRow} as one data file of {@code table},
   * for {@link RowCommits#replaceRows}; the driver holds them anyway, and one small file needs no
   * Spark job.
   */
  public List<DataFile> documentFiles(String table, List<Row> rows, String runId) {
    Table t = IcebergTables.load(spark, table);
    t.refresh();
    if (!t.spec().isUnpartitioned()) {
      throw new IllegalArgumentException(
          "Cannot write documents table " + table + ": it is partitioned, paraglue's is not");
    }
    StructType given = StructType.fromDDL(TableDdl.DOCUMENT_COLUMNS);
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
        DataFiles.sparkRows(t, tableType)
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
