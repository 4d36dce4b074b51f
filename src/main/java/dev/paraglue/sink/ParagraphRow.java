package dev.paraglue.sink;

import org.apache.iceberg.shaded.org.apache.parquet.io.api.Binary;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;

/**
 * One paragraph row as {@link ParagraphParquet} writes it: the paragraph table's own columns as
 * Parquet values, and the table's other columns (the source's partition columns, and any a user
 * added) as Spark internal values. A task reuses one for all its rows; fields are set in place.
 */
final class ParagraphRow {
  Binary docId;
  int paragraphIndex;
  Binary text;
  long lineNumber;
  long byteOffset;
  int byteLength;
  int charCount;
  Binary runId;

  /** The other columns, in the table's order; null when the table has none. */
  final GenericInternalRow others;

  ParagraphRow(int otherColumns) {
    this.others = otherColumns == 0 ? null : new GenericInternalRow(otherColumns);
  }
}
