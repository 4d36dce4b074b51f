package dev.paraglue.pipeline;

import dev.paraglue.source.SourceDocument;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;

/**
 * Pass 1 over the byte ranges of large documents: streams every range through the splitter without
 * keeping its paragraphs, and yields one {@link DocumentSummary} per unit: the digest of what it
 * holds, or its rejection. Nothing is written; the summaries decide what the explode emits, and
 * from where its indexes count.
 */
public final class ValidateStage {
  public static final Encoder<DocumentSummary> ENCODER = Encoders.bean(DocumentSummary.class);

  private ValidateStage() {}

  public static Dataset<DocumentSummary> validate(
      Dataset<SourceDocument> units, Broadcast<HadoopConf> conf, long maxParagraphBytes) {
    return units.map(
        (MapFunction<SourceDocument, DocumentSummary>)
            doc -> summarize(doc, conf.value(), maxParagraphBytes),
        ENCODER);
  }

  static DocumentSummary summarize(SourceDocument doc, HadoopConf conf, long maxParagraphBytes) {
    return ReadUnits.readThrough(doc, conf.get(), maxParagraphBytes, p -> {});
  }
}
