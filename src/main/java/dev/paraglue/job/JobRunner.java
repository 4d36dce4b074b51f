package dev.paraglue.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import dev.paraglue.pipeline.DocumentPacker;
import dev.paraglue.pipeline.DocumentSummary;
import dev.paraglue.pipeline.ExplodeStage;
import dev.paraglue.pipeline.HadoopConf;
import dev.paraglue.pipeline.ParagraphRecord;
import dev.paraglue.pipeline.ReassembleStage;
import dev.paraglue.pipeline.SortStage;
import dev.paraglue.pipeline.Verification;
import dev.paraglue.pipeline.WrittenDocument;
import dev.paraglue.sink.DocumentWriter;
import dev.paraglue.sink.IcebergTables;
import dev.paraglue.sink.RunReport;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.source.SourcePlan;
import dev.paraglue.source.SourceResolver;
import dev.paraglue.text.DocumentDigest;
import dev.paraglue.text.Rejection;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the job on a session: arguments, then sources, pipeline, sinks and report, in that order.
 * Maps every failure to an exit code and a one-line reason; nothing below calls System.exit.
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  private final SparkSession spark;

  public JobRunner(SparkSession spark) {
    this.spark = spark;
  }

  public RunResult run(String... argv) {
    Instant start = Instant.now();
    JobArguments args;
    try {
      args = JobArguments.parse(argv);
    } catch (IllegalArgumentException e) {
      return new RunResult(RunResult.BAD_INPUT, e.getMessage(), Optional.empty());
    }
    String runId = args.jobRunId().orElseGet(() -> newRunId(start));
    RunReport report = new RunReport(runId, args.jobName().orElse("paraglue"), start);
    int code;
    String message;
    try {
      execute(args, report);
      code = RunResult.SUCCEEDED;
      message = "";
    } catch (IllegalArgumentException e) {
      code = RunResult.BAD_INPUT;
      message = oneLine(e);
    } catch (JobFailedException e) {
      code = RunResult.FAILED;
      message = e.getMessage();
    } catch (RuntimeException e) {
      LOG.error("Run {} failed", runId, e);
      code = RunResult.FAILED;
      message = "Run " + runId + " failed: " + oneLine(e);
    }
    report.finish(code == 0 ? "succeeded" : "failed", code == 0 ? null : message, Instant.now());
    try {
      String uri = report.write(args.outputPath(), hadoopConf());
      LOG.info("Run {} {}: report at {}", runId, report.status(), uri);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot write run report for {}: {}", runId, e.toString());
    }
    return new RunResult(code, message, Optional.of(report));
  }

  private static String newRunId(Instant start) {
    return "local-"
        + RUN_ID_TIME.format(start)
        + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
  }

  /** First line of an exception's message, with Spark's error class prefix kept. */
  static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.lines().findFirst().orElse(m).strip();
  }

  private Configuration hadoopConf() {
    return spark.sparkContext().hadoopConfiguration();
  }

  private <T> T stage(RunReport report, String name, Supplier<T> body) {
    spark.sparkContext().setJobDescription("paraglue " + report.runId() + ": " + name);
    Instant t0 = Instant.now();
    try {
      return body.get();
    } finally {
      report.stage(name, Duration.between(t0, Instant.now()));
      spark.sparkContext().setJobDescription(null);
    }
  }

  private void execute(JobArguments args, RunReport report) {
    String runId = report.runId();
    LOG.info("Run {} starting", runId);
    SourcePlan plan = stage(report, "resolve", () -> new SourceResolver(spark).resolve(args));
    report.count("listed", plan.listed());

    IcebergTables tables = new IcebergTables(spark);
    stage(
        report,
        "tables",
        () -> {
          tables.ensureParagraphTable(args.paragraphTable(), plan.partitionColumns());
          tables.ensureDocumentsTable(args.documentsTable());
          return null;
        });

    List<SourceDocument> toProcess = new ArrayList<>();
    Map<SourceDocument, Rejection> refused = new LinkedHashMap<>(plan.refused());
    long skipped = 0;
    Map<String, Row> ledger =
        args.incremental()
            ? stage(report, "ledger", () -> tables.ledger(args.documentsTable()))
            : Map.of();
    for (SourceDocument d : plan.documents()) {
      if (unchanged(d, ledger.get(d.getDocId()))) {
        skipped++;
      } else {
        toProcess.add(d);
      }
    }
    report.count("skipped_unchanged", skipped);
    LOG.info(
        "Run {}: {} listed, {} unchanged, {} to read, {} refused before reading",
        runId,
        plan.listed(),
        skipped,
        toProcess.size(),
        refused.size());

    Configuration conf = hadoopConf();
    DocumentWriter writer = new DocumentWriter(args.outputPath(), runId);
    List<Row> ledgerRows = new ArrayList<>();
    Timestamp now = new Timestamp(System.currentTimeMillis());
    for (Map.Entry<SourceDocument, Rejection> r : refused.entrySet()) {
      ledgerRows.add(
          ledgerRow(r.getKey(), DocumentSummary.rejected(r.getValue()), null, runId, now));
      reportRejected(report, r.getKey(), DocumentSummary.rejected(r.getValue()));
    }

    Map<String, SourceDocument> byId = new HashMap<>();
    toProcess.forEach(d -> byId.put(d.getDocId(), d));
    List<String> verified = new ArrayList<>();
    List<String> rejectedIds = new ArrayList<>();
    Dataset<ParagraphRecord> exploded = null;
    try {
      if (!toProcess.isEmpty()) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<HadoopConf> bconf = jsc.broadcast(new HadoopConf(conf));
        List<List<SourceDocument>> bins =
            DocumentPacker.pack(
                toProcess,
                jsc.defaultParallelism(),
                DocumentPacker.MAX_BIN_BYTES_DEFAULT,
                DocumentPacker.OPEN_COST_BYTES_DEFAULT);
        LOG.info("Run {}: reading {} documents in {} tasks", runId, toProcess.size(), bins.size());
        Dataset<SourceDocument> docs =
            spark.createDataset(
                jsc.parallelize(bins, bins.size()).flatMap(List::iterator).rdd(),
                Encoders.bean(SourceDocument.class));
        exploded =
            ExplodeStage.explode(docs, bconf, args.maxParagraphBytes())
                .persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<ParagraphRecord> explodedFinal = exploded;
        List<ParagraphRecord> trailers =
            stage(
                report,
                "read_explode",
                () ->
                    explodedFinal
                        .filter(col("paragraphIndex").equalTo(ParagraphRecord.TRAILER))
                        .collectAsList());

        Map<String, DocumentSummary> summaries = new HashMap<>();
        for (ParagraphRecord t : trailers) {
          summaries.put(t.getDocId(), t.getSummary());
          if (!t.getSummary().ok()) {
            rejectedIds.add(t.getDocId());
          }
        }
        Dataset<ParagraphRecord> paragraphs = exploded.filter(col("paragraphIndex").geq(0));
        if (!rejectedIds.isEmpty()) {
          paragraphs = paragraphs.filter(not(col("docId").isin(rejectedIds.toArray())));
        }
        Dataset<ParagraphRecord> okParagraphs = paragraphs;
        List<WrittenDocument> written =
            stage(
                report,
                "sort_reassemble",
                () ->
                    ReassembleStage.reassemble(SortStage.sort(okParagraphs, false), writer, bconf)
                        .collectAsList());
        Map<String, WrittenDocument> writtenById = new HashMap<>();
        written.forEach(w -> writtenById.put(w.getDocId(), w));

        long paragraphCount = 0;
        long bytesIn = 0;
        long bytesOut = 0;
        List<String> failedIds = new ArrayList<>();
        for (SourceDocument d : toProcess) {
          DocumentSummary s = summaries.get(d.getDocId());
          bytesIn += d.getSize();
          if (s == null) {
            failedIds.add(d.getDocId());
            report.failed(
                new RunReport.Problem(
                    d.getDocId(),
                    d.getUri(),
                    "missing-summary",
                    null,
                    "the split did not report on this document"));
            continue;
          }
          if (!s.ok()) {
            reportRejected(report, d, s);
            ledgerRows.add(ledgerRow(d, s, null, runId, now));
            continue;
          }
          WrittenDocument w = writtenById.get(d.getDocId());
          if (w == null && s.getParagraphs() == 0) {
            w = writeEmpty(writer, d, conf);
          }
          Optional<String> mismatch = Verification.mismatch(s, w);
          if (mismatch.isPresent()) {
            failedIds.add(d.getDocId());
            report.failed(
                new RunReport.Problem(
                    d.getDocId(), d.getUri(), "verification-failed", null, mismatch.get()));
            LOG.error(
                "Run {}: document {} failed verification: {}", runId, d.getDocId(), mismatch.get());
            continue;
          }
          verified.add(d.getDocId());
          paragraphCount += s.getParagraphs();
          bytesOut += s.getOutputBytes();
          ledgerRows.add(ledgerRow(d, s, writer.publishedUri(d.getOutputKey()), runId, now));
        }
        report.count("paragraphs", paragraphCount);
        report.count("bytes_in", bytesIn);
        report.count("bytes_out", bytesOut);
        report.count("failed", failedIds.size());

        List<String> replaced = new ArrayList<>(verified);
        replaced.addAll(rejectedIds);
        Dataset<Row> rows = tableRows(okParagraphs, failedIds, runId, plan.partitionColumns());
        stage(
            report,
            "commit_paragraphs",
            () -> {
              tables.replaceParagraphs(args.paragraphTable(), rows, replaced);
              return null;
            });
        stage(
            report,
            "publish_documents",
            () -> {
              publish(writer, verified, rejectedIds, byId, conf);
              return null;
            });
      }
      report.count("processed", verified.size());
      report.count("rejected", report.rejected().size());
      if (!ledgerRows.isEmpty()) {
        StructType schema = StructType.fromDDL(IcebergTables.DOCUMENT_COLUMNS);
        stage(
            report,
            "commit_ledger",
            () -> {
              tables.upsertDocuments(
                  args.documentsTable(), spark.createDataFrame(ledgerRows, schema));
              return null;
            });
      }
    } finally {
      if (exploded != null) {
        exploded.unpersist();
      }
      try {
        writer.cleanStaging(conf);
      } catch (IOException e) {
        LOG.warn("Cannot clean staging {}: {}", writer.stagingRoot(), e.toString());
      }
    }
    LOG.info(
        "Run {}: {} processed, {} paragraphs, {} rejected, {} unchanged, {} failed",
        runId,
        verified.size(),
        report.count("paragraphs"),
        report.count("rejected"),
        skipped,
        report.count("failed"));
    if (report.count("failed") > 0) {
      throw new JobFailedException(
          "Run "
              + runId
              + " failed: "
              + report.count("failed")
              + " document(s) failed the output check, first "
              + report.failed().get(0).docId()
              + ": "
              + report.failed().get(0).detail());
    }
    if (args.failOnReject() && !report.rejected().isEmpty()) {
      RunReport.Problem first = report.rejected().get(0);
      throw new JobFailedException(
          "Run "
              + runId
              + " rejected "
              + report.rejected().size()
              + " document(s) with --fail_on_reject true, first "
              + first.docId()
              + ": "
              + first.reason());
    }
  }

  private static boolean unchanged(SourceDocument d, Row entry) {
    if (entry == null) {
      return false;
    }
    Timestamp modified = entry.getTimestamp(3);
    String status = entry.getString(4);
    return d.getUri().equals(entry.getString(1))
        && !entry.isNullAt(2)
        && d.getSize() == entry.getLong(2)
        && modified != null
        && modified.getTime() == d.getModified()
        && (DocumentSummary.OK.equals(status) || DocumentSummary.REJECTED.equals(status));
  }

  private static void reportRejected(RunReport report, SourceDocument d, DocumentSummary s) {
    report.rejected(
        new RunReport.Problem(
            d.getDocId(), d.getUri(), s.getReason(), s.getReasonOffset(), s.getReasonDetail()));
  }

  private static WrittenDocument writeEmpty(
      DocumentWriter writer, SourceDocument d, Configuration conf) {
    try {
      try (OutputStream out = writer.create(d.getOutputKey(), conf)) {
        // zero bytes: a document without paragraphs
      }
      DocumentDigest e = DocumentDigest.EMPTY;
      return new WrittenDocument(
          d.getDocId(),
          0,
          e.outputBytes(),
          e.checksum(),
          writer.stagedLength(d.getOutputKey(), conf),
          null);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write document " + writer.staged(d.getOutputKey()) + ": " + e.getMessage(), e);
    }
  }

  private static void publish(
      DocumentWriter writer,
      List<String> verified,
      List<String> rejected,
      Map<String, SourceDocument> byId,
      Configuration conf) {
    try {
      for (String id : verified) {
        writer.publish(byId.get(id).getOutputKey(), conf);
      }
      for (String id : rejected) {
        writer.unpublish(byId.get(id).getOutputKey(), conf);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish documents: " + e.getMessage(), e);
    }
    LOG.info(
        "Published {} documents, withdrew outputs of {} rejected",
        verified.size(),
        rejected.size());
  }

  /** Paragraph table rows (SPEC section 2) from the explode stage's paragraph records. */
  static Dataset<Row> tableRows(
      Dataset<ParagraphRecord> paragraphs,
      List<String> excluded,
      String runId,
      List<StructField> partitionColumns) {
    Dataset<ParagraphRecord> kept =
        excluded.isEmpty()
            ? paragraphs
            : paragraphs.filter(not(col("docId").isin(excluded.toArray())));
    List<Column> cols = new ArrayList<>();
    cols.add(col("docId").as("doc_id"));
    cols.add(col("paragraphIndex").as("paragraph_index"));
    cols.add(col("text"));
    cols.add(col("lineNumber").as("line_number"));
    cols.add(col("byteOffset").as("byte_offset"));
    cols.add(col("byteLength").as("byte_length"));
    cols.add(col("charCount").as("char_count"));
    cols.add(lit(runId).as("run_id"));
    for (int i = 0; i < partitionColumns.size(); i++) {
      StructField f = partitionColumns.get(i);
      cols.add(col("partitionValues").getItem(i).cast(f.dataType()).as(f.name()));
    }
    return kept.select(cols.toArray(new Column[0]));
  }

  private static Row ledgerRow(
      SourceDocument d, DocumentSummary s, String outputUri, String runId, Timestamp now) {
    return RowFactory.create(
        d.getDocId(),
        d.getUri(),
        d.getSize(),
        new Timestamp(d.getModified()),
        s.getStatus(),
        s.getReason(),
        s.getReasonOffset(),
        s.getReasonDetail(),
        s.getParagraphs(),
        outputUri,
        s.ok() ? s.getOutputBytes() : null,
        s.ok() ? s.getChecksum() : null,
        runId,
        now);
  }
}
