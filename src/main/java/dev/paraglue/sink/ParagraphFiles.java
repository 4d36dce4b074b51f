package dev.paraglue.sink;

import dev.paraglue.pipeline.ParagraphSink;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.Paragraph;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.SerializableTable;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.ClusteredDataWriter;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.shaded.org.apache.parquet.io.api.Binary;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.PropertyUtil;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Writes the paragraph table's data files from the tasks: Iceberg's Parquet writer fed the
 * splitter's paragraphs by a value writer of this table's own ({@link ParagraphParquet}), with no
 * Spark row, encoder or cast between them. The text is passed as the UTF-8 bytes the splitter
 * validated. Each task reuses one {@link ParagraphRow}, set field by field. A task writes one
 * partition's files after another (its units come ordered by partition values), rolling at the
 * table's target file size; the driver commits the files ({@link RowCommits#replaceRows}).
 *
 * <p>Partition values arrive as the strings of the source's layout and are cast on the driver, by
 * Spark, to the table's column types ({@link IcebergTables#paragraphFiles}).
 */
public final class ParagraphFiles implements ParagraphSink<DataFile> {
  private static final long serialVersionUID = 1L;

  /** The paragraph table's own columns ({@link TableDdl#PARAGRAPH_COLUMNS}), in order. */
  static final List<String> OWN_COLUMNS =
      List.of(
          "doc_id",
          "paragraph_index",
          "text",
          "line_number",
          "byte_offset",
          "byte_length",
          "char_count",
          "run_id");

  private static final int DOC_ID = 0;
  private static final int RUN_ID = 7;

  private final Table table;
  private final StructType sparkType;

  /** By own column: its position in the table. */
  private final int[] ownAt;

  /** By source partition column: its position in the table. */
  private final int[] partitionAt;

  /**
   * The positions in the table of its columns that are not its own ({@link ParagraphRow#others}).
   */
  private final int[] otherAt;

  /** By position in the table: the column's index in {@link ParagraphRow#others}, or -1. */
  private final int[] otherIndex;

  /** By the source's partition value strings: the values as the table's types (Spark internal). */
  private final Map<List<String>, Object[]> partitionValues;

  private final String runId;

  /** In the names of the files: see {@link DataFiles#operationId}. */
  private final String operationId;

  private final long targetFileBytes;

