package dev.paraglue.job;

import dev.paraglue.pipeline.ParagraphRecord;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/** Test access to JobRunner's package-private stage helpers. */
public final class JobRunnerAccess {
  private JobRunnerAccess() {}

  public static Dataset<Row> tableRows(
      Dataset<ParagraphRecord> paragraphs,
      List<String> excluded,
      String runId,
      List<StructField> partitionColumns) {
    return JobRunner.tableRows(paragraphs, excluded, runId, partitionColumns);
  }
}
