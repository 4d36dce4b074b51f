package dev.paraglue.pipeline;

import dev.paraglue.fault.Failpoint;
import dev.paraglue.source.DocumentInput;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphReader;
import dev.paraglue.text.RejectReason;
import dev.paraglue.text.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;

/** Opening a read unit (a whole document, or one byte range of it) for the splitter. */
final class ReadUnits {
  private ReadUnits() {}

  /** A key naming a read unit: the doc id, plus the range for a document read in ranges. */
  static String key(SourceDocument d) {
    return d.ranged() ? d.getDocId() + '\u0000' + d.getRangeIndex() : d.getDocId();
  }

  /** The key of the unit a summary describes. */
  static String keyOf(DocumentSummary s) {
    return s.getRangeCount() > 1 ? s.getDocId() + '\u0000' + s.getRangeIndex() : s.getDocId();
  }

  static ParagraphReader open(SourceDocument doc, Configuration conf, long maxParagraphBytes)
      throws IOException {
    if (!doc.ranged()) {
      return new ParagraphReader(DocumentInput.open(doc.getUri(), conf), maxParagraphBytes);
    }
    InputStream in = DocumentInput.openAt(doc.getUri(), Math.max(0, doc.getRangeStart() - 1), conf);
    return ParagraphReader.range(in, doc.getRangeStart(), doc.getRangeEnd(), maxParagraphBytes);
  }

  /**
   * Reads a unit through the splitter to its end, handing each paragraph to {@code each}, and
   * returns its summary: unreadable when it cannot be opened. Failpoint {@code validate.document}
   * lies between opening and reading.
   */
  static DocumentSummary readThrough(
      SourceDocument doc, Configuration conf, long maxParagraphBytes, Consumer<Paragraph> each) {
    ParagraphReader reader;
    try {
      reader = open(doc, conf, maxParagraphBytes);
    } catch (IOException | RuntimeException e) {
      return unreadable(doc, e);
    }
    try {
      Failpoint.hit("validate.document", attempt());
      for (Paragraph p = reader.next(); p != null; p = reader.next()) {
        each.accept(p);
      }
      return summary(doc, reader);
    } finally {
      close(reader);
    }
  }

  static void close(ParagraphReader reader) {
    try {
      reader.close();
    } catch (IOException e) {
      // everything needed was read
    }
  }

  /** The summary of a unit that could not be opened. */
  static DocumentSummary unreadable(SourceDocument doc, Exception e) {
    String detail = e.getClass().getSimpleName() + ": " + e.getMessage();
    DocumentSummary s =
        DocumentSummary.rejected(
            new Rejection(
                RejectReason.UNREADABLE,
                doc.getRangeStart(),
                detail.length() > 200 ? detail.substring(0, 200) : detail));
    s.setDocId(doc.getDocId());
    s.setRangeIndex(doc.getRangeIndex());
    s.setRangeCount(doc.getRangeCount());
    return s;
  }

  /** The summary of a unit the splitter read to its end. */
  static DocumentSummary summary(SourceDocument doc, ParagraphReader reader) {
    DocumentSummary s;
    if (doc.ranged()) {
      s = DocumentSummary.ofRange(reader.rangeOutcome(), doc.getRangeIndex(), doc.getRangeCount());
    } else {
      s = DocumentSummary.of(reader.outcome());
      long read = reader.outcome().bytesRead();
      if (s.ok() && !DocumentInput.compressed(doc.getUri()) && read != doc.getSize()) {
        // The object changed since it was listed: its ledger entry would be wrong.
        s =
            DocumentSummary.rejected(
                new Rejection(
                    RejectReason.UNREADABLE,
                    Math.min(read, doc.getSize()),
                    "object changed while reading: listed "
                        + doc.getSize()
                        + " bytes, read "
                        + read));
      }
    }
    s.setDocId(doc.getDocId());
    return s;
  }

  /** The running Spark task's attempt number, 0 outside a task. */
  static int attempt() {
    org.apache.spark.TaskContext t = org.apache.spark.TaskContext.get();
    return t == null ? 0 : t.attemptNumber();
  }
}
