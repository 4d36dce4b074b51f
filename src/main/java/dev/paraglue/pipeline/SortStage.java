package dev.paraglue.pipeline;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;

/** Sort: brings each document's paragraphs together in index order. */
public final class SortStage {
  private SortStage() {}

  /**
   * Sorts paragraphs by document and index. When every document was exploded by one task its
   * records already share a partition, and a local sort suffices; otherwise documents are first
   * gathered by a shuffle on {@code docId}.
   */
  public static Dataset<ParagraphRecord> sort(
      Dataset<ParagraphRecord> paragraphs, boolean documentsSpanPartitions) {
    Dataset<ParagraphRecord> gathered =
        documentsSpanPartitions ? paragraphs.repartition(col("docId")) : paragraphs;
    return gathered.sortWithinPartitions(col("docId"), col("paragraphIndex"));
  }
}
