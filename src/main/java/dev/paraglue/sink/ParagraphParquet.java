package dev.paraglue.sink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.FieldMetrics;
import org.apache.iceberg.parquet.ColumnWriter;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.parquet.ParquetValueWriters;
import org.apache.iceberg.parquet.TripleWriter;
import org.apache.iceberg.shaded.org.apache.parquet.column.ColumnDescriptor;
import org.apache.iceberg.shaded.org.apache.parquet.column.ColumnWriteStore;
import org.apache.iceberg.shaded.org.apache.parquet.schema.MessageType;
import org.apache.iceberg.shaded.org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.iceberg.shaded.org.apache.parquet.schema.Type;
import org.apache.iceberg.spark.data.SparkParquetWriters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The paragraph table's Parquet value writer: each of the table's own columns ({@link
 * ParagraphFiles#OWN_COLUMNS}) is written straight to its Parquet column, from the fields of a
 * {@link ParagraphRow}, with no row, getter or boxed number between them. The table's other columns
 * (the source's partition columns, constant within a document) go through the writer Iceberg's
 * Spark writes use. The values written, their order within each column and so the file are those of
 * Iceberg's Spark writer on the same rows ({@code ParagraphParquetTest} compares them).
 */
final class ParagraphParquet implements ParquetValueWriter<ParagraphRow> {
  /** The Parquet type of each own column, in {@link ParagraphFiles#OWN_COLUMNS} order. */
  private static final List<PrimitiveTypeName> OWN_TYPES =
      List.of(
          PrimitiveTypeName.BINARY,
          PrimitiveTypeName.INT32,
          PrimitiveTypeName.BINARY,
          PrimitiveTypeName.INT64,
          PrimitiveTypeName.INT64,
          PrimitiveTypeName.INT32,
          PrimitiveTypeName.INT32,
          PrimitiveTypeName.BINARY);

  private final ColumnWriter<Object> docId;
  private final ColumnWriter<Object> paragraphIndex;
  private final ColumnWriter<Object> text;
  private final ColumnWriter<Object> lineNumber;
  private final ColumnWriter<Object> byteOffset;
  private final ColumnWriter<Object> byteLength;
  private final ColumnWriter<Object> charCount;
  private final ColumnWriter<Object> runId;

  /** The other columns' writer, or null when there are none. */
  private final ParquetValueWriter<InternalRow> others;

  private final List<Column> own;

  /**
   * The writer of a file of {@code file}'s columns, the table's: its own columns at {@code ownAt};
   * {@code sparkType} gives every column's Spark type.
   */
  ParagraphParquet(MessageType file, int[] ownAt, StructType sparkType) {
    List<Column> columns = new ArrayList<>();
    for (int k = 0; k < ownAt.length; k++) {
      columns.add(column(file, ownAt[k], OWN_TYPES.get(k)));
    }
    this.own = List.copyOf(columns);
    this.docId = own.get(0).column();
    this.paragraphIndex = own.get(1).column();
    this.text = own.get(2).column();
    this.lineNumber = own.get(3).column();
    this.byteOffset = own.get(4).column();
    this.byteLength = own.get(5).column();
    this.charCount = own.get(6).column();
    this.runId = own.get(7).column();
    this.others = othersWriter(file, ownAt, sparkType);
  }

  /** Positions in the table of the columns that are not its own, in order. */
  static int[] otherColumns(int columnCount, int[] ownAt) {
    return java.util.stream.IntStream.range(0, columnCount)
        .filter(i -> Arrays.stream(ownAt).noneMatch(o -> o == i))
        .toArray();
  }

  private static ParquetValueWriter<InternalRow> othersWriter(
      MessageType file, int[] ownAt, StructType sparkType) {
    int[] at = otherColumns(file.getFieldCount(), ownAt);
    if (at.length == 0) {
      return null;
    }
    List<Type> fields = new ArrayList<>();
    StructField[] sparkFields = new StructField[at.length];
    for (int i = 0; i < at.length; i++) {
      fields.add(file.getType(at[i]));
      sparkFields[i] = sparkType.fields()[at[i]];
    }
    // Their columns keep their paths, so the file's column store gives each its own writer.
    return SparkParquetWriters.buildWriter(
        new StructType(sparkFields), new MessageType(file.getName(), fields));
  }

  private static Column column(MessageType file, int at, PrimitiveTypeName expected) {
    Type t = file.getType(at);
    if (!t.isPrimitive() || t.asPrimitiveType().getPrimitiveTypeName() != expected) {
      throw new IllegalArgumentException(
          "Cannot write paragraph table: its column " + t + " is not of type " + expected);
    }
    return new Column(file.getColumnDescription(new String[] {t.getName()}));
  }

  @Override
  public void write(int repetitionLevel, ParagraphRow row) {
    docId.writeBinary(repetitionLevel, row.docId);
    paragraphIndex.writeInteger(repetitionLevel, row.paragraphIndex);
    text.writeBinary(repetitionLevel, row.text);
    lineNumber.writeLong(repetitionLevel, row.lineNumber);
    byteOffset.writeLong(repetitionLevel, row.byteOffset);
    byteLength.writeInteger(repetitionLevel, row.byteLength);
    charCount.writeInteger(repetitionLevel, row.charCount);
    runId.writeBinary(repetitionLevel, row.runId);
    if (others != null) {
      others.write(repetitionLevel, row.others);
    }
  }

  /** The own columns' writers, then the other columns'. */
  @Override
  public List<TripleWriter<?>> columns() {
    List<TripleWriter<?>> all = new ArrayList<>();
    own.forEach(c -> all.addAll(c.columns()));
    if (others != null) {
      all.addAll(others.columns());
    }
    return all;
  }

  @Override
  public void setColumnStore(ColumnWriteStore store) {
    own.forEach(c -> c.setColumnStore(store));
    if (others != null) {
      others.setColumnStore(store);
    }
  }

  /** Metrics Parquet's footer lacks (NaN counts): none for the own columns. */
  @Override
  public Stream<FieldMetrics<?>> metrics() {
    return others == null ? Stream.empty() : others.metrics();
  }

  /** One own column: Iceberg's column writer, which writes a value at the column's full level. */
  private static final class Column extends ParquetValueWriters.PrimitiveWriter<Object> {
    Column(ColumnDescriptor desc) {
      super(desc);
    }

    ColumnWriter<Object> column() {
      return column;
    }
  }
}
