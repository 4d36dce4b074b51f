package dev.paraglue.pipeline;

import dev.paraglue.source.DocumentInput;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.DocumentOutcome;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphReader;
import dev.paraglue.text.RejectReason;
import dev.paraglue.text.Rejection;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Read and explode: each document is streamed through the splitter in one task, yielding its
 * paragraph records in index order and then one trailer with its {@link DocumentSummary}. Records
 * are produced lazily; no document is ever held whole.
 */
public final class ExplodeStage {
  public static final Encoder<ParagraphRecord> ENCODER = Encoders.bean(ParagraphRecord.class);

  private ExplodeStage() {}

  public static Dataset<ParagraphRecord> explode(
      Dataset<SourceDocument> documents, Broadcast<HadoopConf> conf, long maxParagraphBytes) {
    return documents.mapPartitions(
        (MapPartitionsFunction<SourceDocument, ParagraphRecord>)
            docs -> new Exploder(docs, conf.value(), maxParagraphBytes),
        ENCODER);
  }

  /** Iterates the records of a partition's documents, one open document at a time. */
  static final class Exploder implements Iterator<ParagraphRecord> {
    private final Iterator<SourceDocument> docs;
    private final HadoopConf conf;
    private final long maxParagraphBytes;
    private SourceDocument doc;
    private ParagraphReader reader;
    private ParagraphRecord next;

    Exploder(Iterator<SourceDocument> docs, HadoopConf conf, long maxParagraphBytes) {
      this.docs = docs;
      this.conf = conf;
      this.maxParagraphBytes = maxParagraphBytes;
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener(
            (TaskCompletionListener)
                ctx -> {
                  if (reader != null) {
                    closeReader();
                  }
                });
      }
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        if (reader == null) {
          if (!docs.hasNext()) {
            return false;
          }
          doc = docs.next();
          next = open();
          continue;
        }
        Paragraph p = reader.next();
        if (p != null) {
          next =
              ParagraphRecord.paragraph(
                  doc.getDocId(), p, doc.getPartitionValues(), doc.getRangeIndex());
        } else {
          next = trailer();
          closeReader();
        }
      }
      return true;
    }

    @Override
    public ParagraphRecord next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ParagraphRecord r = next;
      next = null;
      return r;
    }

    /** Opens the current document; returns its trailer when it cannot be opened. */
    private ParagraphRecord open() {
      try {
        if (doc.ranged()) {
          InputStream in =
              DocumentInput.openAt(doc.getUri(), Math.max(0, doc.getRangeStart() - 1), conf.get());
          reader =
              ParagraphReader.range(in, doc.getRangeStart(), doc.getRangeEnd(), maxParagraphBytes);
        } else {
          reader =
              new ParagraphReader(DocumentInput.open(doc.getUri(), conf.get()), maxParagraphBytes);
        }
        return null;
      } catch (IOException | RuntimeException e) {
        String detail = e.getClass().getSimpleName() + ": " + e.getMessage();
        DocumentSummary unreadable =
            DocumentSummary.rejected(
                new Rejection(RejectReason.UNREADABLE, doc.getRangeStart(), truncate(detail)));
        unreadable.setRangeIndex(doc.getRangeIndex());
        unreadable.setRangeCount(doc.getRangeCount());
        return ParagraphRecord.trailer(doc.getDocId(), unreadable, doc.getPartitionValues());
      }
    }

    private ParagraphRecord trailer() {
      if (doc.ranged()) {
        return ParagraphRecord.trailer(
            doc.getDocId(),
            DocumentSummary.ofRange(
                reader.rangeOutcome(), doc.getRangeIndex(), doc.getRangeCount()),
            doc.getPartitionValues());
      }
      DocumentOutcome outcome = reader.outcome();
      DocumentSummary summary = DocumentSummary.of(outcome);
      if (summary.ok()
          && !DocumentInput.compressed(doc.getUri())
          && outcome.bytesRead() != doc.getSize()) {
        // The object changed between listing and reading: its ledger entry would be wrong.
        summary =
            DocumentSummary.rejected(
                new Rejection(
                    RejectReason.UNREADABLE,
                    Math.min(outcome.bytesRead(), doc.getSize()),
                    "object changed while reading: listed "
                        + doc.getSize()
                        + " bytes, read "
                        + outcome.bytesRead()));
      }
      return ParagraphRecord.trailer(doc.getDocId(), summary, doc.getPartitionValues());
    }

    private void closeReader() {
      try {
        reader.close();
      } catch (IOException e) {
        // Everything was read; a failing close does not change the document.
      }
      reader = null;
    }

    private static String truncate(String s) {
      return s.length() > 200 ? s.substring(0, 200) : s;
    }
  }
}
