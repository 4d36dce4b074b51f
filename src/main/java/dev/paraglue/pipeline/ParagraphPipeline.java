package dev.paraglue.pipeline;

import dev.paraglue.source.DocumentInput;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.ParagraphReader;
import dev.paraglue.text.RangeOutcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
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
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Dataset stages in order. Documents become read units (small ones packed into few tasks, a
 * large one cut into byte ranges; for bzip2, ranges of its compressed bytes). Byte ranges need a
 * first pass ({@link ValidateStage}, {@link #validate}) for the paragraph counts before them; then
 * {@link ExplodeStage} ({@link #write}) hands the rows of every accepted unit to a sink (the
 * table's data files) and writes its reassembly in index order: ranges checked against pass 1,
 * whole documents validated as they are read; {@link #summaries} afterwards says what it found.
 * Ranged documents' parts are joined afterwards ({@link #rangedDocuments}).
 */
public final class ParagraphPipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ParagraphPipeline.class);

  /**
   * The sizes that shape a run's tasks (the job's {@code spark.paraglue.*} settings, validated
   * there): bytes per range of a large document and of a large bzip2 document, paragraph bytes a
   * task may hold to read a whole document once, what opening one object costs when packing, and
   * the stored bytes up to which the documents of a write are read on the driver, without a Spark
   * job (0: always in a Spark job).
   */
  public record Sizes(
      long rangeBytes,
      long bzip2RangeBytes,
      long bufferBytes,
      long openCostBytes,
      int readAhead,
      long readAheadBytes,
      long driverReadBytes) {}

  private final SparkSession spark;
  private final JavaSparkContext jsc;
  private final Broadcast<HadoopConf> conf;
  private final long maxParagraphBytes;
  private final long rangeBytes;
  private final long bzip2RangeBytes;
  private final long openCostBytes;
  private final long bufferBytes;
  private final int readAhead;
  private final long readAheadBytes;
  private final long driverReadBytes;
  private final CollectionAccumulator<DocumentSummary> found;
  private final Map<String, DocumentSummary> unitSummaries = new HashMap<>();
  private final Map<String, DocumentSummary> rangedSummaries = new HashMap<>();
  private final Map<String, Integer> rangeCounts = new HashMap<>();
  private List<SourceDocument> units = List.of();
  private Broadcast<Map<String, DocumentSummary>> expected;

  public ParagraphPipeline(SparkSession spark, long maxParagraphBytes, Sizes sizes) {
    this.spark = spark;
    this.jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.conf = jsc.broadcast(new HadoopConf(spark.sparkContext().hadoopConfiguration()));
    this.maxParagraphBytes = maxParagraphBytes;
    this.rangeBytes = Math.max(ParagraphReader.MIN_RANGE_START, sizes.rangeBytes());
    this.bzip2RangeBytes = Math.max(1, sizes.bzip2RangeBytes());
    this.openCostBytes = sizes.openCostBytes();
    this.bufferBytes = sizes.bufferBytes();
    this.readAhead = sizes.readAhead();
    this.readAheadBytes = sizes.readAheadBytes();
    this.driverReadBytes = sizes.driverReadBytes();
    this.found = spark.sparkContext().collectionAccumulator("paraglue documents found");
  }

  /**
   * Read units for the documents: a document larger than two ranges is cut into ranges of {@code
   * rangeBytes}, or for {@code .bz2} of {@code bzip2RangeBytes} compressed bytes; {@code .gz} (not
   * splittable) is streamed whole, and so is a document in another charset than UTF-8 (a multi-byte
   * charset such as GB18030 cannot find a character boundary from the middle).
   */
  static List<SourceDocument> readUnits(
      List<SourceDocument> documents, long rangeBytes, long bzip2RangeBytes) {
    List<SourceDocument> out = new ArrayList<>();
    for (SourceDocument d : documents) {
      long size = d.getSize();
      boolean bzip2 = d.getUri().endsWith(".bz2");
      long unit = bzip2 ? bzip2RangeBytes : rangeBytes;
      if ((DocumentInput.compressed(d.getUri()) && !bzip2) || size <= 2 * unit || !d.utf8()) {
        out.add(d);
        continue;
      }
      int count = (int) Math.min(Integer.MAX_VALUE, (size + unit - 1) / unit);
      for (int k = 0; k < count; k++) {
        long start = k * unit;
        out.add(d.slice(k, count, start, Math.min(size, start + unit)));
      }
    }
    return out;
  }

  /**
   * The units packed into tasks; in each task ordered by partition values, so that a task writes
   * the files of one table partition after another.
   */
  private Dataset<SourceDocument> dataset(List<SourceDocument> list) {
    List<List<SourceDocument>> bins = new ArrayList<>();
    for (List<SourceDocument> bin :
        DocumentPacker.pack(
            list, jsc.defaultParallelism(), DocumentPacker.MAX_BIN_BYTES_DEFAULT, openCostBytes)) {
      List<SourceDocument> sorted = new ArrayList<>(bin);
      sorted.sort(BY_PARTITION);
      bins.add(sorted);
    }
    LOG.info("{} read units in {} tasks", list.size(), bins.size());
    return spark.createDataset(
        jsc.parallelize(bins, Math.max(1, bins.size())).flatMap(List::iterator).rdd(),
        Encoders.bean(SourceDocument.class));
  }

  /**
   * Cuts the documents into read units and runs pass 1 over the byte ranges of large documents;
   * returns the summaries of those documents, by doc id. Whole documents are not read here. A bzip2
   * document whose ranges cannot be trusted to tile it ({@link Bzip2Ranges#place}) is read whole
   * instead.
   */
  public Map<String, DocumentSummary> validate(List<SourceDocument> documents) {
    units = readUnits(documents, rangeBytes, bzip2RangeBytes);
    List<SourceDocument> ranged = units.stream().filter(SourceDocument::ranged).toList();
    if (ranged.isEmpty()) {
      return Map.of();
    }
    LOG.info("Validating {} byte ranges of large documents", ranged.size());
    Map<String, TreeMap<Integer, DocumentSummary>> ranges = new HashMap<>();
    for (DocumentSummary s :
        ValidateStage.validate(dataset(ranged), conf, maxParagraphBytes).collectAsList()) {
      ranges.computeIfAbsent(s.getDocId(), k -> new TreeMap<>()).put(s.getRangeIndex(), s);
    }
    Set<String> bzip2 = new HashSet<>();
    ranged.stream().filter(SourceDocument::bzip2Range).forEach(u -> bzip2.add(u.getDocId()));
    Set<String> readWhole = new HashSet<>();
    ranges.forEach(
        (docId, byRange) -> {
          List<DocumentSummary> ordered = ordered(docId, byRange);
          if (bzip2.contains(docId) && !Bzip2Ranges.place(ordered)) {
            readWhole.add(docId);
            return;
          }
          ordered.forEach(s -> unitSummaries.put(ReadUnits.keyOf(s), s));
          rangeCounts.put(docId, ordered.size());
          rangedSummaries.put(docId, stitch(docId, ordered));
        });
    if (!readWhole.isEmpty()) {
      LOG.warn(
          "{} bzip2 documents will be read whole: a range could not be decoded, or neighbouring"
              + " ranges disagree on where a block starts",
          readWhole.size());
    }
    units = placeRanges(documents, readWhole);
    long rejected = rangedSummaries.values().stream().filter(s -> !s.ok()).count();
    LOG.info(
        "Validated {} documents in byte ranges: {} rejected", rangedSummaries.size(), rejected);
    return Map.copyOf(rangedSummaries);
  }

  /**
   * The read units for the explode: bzip2 ranges told where their text starts, and the documents in
   * {@code readWhole} back to one unit each.
   */
  private List<SourceDocument> placeRanges(List<SourceDocument> documents, Set<String> readWhole) {
    Map<String, SourceDocument> byId = new HashMap<>();
    documents.forEach(d -> byId.put(d.getDocId(), d));
    List<SourceDocument> out = new ArrayList<>();
    for (SourceDocument u : units) {
      if (readWhole.contains(u.getDocId())) {
        if (u.getRangeIndex() == 0) {
          out.add(byId.get(u.getDocId()));
        }
      } else if (u.bzip2Range()) {
        out.add(u.placed(unitSummaries.get(ReadUnits.key(u)).getTextStart()));
      } else {
        out.add(u);
      }
    }
    return out;
  }

  /** The ranges of one document, in order. */
  private static List<DocumentSummary> ordered(
      String docId, TreeMap<Integer, DocumentSummary> byRange) {
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
    return ordered;
  }

  /** Combines the ranges of one document into its summary, and gives each range its offsets. */
  private static DocumentSummary stitch(String docId, List<DocumentSummary> ordered) {
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

  /** Partition values in order, a missing value first. */
  private static final Comparator<SourceDocument> BY_PARTITION =
      Comparator.comparing(
          SourceDocument::getPartitionValues,
          (a, b) -> {
            Comparator<String> values = Comparator.nullsFirst(Comparator.naturalOrder());
            for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
              int c = values.compare(a.get(i), b.get(i));
              if (c != 0) {
                return c;
              }
            }
            return Integer.compare(a.size(), b.size());
          });

  /**
   * Reads the accepted documents, writes their paragraph rows to {@code sink} and each document's
   * staged output, and returns what the tasks' writers handed back; {@link #summaries} then says
   * what was found in each whole document (over every write: a document read again, by a recomputed
   * task or a second write, must be found the same).
   */
  public <F> List<F> write(StagedOutput output, ParagraphSink<F> sink) {
    List<SourceDocument> accepted =
        units.stream().filter(u -> !u.ranged() || rangedSummaries.get(u.getDocId()).ok()).toList();
    long bytes = accepted.stream().mapToLong(ParagraphPipeline::storedBytes).sum();
    if (driverReadBytes <= 0 || bytes > driverReadBytes) { // 0: always a Spark job, retried
      return ExplodeStage.write(dataset(accepted), context(output), sink).collect();
    }
    // A small write: the same work as one task, here, without a Spark job's fixed cost.
    List<SourceDocument> sorted = new ArrayList<>(accepted);
    sorted.sort(BY_PARTITION);
    LOG.info("{} read units of {} bytes on the driver", sorted.size(), bytes);
    try {
      return ExplodeStage.writeHere(sorted, context(output), sink);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write paragraphs: " + e.getMessage(), e);
    }
  }

  /** The stored bytes a unit reads: its range, or the whole object. */
  private static long storedBytes(SourceDocument u) {
    return u.ranged() ? u.getRangeEnd() - u.getRangeStart() : u.getSize();
  }

  private ExplodeStage.Context context(StagedOutput output) {
    if (expected == null) {
      expected = jsc.broadcast(unitSummaries);
    }
    return new ExplodeStage.Context(
        conf, expected, found, output, maxParagraphBytes, bufferBytes, readAhead, readAheadBytes);
  }

  /**
   * The summary of every document read, by doc id, once {@link #write} has run. A document read
   * more than once must have been found the same.
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
