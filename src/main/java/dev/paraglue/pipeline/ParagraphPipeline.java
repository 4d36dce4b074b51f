package dev.paraglue.pipeline;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import dev.paraglue.source.DocumentInput;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.DocumentOutcome;
import dev.paraglue.text.ParagraphReader;
import dev.paraglue.text.RangeOutcome;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Dataset stages in order: plan read tasks → read/explode → (split summaries) → sort →
 * reassemble. Small documents are packed into few tasks; a large uncompressed document is read as
 * byte ranges by several tasks, whose range-local indexes and line numbers are made global once the
 * summaries are in. The exploded records are persisted once so that the summaries, the reassembly
 * and the table write all see the same rows; {@link #close()} releases them.
 */
public final class ParagraphPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ParagraphPipeline.class);

  /** Spark setting: bytes per range of a large document. */
  public static final String RANGE_BYTES = "spark.paraglue.rangeBytes";

  public static final long RANGE_BYTES_DEFAULT = 64L * 1024 * 1024;

  private final SparkSession spark;
  private final JavaSparkContext jsc;
  private final Broadcast<HadoopConf> conf;
  private final long maxParagraphBytes;
  private final long rangeBytes;
  private Dataset<ParagraphRecord> exploded;
  private final Map<String, DocumentSummary> summaries = new HashMap<>();
  private final List<String> rejected = new ArrayList<>();
  private final List<String> rangedDocs = new ArrayList<>();
  private Dataset<Row> rangeBases;

  public ParagraphPipeline(SparkSession spark, long maxParagraphBytes) {
    this.spark = spark;
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.conf = jsc.broadcast(new HadoopConf(spark.sparkContext().hadoopConfiguration()));
    this.maxParagraphBytes = maxParagraphBytes;
    this.rangeBytes =
        Math.max(
            ParagraphReader.MIN_RANGE_START,
            Long.parseLong(spark.conf().get(RANGE_BYTES, Long.toString(RANGE_BYTES_DEFAULT))));
  }

  /**
   * Read tasks for the documents: a document larger than two ranges that is not compressed is cut
   * into ranges of about {@code rangeBytes}; {@code .gz} (not splittable) is streamed whole.
   */
  static List<SourceDocument> readTasks(List<SourceDocument> documents, long rangeBytes) {
    List<SourceDocument> tasks = new ArrayList<>();
    for (SourceDocument d : documents) {
      long size = d.getSize();
      if (DocumentInput.compressed(d.getUri()) || size <= 2 * rangeBytes) {
        tasks.add(d);
        continue;
      }
      int count = (int) Math.min(Integer.MAX_VALUE, (size + rangeBytes - 1) / rangeBytes);
      for (int k = 0; k < count; k++) {
        long start = k * rangeBytes;
        tasks.add(d.slice(k, count, start, Math.min(size, start + rangeBytes)));
      }
    }
    return tasks;
  }

  /** Reads and splits the documents; returns each one's summary, by doc id. */
  public Map<String, DocumentSummary> explode(List<SourceDocument> documents) {
    List<SourceDocument> tasks = readTasks(documents, rangeBytes);
    List<List<SourceDocument>> bins =
        DocumentPacker.pack(
            tasks,
            jsc.defaultParallelism(),
            DocumentPacker.MAX_BIN_BYTES_DEFAULT,
            DocumentPacker.OPEN_COST_BYTES_DEFAULT);
    LOG.info(
        "Reading {} documents as {} read units in {} tasks",
        documents.size(),
        tasks.size(),
        bins.size());
    Dataset<SourceDocument> docs =
        spark.createDataset(
            jsc.parallelize(bins, Math.max(1, bins.size())).flatMap(List::iterator).rdd(),
            Encoders.bean(SourceDocument.class));
    exploded =
        ExplodeStage.explode(docs, conf, maxParagraphBytes).persist(StorageLevel.MEMORY_AND_DISK());
    Map<String, TreeMap<Integer, DocumentSummary>> ranges = new HashMap<>();
    for (ParagraphRecord t :
        exploded.filter(col("paragraphIndex").equalTo(ParagraphRecord.TRAILER)).collectAsList()) {
      DocumentSummary s = t.getSummary();
      if (s.getRangeCount() > 1) {
        ranges.computeIfAbsent(t.getDocId(), k -> new TreeMap<>()).put(s.getRangeIndex(), s);
      } else {
        summaries.put(t.getDocId(), s);
      }
    }
    List<Row> bases = new ArrayList<>();
    ranges.forEach((docId, byRange) -> summaries.put(docId, stitch(docId, byRange, bases)));
    if (!bases.isEmpty()) {
      rangeBases =
          spark.createDataFrame(
              bases,
              StructType.fromDDL("docId string, rangeIndex int, indexBase int, lineBase bigint"));
    }
    summaries.forEach(
        (docId, s) -> {
          if (!s.ok()) {
            rejected.add(docId);
          }
        });
    LOG.info(
        "Split {} documents ({} read as ranges): {} rejected",
        summaries.size(),
        rangedDocs.size(),
        rejected.size());
    return summaries;
  }

  /** Combines the ranges of one document into its summary, and records their offsets. */
  private DocumentSummary stitch(
      String docId, TreeMap<Integer, DocumentSummary> byRange, List<Row> bases) {
    DocumentSummary any = byRange.firstEntry().getValue();
    List<RangeOutcome> outcomes = new ArrayList<>();
    for (int k = 0; k < any.getRangeCount(); k++) {
      DocumentSummary s = byRange.get(k);
      if (s == null) {
        throw new IllegalStateException(
            "Cannot stitch "
                + docId
                + ": range "
                + k
                + " of "
                + any.getRangeCount()
                + " is missing");
      }
      outcomes.add(s.toRangeOutcome());
    }
    DocumentOutcome whole = RangeOutcome.combine(outcomes);
    List<Integer> indexBases = RangeOutcome.indexBases(outcomes);
    List<Long> lineBases = RangeOutcome.lineBases(outcomes);
    for (int k = 0; k < outcomes.size(); k++) {
      bases.add(RowFactory.create(docId, k, indexBases.get(k), lineBases.get(k)));
    }
    rangedDocs.add(docId);
    return DocumentSummary.of(whole);
  }

  /** The paragraphs of the documents that were split whole, minus {@code excluded}. */
  public Dataset<ParagraphRecord> paragraphs(Collection<String> excluded) {
    if (exploded == null) {
      return spark.emptyDataset(ExplodeStage.ENCODER);
    }
    return wholeDocuments(excluded).unionByName(rangedDocuments(excluded));
  }

  private Dataset<ParagraphRecord> accepted(Collection<String> excluded) {
    List<String> drop = new ArrayList<>(rejected);
    drop.addAll(excluded);
    Dataset<ParagraphRecord> p = exploded.filter(col("paragraphIndex").geq(0));
    return drop.isEmpty() ? p : p.filter(not(col("docId").isin(drop.toArray())));
  }

  private Dataset<ParagraphRecord> wholeDocuments(Collection<String> excluded) {
    Dataset<ParagraphRecord> p = accepted(excluded);
    return rangedDocs.isEmpty() ? p : p.filter(not(col("docId").isin(rangedDocs.toArray())));
  }

  /** Paragraphs of documents read as ranges, with global indexes and line numbers. */
  private Dataset<ParagraphRecord> rangedDocuments(Collection<String> excluded) {
    if (rangeBases == null) {
      return spark.emptyDataset(ExplodeStage.ENCODER);
    }
    Dataset<ParagraphRecord> p = accepted(excluded).filter(col("docId").isin(rangedDocs.toArray()));
    Dataset<Row> joined =
        p.join(
            broadcast(rangeBases),
            scala.collection.JavaConverters.asScalaBuffer(List.of("docId", "rangeIndex")).toSeq());
    return joined
        .withColumn("paragraphIndex", col("paragraphIndex").plus(col("indexBase")))
        .withColumn("lineNumber", col("lineNumber").plus(col("lineBase")))
        .drop("indexBase", "lineBase")
        .as(ExplodeStage.ENCODER);
  }

  /** Sorts the accepted paragraphs and streams each document into its staged object. */
  public Map<String, WrittenDocument> reassemble(StagedOutput writer) {
    Map<String, WrittenDocument> written = new HashMap<>();
    List<Dataset<WrittenDocument>> parts = new ArrayList<>();
    parts.add(
        ReassembleStage.reassemble(SortStage.sort(wholeDocuments(List.of()), false), writer, conf));
    if (rangeBases != null) {
      parts.add(
          ReassembleStage.reassemble(
              SortStage.sort(rangedDocuments(List.of()), true), writer, conf));
    }
    for (Dataset<WrittenDocument> part : parts) {
      for (WrittenDocument w : part.collectAsList()) {
        written.put(w.getDocId(), w);
      }
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
