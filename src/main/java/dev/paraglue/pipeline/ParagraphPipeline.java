package dev.paraglue.pipeline;

import dev.paraglue.source.DocumentInput;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.ParagraphReader;
import dev.paraglue.text.RangeOutcome;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Dataset stages in order. Documents become read units (small ones packed into few tasks, a
 * large uncompressed one cut into byte ranges); pass 1 ({@link ValidateStage}) validates every unit
 * and yields its digest; pass 2 ({@link ExplodeStage}) emits the rows of accepted documents and
 * streams their reassembled documents in index order, checking both against pass 1. Pass 2 is lazy:
 * the table commit runs it. Ranged documents' parts are joined afterwards ({@link
 * #rangedDocuments}).
 */
public final class ParagraphPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ParagraphPipeline.class);

  /** Spark setting: bytes per range of a large document. */
  public static final String RANGE_BYTES = "spark.paraglue.rangeBytes";

  public static final long RANGE_BYTES_DEFAULT = 64L * 1024 * 1024;

  /** Spark setting: what opening one object costs, in bytes, when packing small documents. */
  public static final String OPEN_COST_BYTES = "spark.paraglue.openCostBytes";

  private final SparkSession spark;
  private final JavaSparkContext jsc;
  private final Broadcast<HadoopConf> conf;
  private final long maxParagraphBytes;
  private final long rangeBytes;
  private final long openCostBytes;
  private final Map<String, DocumentSummary> unitSummaries = new HashMap<>();
  private final Map<String, Integer> rangeCounts = new HashMap<>();
  private List<SourceDocument> units = List.of();
  private Broadcast<Map<String, DocumentSummary>> expected;

  public ParagraphPipeline(SparkSession spark, long maxParagraphBytes) {
    this.spark = spark;
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.conf = jsc.broadcast(new HadoopConf(spark.sparkContext().hadoopConfiguration()));
    this.maxParagraphBytes = maxParagraphBytes;
    this.rangeBytes =
        Math.max(ParagraphReader.MIN_RANGE_START, setting(RANGE_BYTES, RANGE_BYTES_DEFAULT));
    this.openCostBytes = setting(OPEN_COST_BYTES, DocumentPacker.OPEN_COST_BYTES_DEFAULT);
  }

  private long setting(String key, long dflt) {
    return Long.parseLong(spark.conf().get(key, Long.toString(dflt)));
  }

  /**
   * Read units for the documents: a document larger than two ranges that is not compressed is cut
   * into ranges of about {@code rangeBytes}; {@code .gz} (not splittable) is streamed whole.
   */
  static List<SourceDocument> readUnits(List<SourceDocument> documents, long rangeBytes) {
    List<SourceDocument> out = new ArrayList<>();
    for (SourceDocument d : documents) {
      long size = d.getSize();
      if (DocumentInput.compressed(d.getUri()) || size <= 2 * rangeBytes) {
        out.add(d);
        continue;
      }
      int count = (int) Math.min(Integer.MAX_VALUE, (size + rangeBytes - 1) / rangeBytes);
      for (int k = 0; k < count; k++) {
        long start = k * rangeBytes;
        out.add(d.slice(k, count, start, Math.min(size, start + rangeBytes)));
      }
    }
    return out;
  }

  private Dataset<SourceDocument> dataset(List<SourceDocument> list) {
    List<List<SourceDocument>> bins =
        DocumentPacker.pack(
            list, jsc.defaultParallelism(), DocumentPacker.MAX_BIN_BYTES_DEFAULT, openCostBytes);
    LOG.info("{} read units in {} tasks", list.size(), bins.size());
    return spark.createDataset(
        jsc.parallelize(bins, Math.max(1, bins.size())).flatMap(List::iterator).rdd(),
        Encoders.bean(SourceDocument.class));
  }

  /** Pass 1: validates the documents; returns each one's summary, by doc id. */
  public Map<String, DocumentSummary> validate(List<SourceDocument> documents) {
    units = readUnits(documents, rangeBytes);
    LOG.info("Validating {} documents as {} read units", documents.size(), units.size());
    Map<String, TreeMap<Integer, DocumentSummary>> ranges = new HashMap<>();
    Map<String, DocumentSummary> summaries = new HashMap<>();
    for (DocumentSummary s :
        ValidateStage.validate(dataset(units), conf, maxParagraphBytes).collectAsList()) {
      unitSummaries.put(ReadUnits.keyOf(s), s);
      if (s.getRangeCount() > 1) {
        ranges.computeIfAbsent(s.getDocId(), k -> new TreeMap<>()).put(s.getRangeIndex(), s);
      } else {
        summaries.put(s.getDocId(), s);
      }
    }
    ranges.forEach((docId, byRange) -> summaries.put(docId, stitch(docId, byRange)));
    long rejected = summaries.values().stream().filter(s -> !s.ok()).count();
    LOG.info(
        "Validated {} documents ({} in byte ranges): {} rejected",
        summaries.size(),
        ranges.size(),
        rejected);
    return summaries;
  }

  /** Combines the ranges of one document into its summary, and gives each range its offsets. */
  private DocumentSummary stitch(String docId, TreeMap<Integer, DocumentSummary> byRange) {
    int count = byRange.firstEntry().getValue().getRangeCount();
    List<DocumentSummary> ordered = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      DocumentSummary s = byRange.get(k);
      if (s == null) {
        throw new IllegalStateException(
            "Cannot stitch " + docId + ": range " + k + " of " + count + " is missing");
      }
      ordered.add(s);
    }
    rangeCounts.put(docId, count);
    DocumentSummary s = DocumentSummary.of(RangeOutcome.combine(assignOffsets(ordered)));
    s.setDocId(docId);
    return s;
  }

  /** Sets each range's index and line offsets from the ranges before it; returns the outcomes. */
  static List<RangeOutcome> assignOffsets(List<DocumentSummary> ranges) {
    List<RangeOutcome> outcomes = new ArrayList<>();
    for (DocumentSummary s : ranges) {
      outcomes.add(s.toRangeOutcome());
    }
    List<Integer> indexBases = RangeOutcome.indexBases(outcomes);
    List<Long> lineBases = RangeOutcome.lineBases(outcomes);
    for (int k = 0; k < ranges.size(); k++) {
      ranges.get(k).setIndexBase(indexBases.get(k));
      ranges.get(k).setLineBase(lineBases.get(k));
    }
    return outcomes;
  }

  /**
   * Pass 2, lazily: the paragraph rows of the accepted documents (table columns, partition values
   * as strings); evaluating them writes each document's staged output.
   */
  public Dataset<Row> explode(
      Collection<String> accepted, StagedOutput output, String runId, int partitionColumns) {
    Set<String> keep = new HashSet<>(accepted);
    List<SourceDocument> chosen = units.stream().filter(u -> keep.contains(u.getDocId())).toList();
    if (expected == null) {
      expected = jsc.broadcast(unitSummaries);
    }
    return ExplodeStage.explode(
        dataset(chosen), conf, expected, output, runId, partitionColumns, maxParagraphBytes);
  }

  /** Documents of this run read in byte ranges, with their number of ranges. */
  public Map<String, Integer> rangedDocuments() {
    return rangeCounts;
  }

  @Override
  public void close() {
    conf.destroy();
    if (expected != null) {
      expected.destroy();
    }
  }
}
