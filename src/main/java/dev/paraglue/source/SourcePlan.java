package dev.paraglue.source;

import dev.paraglue.text.Rejection;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.StructField;

/**
 * What a run will read: the listed documents, the partition columns they carry (from the source
 * table, in order), and the documents refused before reading (missing from a manifest, or sharing
 * an output key), with their rejections; and how much of the job's own output the listing left out:
 * objects it saw or a manifest named, and folders it walked around without listing them; and, with
 * {@code --remove_missing}, where documents whose source is gone are looked for.
 */
public record SourcePlan(
    List<SourceDocument> documents,
    List<StructField> partitionColumns,
    Map<SourceDocument, Rejection> refused,
    long ownOutputSkipped,
    long ownOutputPruned,
    RemovalScope removal) {

  public int listed() {
    return documents.size() + refused.size();
  }
}
