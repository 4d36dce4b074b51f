package dev.paraglue.pipeline;

import dev.paraglue.fault.Failpoint;
import dev.paraglue.source.Bzip2Blocks;
import dev.paraglue.source.DocumentInput;
import dev.paraglue.source.PrefetchedObject;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphReader;
import dev.paraglue.text.RejectReason;
import dev.paraglue.text.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
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

  /**
   * Where pass 1 places the text of a bzip2 range other than the first, before the ranges ahead of
   * it are measured: the lowest offset a later range may start at, less its byte of look-behind.
   * Offsets it reports are moved to the real place afterwards ({@link Bzip2Ranges}).
   */
  static final long UNPLACED_TEXT_START = ParagraphReader.MIN_RANGE_START - 1;

  /** A unit open for splitting; for a range of a bzip2 document, also the blocks it reads. */
  record Opened(ParagraphReader reader, Bzip2Blocks blocks) {}

  static Opened open(SourceDocument doc, Configuration conf, long maxParagraphBytes)
      throws IOException {
    return open(doc, null, conf, maxParagraphBytes);
  }

  /**
   * Opens a unit; a whole document whose stored bytes were read ahead ({@code fetched}, else null)
   * is read from them, exactly as from the store.
   */
  static Opened open(
      SourceDocument doc, PrefetchedObject fetched, Configuration conf, long maxParagraphBytes)
      throws IOException {
    if (!doc.ranged()) {
      InputStream text =
          fetched == null
              ? DocumentInput.open(doc.getUri(), doc.getSize(), conf)
              : DocumentInput.decompressed(doc.getUri(), fetched.stored(), conf);
      // The stored size bounds a plain document's bytes; a compressed one's are not known.
      long expected = DocumentInput.compressed(doc.getUri()) ? Long.MAX_VALUE : doc.getSize();
      return new Opened(
          ParagraphReader.decoding(text, doc.getEncoding(), maxParagraphBytes, expected), null);
    }
    if (doc.bzip2Range()) {
      return openBzip2Range(doc, conf, maxParagraphBytes);
    }
    InputStream in = DocumentInput.openAt(doc.getUri(), Math.max(0, doc.getRangeStart() - 1), conf);
    return new Opened(
        ParagraphReader.range(in, doc.getRangeStart(), doc.getRangeEnd(), maxParagraphBytes), null);
  }

  /**
   * A bzip2 range reads the text of its blocks: range 0 from the document's start, range k from its
   * first block's first byte, which is its byte of look-behind; so its splitter range is {@code
   * [text start + 1, text end + 1)}, the end known once its blocks are read. Shifting every range
   * boundary by one byte keeps them a partition of the text.
   */
  private static Opened openBzip2Range(
      SourceDocument doc, Configuration conf, long maxParagraphBytes) throws IOException {
    Bzip2Blocks blocks =
        Bzip2Blocks.open(doc.getUri(), doc.getRangeStart(), doc.getRangeEnd(), doc.getSize(), conf);
    boolean first = doc.getRangeIndex() == 0;
    long textStart = first ? 0 : doc.getTextStart() >= 0 ? doc.getTextStart() : UNPLACED_TEXT_START;
    LongSupplier end =
        () -> blocks.ownedBytes() < 0 ? Long.MAX_VALUE : textStart + blocks.ownedBytes() + 1;
    try {
      return new Opened(
          ParagraphReader.range(blocks, first ? 0 : textStart + 1, end, maxParagraphBytes), blocks);
    } catch (RuntimeException e) {
      blocks.close();
      throw e;
    }
  }

  /**
   * Reads a unit through the splitter to its end, handing each paragraph to {@code each}, and
   * returns its summary: unreadable when it cannot be opened. Failpoint {@code validate.document}
   * lies between opening and reading.
   */
  static DocumentSummary readThrough(
      SourceDocument doc, Configuration conf, long maxParagraphBytes, Consumer<Paragraph> each) {
    return readThrough(doc, null, conf, maxParagraphBytes, each);
  }

  /** {@link #readThrough}, from the unit's bytes read ahead when {@code fetched} is not null. */
  static DocumentSummary readThrough(
      SourceDocument doc,
      PrefetchedObject fetched,
      Configuration conf,
      long maxParagraphBytes,
      Consumer<Paragraph> each) {
    Opened unit;
    try {
      unit = open(doc, fetched, conf, maxParagraphBytes);
    } catch (IOException | RuntimeException e) {
      return unreadable(doc, e);
    }
    try {
      Failpoint.hit("validate.document", attempt());
      ParagraphReader reader = unit.reader();
      for (Paragraph p = reader.next(); p != null; p = reader.next()) {
        each.accept(p);
      }
      return summary(doc, unit);
    } finally {
      close(unit);
    }
  }

  static void close(Opened unit) {
    try {
      unit.reader().close();
    } catch (IOException e) {
      // everything needed was read
    }
  }

  /** The summary of a unit that could not be opened. */
  static DocumentSummary unreadable(SourceDocument doc, Exception e) {
    DocumentSummary s =
        DocumentSummary.rejected(
            new Rejection(RejectReason.UNREADABLE, doc.getRangeStart(), Rejection.detailOf(e)));
    s.setDocId(doc.getDocId());
    s.setRangeIndex(doc.getRangeIndex());
    s.setRangeCount(doc.getRangeCount());
    return s;
  }

  private static void describeBlocks(DocumentSummary s, Bzip2Blocks blocks) {
    s.setOwnedBytes(blocks.ownedBytes());
    s.setFirstBlock(blocks.firstBlock());
    s.setNextBlock(blocks.nextBlock());
  }

  /** The summary of a unit the splitter read to its end. */
  static DocumentSummary summary(SourceDocument doc, Opened unit) {
    ParagraphReader reader = unit.reader();
    DocumentSummary s;
    if (doc.ranged()) {
      s = DocumentSummary.ofRange(reader.rangeOutcome(), doc.getRangeIndex(), doc.getRangeCount());
      if (unit.blocks() != null) {
        describeBlocks(s, unit.blocks());
      }
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
