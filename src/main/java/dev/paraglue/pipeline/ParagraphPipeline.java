package dev.paraglue.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import dev.paraglue.source.SourceDocument;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Dataset stages in order: pack → read/explode → (split summaries) → sort → reassemble. The
 * exploded records are persisted once so that the summaries, the reassembly and the table write all
 * see the same rows; {@link #close()} releases them.
 */
public final class ParagraphPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ParagraphPipeline.class);

  private final SparkSession spark;
  private final JavaSparkContext jsc;
  private final Broadcast<HadoopConf> conf;
  private final long maxParagraphBytes;
  private Dataset<ParagraphRecord> exploded;
  private final Map<String, DocumentSummary> summaries = new HashMap<>();
  private final List<String> rejected = new ArrayList<>();

  public ParagraphPipeline(SparkSession spark, long maxParagraphBytes) {
    this.spark = spark;
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.conf = jsc.broadcast(new HadoopConf(spark.sparkContext().hadoopConfiguration()));
    this.maxParagraphBytes = maxParagraphBytes;
  }

  /** Reads and splits the documents; returns each one's summary, by doc id. */
  public Map<String, DocumentSummary> explode(List<SourceDocument> documents) {
    List<List<SourceDocument>> bins =
        DocumentPacker.pack(
            documents,
            jsc.defaultParallelism(),
            DocumentPacker.MAX_BIN_BYTES_DEFAULT,
            DocumentPacker.OPEN_COST_BYTES_DEFAULT);
    LOG.info("Reading {} documents in {} tasks", documents.size(), bins.size());
    Dataset<SourceDocument> docs =
        spark.createDataset(
            jsc.parallelize(bins, Math.max(1, bins.size())).flatMap(List::iterator).rdd(),
            Encoders.bean(SourceDocument.class));
    exploded =
        ExplodeStage.explode(docs, conf, maxParagraphBytes).persist(StorageLevel.MEMORY_AND_DISK());
    for (ParagraphRecord t :
        exploded.filter(col("paragraphIndex").equalTo(ParagraphRecord.TRAILER)).collectAsList()) {
      summaries.put(t.getDocId(), t.getSummary());
      if (!t.getSummary().ok()) {
        rejected.add(t.getDocId());
      }
    }
    LOG.info("Split {} documents: {} rejected", summaries.size(), rejected.size());
    return summaries;
  }

  /** The paragraphs of the documents that were split whole, minus {@code excluded}. */
  public Dataset<ParagraphRecord> paragraphs(Collection<String> excluded) {
    if (exploded == null) {
      throw new IllegalStateException("Cannot select paragraphs before explode");
    }
    List<String> drop = new ArrayList<>(rejected);
    drop.addAll(excluded);
    Dataset<ParagraphRecord> p = exploded.filter(col("paragraphIndex").geq(0));
    return drop.isEmpty() ? p : p.filter(not(col("docId").isin(drop.toArray())));
  }

  /**
   * Like {@link #paragraphs}, but an empty Dataset when nothing was exploded (a run that only
   * withdraws refused documents).
   */
  public Dataset<ParagraphRecord> paragraphsOrEmpty(Collection<String> excluded) {
    return exploded == null ? spark.emptyDataset(ExplodeStage.ENCODER) : paragraphs(excluded);
  }

  /** Sorts the accepted paragraphs and streams each document into its staged object. */
  public Map<String, WrittenDocument> reassemble(StagedOutput writer) {
    Map<String, WrittenDocument> written = new HashMap<>();
    for (WrittenDocument w :
        ReassembleStage.reassemble(SortStage.sort(paragraphs(List.of()), false), writer, conf)
            .collectAsList()) {
      written.put(w.getDocId(), w);
    }
    LOG.info("Reassembled {} documents", written.size());
    return written;
  }

  @Override
  public void close() {
    if (exploded != null) {
      exploded.unpersist();
    }
    conf.destroy();
  }
}
