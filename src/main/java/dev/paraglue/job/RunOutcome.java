package dev.paraglue.job;

import dev.paraglue.pipeline.DocumentSummary;
import dev.paraglue.pipeline.Verification;
import dev.paraglue.pipeline.WrittenDocument;
import dev.paraglue.sink.DocumentWriter;
import dev.paraglue.sink.IcebergTables;
import dev.paraglue.sink.RunReport;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.DocumentDigest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run decided for each document it looked at: verified (rows replace, output published),
 * rejected (rows and output withdrawn), or failed (nothing committed, the run fails). Holds the
 * ledger rows to commit.
 */
final class RunOutcome {
  private static final Logger LOG = LoggerFactory.getLogger(RunOutcome.class);

  private final String runId;
  private final Timestamp processedAt;
  private final List<SourceDocument> verified = new ArrayList<>();
  private final List<SourceDocument> rejected = new ArrayList<>();
  private final List<String> failedIds = new ArrayList<>();
  private final List<Row> ledgerRows = new ArrayList<>();

  RunOutcome(String runId, Timestamp processedAt) {
    this.runId = runId;
    this.processedAt = processedAt;
  }

  void rejected(SourceDocument d, DocumentSummary s, RunReport report) {
    rejected.add(d);
    ledgerRows.add(IcebergTables.documentRow(d, s, null, runId, processedAt));
    report.rejected(
        new RunReport.Problem(
            d.getDocId(), d.getUri(), s.getReason(), s.getReasonOffset(), s.getReasonDetail()));
  }

  /** Sorts a read document into verified, rejected or failed, and counts it. */
  void classify(
      SourceDocument d,
      DocumentSummary split,
      WrittenDocument written,
      DocumentWriter writer,
      Configuration conf,
      RunReport report) {
    report.count("bytes_in", report.count("bytes_in") + d.getSize());
    if (split == null) {
      fail(d, "the split did not report on this document", report);
      return;
    }
    if (!split.ok()) {
      rejected(d, split, report);
      return;
    }
    WrittenDocument w = written;
    if (w == null && split.getParagraphs() == 0) {
      w = writeEmpty(writer, d, conf);
    }
    Optional<String> mismatch = Verification.mismatch(split, w);
    if (mismatch.isPresent()) {
      fail(d, mismatch.get(), report);
      return;
    }
    verified.add(d);
    report.count("paragraphs", report.count("paragraphs") + split.getParagraphs());
    report.count("bytes_out", report.count("bytes_out") + split.getOutputBytes());
    ledgerRows.add(
        IcebergTables.documentRow(
            d, split, writer.publishedUri(d.getOutputKey()), runId, processedAt));
  }

  private void fail(SourceDocument d, String detail, RunReport report) {
    failedIds.add(d.getDocId());
    report.failed(
        new RunReport.Problem(d.getDocId(), d.getUri(), "verification-failed", null, detail));
    LOG.error("Run {}: document {} failed verification: {}", runId, d.getDocId(), detail);
  }

  private static WrittenDocument writeEmpty(
      DocumentWriter writer, SourceDocument d, Configuration conf) {
    String key = d.getOutputKey();
    try {
      try (OutputStream out = writer.create(key, conf)) {
        // zero bytes: a document without paragraphs
      }
      DocumentDigest e = DocumentDigest.EMPTY;
      return new WrittenDocument(
          d.getDocId(), 0, e.outputBytes(), e.checksum(), writer.stagedLength(key, conf), null);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write document " + writer.describe(key) + ": " + e.getMessage(), e);
    }
  }

  /** Publishes verified outputs and withdraws the outputs of now-rejected sources. */
  void publish(DocumentWriter writer, Configuration conf) {
    try {
      for (SourceDocument d : verified) {
        writer.publish(d.getOutputKey(), conf);
      }
      for (SourceDocument d : rejected) {
        writer.unpublish(d.getOutputKey(), conf);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish documents: " + e.getMessage(), e);
    }
    LOG.info(
        "Published {} documents, withdrew outputs of {} rejected",
        verified.size(),
        rejected.size());
  }

  /**
   * Documents whose rows this run replaces: verified ones by their new rows, rejected ones by none.
   */
  List<String> replacedIds() {
    List<String> ids = new ArrayList<>();
    verified.forEach(d -> ids.add(d.getDocId()));
    rejected.forEach(d -> ids.add(d.getDocId()));
    return ids;
  }

  List<String> failedIds() {
    return failedIds;
  }

  List<Row> ledgerRows() {
    return ledgerRows;
  }

  int processed() {
    return verified.size();
  }
}
