package dev.paraglue.pipeline;

import dev.paraglue.source.DocumentInput;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.ParagraphReader;
import dev.paraglue.text.RangeOutcome;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Dataset stages in order. Documents become read units (small ones packed into few tasks, a
 * large uncompressed one cut into byte ranges). Byte ranges need a first pass ({@link
 * ValidateStage}, {@link #validate}) for the paragraph counts before them; then {@link
 * ExplodeStage} ({@link #explode}) emits the rows of every accepted unit and writes its reassembly
 * in index order: ranges checked against pass 1, whole documents validated as they are read. The
 * explode is lazy: the table commit runs it, and {@link #summaries} afterwards says what it found.
 * Ranged documents' parts are joined afterwards ({@link #rangedDocuments}).
 */
public final class ParagraphPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ParagraphPipeline.class);

  /** Spark setting: bytes per range of a large document. */
  public static final String RANGE_BYTES = "spark.paraglue.rangeBytes";

  public static final long RANGE_BYTES_DEFAULT = 64L * 1024 * 1024;

  /**
   * Spark setting: paragraph bytes a task may hold to read a whole document once; a larger one is
   * read twice (validated, then emitted).
   */
  public static final String BUFFER_BYTES = "spark.paraglue.bufferBytes";

  public static final long BUFFER_BYTES_DEFAULT = 16L * 1024 * 1024;

  /** Spark setting: what opening one object costs, in bytes, when packing small documents. */
  public static final String OPEN_COST_BYTES = "spark.paraglue.openCostBytes";

  private final SparkSession spark;
  private final JavaSparkContext jsc;
  private final Broadcast<HadoopConf> conf;
  private final long maxParagraphBytes;
  private final long rangeBytes;
  private final long openCostBytes;
  private final long bufferBytes;
  private final CollectionAccumulator<DocumentSummary> found;
  private final Map<String, DocumentSummary> unitSummaries = new HashMap<>();
  private final Map<String, DocumentSummary> rangedSummaries = new HashMap<>();
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
    this.bufferBytes = setting(BUFFER_BYTES, BUFFER_BYTES_DEFAULT);
    this.found = spark.sparkContext().collectionAccumulator("paraglue documents found");
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

  /**
   * Cuts the documents into read units and runs pass 1 over the byte ranges of large documents;
   * returns the summaries of those documents, by doc id. Whole documents are not read here.
   */
  public Map<String, DocumentSummary> validate(List<SourceDocument> documents) {
    units = readUnits(documents, rangeBytes);
    List<SourceDocument> ranged = units.stream().filter(SourceDocument::ranged).toList();
    if (ranged.isEmpty()) {
      return Map.of();
    }
    LOG.info("Validating {} byte ranges of large documents", ranged.size());
    Map<String, TreeMap<Integer, DocumentSummary>> ranges = new HashMap<>();
    for (DocumentSummary s :
        ValidateStage.validate(dataset(ranged), conf, maxParagraphBytes).collectAsList()) {
      unitSummaries.put(ReadUnits.keyOf(s), s);
      ranges.computeIfAbsent(s.getDocId(), k -> new TreeMap<>()).put(s.getRangeIndex(), s);
    }
    ranges.forEach((docId, byRange) -> rangedSummaries.put(docId, stitch(docId, byRange)));
    long rejected = rangedSummaries.values().stream().filter(s -> !s.ok()).count();
    LOG.info("Validated {} documents in byte ranges: {} rejected", ranges.size(), rejected);
    return Map.copyOf(rangedSummaries);
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
   * Lazily, the paragraph rows of the accepted documents (table columns, partition values as
   * strings); evaluating them writes each document's staged output and records what was found in
   * each whole document ({@link #summaries}).
   */
  public Dataset<Row> explode(StagedOutput output, String runId, int partitionColumns) {
    List<SourceDocument> chosen =
        units.stream().filter(u -> !u.ranged() || rangedSummaries.get(u.getDocId()).ok()).toList();
    if (expected == null) {
      expected = jsc.broadcast(unitSummaries);
    }
    return ExplodeStage.explode(
        dataset(chosen),
        new ExplodeStage.Context(
            conf, expected, found, output, runId, maxParagraphBytes, bufferBytes),
        partitionColumns);
  }

  /**
   * Forgets what an earlier evaluation of {@link #explode} found (before it is evaluated again).
   */
  public void startExplode() {
    found.reset();
  }

  /**
   * The summary of every document read, by doc id, once the rows of {@link #explode} have been
   * evaluated. A document read more than once (a recomputed task) must have been found the same.
   */
  public Map<String, DocumentSummary> summaries() {
    Map<String, DocumentSummary> out = new HashMap<>(rangedSummaries);
    for (DocumentSummary s : found.value()) {
      DocumentSummary before = out.putIfAbsent(s.getDocId(), s);
      if (before != null && !before.sameFindings(s)) {
        // After the table commit: not a "nothing committed" check failure. The ledger is not
        // written, so the next run reads the document again.
        throw new IllegalStateException(
            "Cannot record document "
                + s.getDocId()
                + ": two reads of it disagree (it changed while read); rerun the job");
      }
    }
    long rejected = out.values().stream().filter(s -> !s.ok()).count();
    LOG.info("Read {} documents: {} rejected", out.size(), rejected);
    return out;
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
