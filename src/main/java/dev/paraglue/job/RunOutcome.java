package dev.paraglue.job;

import dev.paraglue.pipeline.DocumentSummary;
import dev.paraglue.sink.DocumentWriter;
import dev.paraglue.sink.Ledger;
import dev.paraglue.sink.LedgerOutcome;
import dev.paraglue.sink.ResultSettings;
import dev.paraglue.source.SourceDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run decided for each document it looked at: accepted (rows replace, output published),
 * rejected (rows and output withdrawn) or removed (its source is gone: rows, output and rejection
 * record withdrawn). Holds the ledger rows to commit once the tables are.
 */
final class RunOutcome {
  private static final Logger LOG = LoggerFactory.getLogger(RunOutcome.class);

  private final String runId;
  private final Timestamp processedAt;
  private final ResultSettings settings;
  private final List<SourceDocument> accepted = new ArrayList<>();
  private final List<SourceDocument> rejected = new ArrayList<>();
  private final List<SourceDocument> removed = new ArrayList<>();
  private final List<RunReport.Problem> problems = new ArrayList<>();
  private final List<Row> ledgerRows = new ArrayList<>();

  RunOutcome(String runId, Timestamp processedAt, ResultSettings settings) {
    this.runId = runId;
    this.processedAt = processedAt;
    this.settings = settings;
  }

  void rejected(SourceDocument d, DocumentSummary s, RunReport report) {
    rejected.add(d);
    ledgerRows.add(Ledger.documentRow(d, ledgerOutcome(s), null, runId, processedAt, settings));
    RunReport.Problem problem =
        new RunReport.Problem(
            d.getDocId(), d.getUri(), s.getReason(), s.getReasonOffset(), s.getReasonDetail());
    problems.add(problem);
    report.rejected(problem);
  }

  /**
   * A document whose source is gone (--remove_missing): its rows go in the run's commit, its
   * reassembled document and rejection record after it, and the ledger calls it removed.
   */
  void removed(SourceDocument d) {
    removed.add(d);
    ledgerRows.add(
        Ledger.documentRow(d, LedgerOutcome.removed(), null, runId, processedAt, settings));
  }

  /** Sorts a document that was read into accepted or rejected, and counts it. */
  void classify(SourceDocument d, DocumentSummary s, DocumentWriter writer, RunReport report) {
    if (s == null) {
      throw new IllegalStateException("Cannot classify " + d.getDocId() + ": reading lost it");
    }
    report.count("bytes_in", report.count("bytes_in") + d.getSize());
    if (!s.ok()) {
      rejected(d, s, report);
      return;
    }
    accepted.add(d);
    report.count("paragraphs", report.count("paragraphs") + s.getParagraphs());
    report.count("bytes_out", report.count("bytes_out") + s.getOutputBytes());
    ledgerRows.add(
        Ledger.documentRow(
            d,
            ledgerOutcome(s),
            writer.publishedUri(d.getOutputKey()),
            runId,
            processedAt,
            settings));
  }

  /** What the split found, in the documents table's terms. */
  private static LedgerOutcome ledgerOutcome(DocumentSummary s) {
    return s.ok()
        ? LedgerOutcome.ok(s.getParagraphs(), s.getOutputBytes(), s.getChecksum())
        : LedgerOutcome.rejected(s.getReason(), s.getReasonOffset(), s.getReasonDetail());
  }

  /**
   * Joins the parts of accepted documents read in byte ranges into their staged objects, checking
   * each against the length validation promised.
   */
  void assembleRanged(
      Map<String, Integer> ranged,
      Map<String, DocumentSummary> summaries,
      DocumentWriter writer,
      Configuration conf) {
    for (SourceDocument d : accepted) {
      Integer count = ranged.get(d.getDocId());
      if (count == null) {
        continue;
      }
      try {
        long written = writer.assembleParts(d.getOutputKey(), count, conf);
        long expected = summaries.get(d.getDocId()).getOutputBytes();
        if (written != expected) {
          throw new JobFailedException(
              "Cannot verify document "
                  + d.getDocId()
                  + ": joined output has "
                  + written
                  + " bytes, expected "
                  + expected);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot join the parts of " + writer.describe(d.getOutputKey()) + ": " + e.getMessage(),
            e);
      }
    }
  }

  /**
   * Publishes accepted outputs and withdraws the outputs of now-rejected sources, recording each
   * rejection under {@code _rejected/} and clearing the records of documents the ledger had as
   * rejected that are now processed.
   */
  void publish(DocumentWriter writer, Set<String> previouslyRejected, Configuration conf) {
    int cleared = 0;
    int folders = 0;
    try {
      // Removed first: a document read again because a removed one shared its output key publishes
      // that key after.
      for (SourceDocument d : removed) {
        writer.unpublish(d.getOutputKey(), conf);
        writer.clearRejection(d.getDocId(), conf);
      }
      folders =
          writer.publishAll(accepted.stream().map(SourceDocument::getOutputKey).toList(), conf);
      for (SourceDocument d : accepted) {
        if (previouslyRejected.contains(d.getDocId())) {
          writer.clearRejection(d.getDocId(), conf);
          cleared++;
        }
      }
      for (int i = 0; i < rejected.size(); i++) {
        SourceDocument d = rejected.get(i);
        writer.unpublish(d.getOutputKey(), conf);
        writer.recordRejection(
            d.getDocId(), RunReport.rejectionRecord(problems.get(i), runId), conf);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot publish documents: " + e.getMessage(), e);
    }
    LOG.info(
        "Published {} documents ({} folders moved whole), withdrew outputs of {} rejected and {}"
            + " removed, cleared {} old rejections",
        accepted.size(),
        folders,
        rejected.size(),
        removed.size(),
        cleared);
  }

  /**
   * Documents whose rows this run replaces, before they are read: those refused or removed so far
   * (by no rows) and those to read (by their rows if accepted, by none if rejected).
   */
  List<String> replacedIds(List<SourceDocument> toRead) {
    List<String> ids = new ArrayList<>();
    rejected.forEach(d -> ids.add(d.getDocId()));
    removed.forEach(d -> ids.add(d.getDocId()));
    toRead.forEach(d -> ids.add(d.getDocId()));
    return ids;
  }

  List<Row> ledgerRows() {
    return ledgerRows;
  }

  int processed() {
    return accepted.size();
  }

  /** The earliest modification time of the accepted sources; empty when none was accepted. */
  OptionalLong oldestAccepted() {
    return accepted.stream().mapToLong(SourceDocument::getModified).min();
  }
}