  ParagraphFiles(
      Table table,
      List<String> partitionColumns,
      Map<List<String>, Object[]> partitionValues,
      String runId) {
    this.table = SerializableTable.copyOf(table);
    this.sparkType = SparkSchemaUtil.convert(table.schema());
    List<Types.NestedField> columns = table.schema().columns();
    this.ownAt = positions(table, OWN_COLUMNS);
    this.partitionAt = positions(table, partitionColumns);
    for (int k = 0; k < ownAt.length; k++) {
      if (ownAt[k] < 0) {
        throw new IllegalArgumentException(
            "Cannot write paragraph table "
                + table.name()
                + ": it has no column "
                + OWN_COLUMNS.get(k));
      }
    }
    for (PartitionField f : table.spec().fields()) {
      String source = columns.get(position(table, f.sourceId())).name();
      if (OWN_COLUMNS.contains(source) && !source.equals("doc_id") && !source.equals("run_id")) {
        throw new IllegalArgumentException(
            "Cannot write paragraph table "
                + table.name()
                + ": it is partitioned by "
                + source
                + ", which varies within a document");
      }
    }
    this.otherAt = ParagraphParquet.otherColumns(columns.size(), ownAt);
    this.otherIndex = new int[columns.size()];
    Arrays.fill(otherIndex, -1);
    for (int i = 0; i < otherAt.length; i++) {
      otherIndex[otherAt[i]] = i;
    }
    this.partitionValues = partitionValues;
    this.runId = runId;
    this.operationId = DataFiles.operationId(runId);
    this.targetFileBytes =
        PropertyUtil.propertyAsLong(
            table.properties(),
            TableProperties.WRITE_TARGET_FILE_SIZE_BYTES,
            TableProperties.WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
  }

  private static int[] positions(Table table, List<String> names) {
    int[] at = new int[names.size()];
    for (int k = 0; k < names.size(); k++) {
      Types.NestedField f = table.schema().caseInsensitiveFindField(names.get(k));
      at[k] = f == null ? -1 : position(table, f.fieldId());
    }
    return at;
  }

  private static int position(Table table, int fieldId) {
    List<Types.NestedField> columns = table.schema().columns();
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).fieldId() == fieldId) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "Cannot write paragraph table " + table.name() + ": it is partitioned by a nested field");
  }

  @Override
  public ParagraphSink.Writer<DataFile> open(int partitionId, long taskAttemptId) {
    return new TaskWriter(partitionId, taskAttemptId);
  }

  /** A partition value as Iceberg keeps it, from Spark's internal form of the same value. */
  static Object icebergValue(Object sparkValue) {
    if (sparkValue instanceof UTF8String s) {
      return s.toString();
    }
    if (sparkValue instanceof Decimal d) {
      return d.toJavaBigDecimal();
    }
    if (sparkValue instanceof byte[] b) {
      return ByteBuffer.wrap(b);
    }
    return sparkValue; // numbers and booleans; dates as days and timestamps as micros in both
  }

  /**
   * One task attempt's files. Its units come ordered by the source's partition value strings, which
   * usually keeps each table partition's rows together, as Iceberg's clustered writer needs; where
   * they do not (folders {@code m=01} and {@code m=1} of an int column, or a spec over fewer
   * columns), a table partition that comes back starts a new clustered writer, and more files.
   */
  private final class TaskWriter implements ParagraphSink.Writer<DataFile> {
    private final DataFiles<ParagraphRow> format =
        new DataFiles<>(table, message -> new ParagraphParquet(message, ownAt, sparkType));
    private final OutputFileFactory names;
    private ClusteredDataWriter<ParagraphRow> files;

    /** The table partitions {@link #files} has written, the last one current. */
    private final Set<PartitionKey> partitions = new HashSet<>();

    private PartitionKey current;

    /** Files of the clustered writers before {@link #files}. */
    private final List<DataFile> closed = new ArrayList<>();

    private final ParagraphRow row;
    private final PartitionSpec spec = table.spec();
    private final PartitionKey key;
    private final Object[] keySource;
    private SourceDocument doc;

    TaskWriter(int partitionId, long taskAttemptId) {
      names = DataFiles.names(table, partitionId, taskAttemptId, operationId);
      files = new ClusteredDataWriter<>(format, names, table.io(), targetFileBytes);
      row = new ParagraphRow(otherAt.length);
      row.runId = Binary.fromConstantByteArray(runId.getBytes(StandardCharsets.UTF_8));
      key = spec.isUnpartitioned() ? null : new PartitionKey(spec, table.schema());
      keySource = new Object[sparkType.size()];
    }

    @Override
    public void write(SourceDocument d, Paragraph p, int index, long lineNumber)
        throws IOException {
      if (d != doc) {
        startDocument(d);
      }
      row.paragraphIndex = index;
      row.text = Binary.fromConstantByteArray(p.textBytes());
      row.lineNumber = lineNumber;
      row.byteOffset = p.byteOffset();
      row.byteLength = p.byteLength();
      row.charCount = p.charCount();
      files.write(row, spec, key);
    }

    /** Sets the columns that are the same for every paragraph of a document, and its partition. */
    private void startDocument(SourceDocument d) throws IOException {
      doc = d;
      row.docId = Binary.fromConstantByteArray(d.getDocId().getBytes(StandardCharsets.UTF_8));
      keySource[ownAt[DOC_ID]] = d.getDocId();
      keySource[ownAt[RUN_ID]] = runId;
      Object[] typed = partitionValues.get(d.getPartitionValues());
      for (int i = 0; i < partitionAt.length; i++) {
        Object v = typed == null ? null : typed[i];
        row.others.update(otherIndex[partitionAt[i]], v);
        keySource[partitionAt[i]] = icebergValue(v);
      }
      if (key != null) {
        key.partition(new Values(keySource));
        startPartition();
      }
    }

    /** Starts a new clustered writer when the key is a partition the current one has closed. */
    private void startPartition() throws IOException {
      if (key.equals(current)) {
        return;
      }
      if (partitions.contains(key)) {
        files.close();
        closed.addAll(files.result().dataFiles());
        files = new ClusteredDataWriter<>(format, names, table.io(), targetFileBytes);
        partitions.clear();
      }
      current = key.copy();
      partitions.add(current);
    }

    @Override
    public List<DataFile> finish() throws IOException {
      files.close();
      closed.addAll(files.result().dataFiles());
      return closed;
    }

    @Override
    public void abort() {
      try {
        files.close();
        closed.addAll(files.result().dataFiles());
        for (DataFile f : closed) {
          table.io().deleteFile(f.location());
        }
      } catch (IOException | RuntimeException e) {
        // the files are not committed; what is left is found by Iceberg's orphan file removal
      }
    }
  }

  /** Iceberg's view of a row's values. */
  private record Values(Object[] values) implements StructLike {
    @Override
    public int size() {
      return values.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(values[pos]);
    }

    @Override
    public <T> void set(int pos, T value) {
      values[pos] = value;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Values v && Arrays.equals(values, v.values);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
      return Arrays.toString(values);
    }
  }
}
