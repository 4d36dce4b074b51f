package dev.paraglue.pipeline;

import dev.paraglue.fault.Failpoint;
import dev.paraglue.source.PrefetchedObject;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.DocumentDigest;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.Reassembler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Explode and reassemble: emits each read unit's paragraph rows (indexes and line numbers made
 * global for byte ranges) and, in the same pass, writes its reassembled document (or, for a byte
 * range, its part) in index order.
 *
 * <p>A byte range comes with pass 1's summary ({@link ValidateStage}) and is streamed through the
 * splitter once more. A whole document validates itself here, in one read: its paragraphs are held
 * (up to {@code bufferBytes} per task) until the splitter accepts it, then emitted; a rejected one
 * emits nothing. A whole document too large to hold is read twice in the task: once to validate,
 * once to emit. Each whole document's summary is added to {@code found}, for the driver.
 *
 * <p>Wherever a unit is read twice, the digest of what was emitted and written must equal what the
 * first read found; otherwise the task fails, and with it the table commit: nothing is committed
 * for a mismatch.
 */
public final class ExplodeStage {
  /** What holding one paragraph costs besides its text: the object, its array, its row. */
  public static final long PARAGRAPH_OVERHEAD_BYTES = 96;

  private ExplodeStage() {}

  /** What a task needs besides its units: where to read, write and report, and the limits. */
  public record Context(
      Broadcast<HadoopConf> conf,
      Broadcast<Map<String, DocumentSummary>> expected,
      CollectionAccumulator<DocumentSummary> found,
      StagedOutput output,
      long maxParagraphBytes,
      long bufferBytes,
      int readAhead,
      long readAheadBytes)
      implements Serializable {}

  /**
   * Holds a document's paragraphs while they fit in {@code bufferBytes} (each costing its text and
   * {@link #PARAGRAPH_OVERHEAD_BYTES}); past that it drops them and only counts, and the document
   * is read again.
   */
  private static final class Holder {
    private final long bufferBytes;
    private final List<Paragraph> kept = new ArrayList<>();
    private long bytes;

    Holder(long bufferBytes) {
      this.bufferBytes = bufferBytes;
    }

    void offer(Paragraph p) {
      bytes += p.textBytes().length + PARAGRAPH_OVERHEAD_BYTES;
      if (bytes <= bufferBytes) {
        kept.add(p);
      } else if (!kept.isEmpty()) {
        kept.clear(); // too large to hold: validate only, then read it again
      }
    }

    boolean overflowed() {
      return bytes > bufferBytes;
    }
  }

  /**
   * Writes the rows of the given units to {@code sink}, each task through one writer, and returns
   * what the tasks' writers hand back (lazily: collecting it runs the stage). A task that fails
   * aborts its writer: nothing it wrote is handed back.
   */
  public static <F> JavaRDD<F> write(
      Dataset<SourceDocument> units, Context context, ParagraphSink<F> sink) {
    return units
        .javaRDD()
        .mapPartitions(
            docs -> {
              TaskContext task = TaskContext.get();
              ParagraphSink.Writer<F> writer =
                  sink.open(
                      task == null ? 0 : task.partitionId(),
                      task == null ? 0 : task.taskAttemptId());
              return emit(docs, context, writer).iterator();
            });
  }

  /**
   * The same as one task on the driver, over {@code units} in the order given (by partition
   * values): for a read so small that a Spark job's fixed cost would be most of it.
   */
  public static <F> List<F> writeHere(
      List<SourceDocument> units, Context context, ParagraphSink<F> sink) throws IOException {
    return emit(units.iterator(), context, sink.open(0, 0));
  }

  /**
   * Writes every row of {@code docs} through {@code writer} and returns what it hands back; a
   * failure aborts it. Outside a task (where a task's completion would) it closes the units' reads
   * and outputs itself.
   */
  private static <F> List<F> emit(
      Iterator<SourceDocument> docs, Context context, ParagraphSink.Writer<F> writer)
      throws IOException {
    Exploder rows = null;
    try {
      rows = new Exploder(docs, context);
      while (rows.hasNext()) {
        Emitted e = rows.next();
        writer.write(e.doc(), e.paragraph(), e.index(), e.lineNumber());
      }
      return writer.finish();
    } catch (IOException | RuntimeException | Error e) {
      writer.abort();
      throw e;
    } finally {
      if (rows != null && !rows.closedByTask) {
        rows.closeQuietly();
      }
    }
  }

  /** One paragraph of a unit, with its document-global index and line number. */
  record Emitted(SourceDocument doc, Paragraph paragraph, int index, long lineNumber) {}

  /**
   * Iterates the paragraphs of a partition's units, one open unit at a time, small objects' bytes
   * read ahead ({@link Prefetcher}).
   */
  static final class Exploder implements Iterator<Emitted> {
    private final Prefetcher docs;
    private final HadoopConf conf;
    private final Map<String, DocumentSummary> expected;
    private final CollectionAccumulator<DocumentSummary> found;
    private final StagedOutput output;
    private final long maxParagraphBytes;
    private final long bufferBytes;
    private SourceDocument doc;
    private PrefetchedObject fetched;
    private DocumentSummary promised;

    /** True when the unit validated itself here (no pass-1 summary): its summary is reported. */
    private boolean selfValidated;

    /** Streaming the unit (null when its paragraphs are held). */
    private ReadUnits.Opened reader;

    /** The held paragraphs of a whole document read once (null when streaming). */
    private Iterator<Paragraph> held;

    private OutputStream out;
    private Reassembler reassembler;
    private Emitted next;

    /** True in a Spark task: its completion closes what is open; elsewhere {@link #emit} does. */
    private final boolean closedByTask;

    Exploder(Iterator<SourceDocument> docs, Context context) {
      this.conf = context.conf().value();
      this.docs =
          new Prefetcher(
              docs,
              context.readAhead(),
              context.readAheadBytes(),
              d -> PrefetchedObject.fetch(d.getUri(), d.getSize(), conf.get()));
      this.expected = context.expected().value();
      this.found = context.found();
      this.output = context.output();
      this.maxParagraphBytes = context.maxParagraphBytes();
      this.bufferBytes = context.bufferBytes();
      TaskContext task = TaskContext.get();
      closedByTask = task != null;
      if (closedByTask) {
        task.addTaskCompletionListener((TaskCompletionListener) ctx -> closeQuietly());
      }
    }

    @Override
    public boolean hasNext() {
      try {
        while (next == null) {
          if (reader == null && held == null) {
            if (!docs.hasNext()) {
              docs.close();
              return false;
            }
            open(docs.next());
            continue;
          }
          Paragraph p =
              held != null ? (held.hasNext() ? held.next() : null) : reader.reader().next();
          if (p == null) {
            finishUnit();
          } else {
            long index = promised.getIndexBase() + p.index();
            reassembler.add(index, p.textBytes());
            if (p.index() == 0) {
              Failpoint.hit("explode.document", ReadUnits.attempt());
            }
            next =
                new Emitted(
                    doc, p, Math.toIntExact(index), promised.getLineBase() + p.lineNumber());
          }
        }
        return true;
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot write document " + output.describe(doc.getOutputKey()) + ": " + e.getMessage(),
            e);
      }
    }

    @Override
    public Emitted next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Emitted r = next;
      next = null;
      return r;
    }

    /** Opens a unit for emitting; a whole document that turns out rejected is only reported. */
    private void open(Prefetcher.Unit next) throws IOException {
      try (PrefetchedObject read = next.fetched()) {
        fetched = read;
        open(next.doc());
      } finally {
        fetched = null;
      }
    }

    private void open(SourceDocument unit) throws IOException {
      doc = unit;
      promised = expected.get(ReadUnits.key(unit));
      selfValidated = promised == null && !unit.ranged();
      if (selfValidated) {
        if (!validateHere()) {
          return;
        }
      } else if (promised == null || !promised.ok()) {
        throw new VerificationException(doc.getDocId(), "it was not accepted by validation");
      }
      if (held == null) {
        reader = ReadUnits.open(unit, conf.get(), maxParagraphBytes);
      }
      if (unit.ranged()) {
        out = output.createPart(unit.getOutputKey(), unit.getRangeIndex(), conf.get());
        reassembler = Reassembler.part(out, promised.getIndexBase());
      } else {
        out = output.create(unit.getOutputKey(), promised.getOutputBytes(), conf.get());
        reassembler = new Reassembler(out);
      }
    }

    /**
     * Reads a whole document that has no pass-1 summary through the splitter, holding its
     * paragraphs while they fit in {@code bufferBytes}. Returns true when it is accepted: then
     * {@link #held} has its paragraphs, or is null when they did not fit (it is read again).
     */
    private boolean validateHere() {
      Holder holder = new Holder(bufferBytes);
      promised = ReadUnits.readThrough(doc, fetched, conf.get(), maxParagraphBytes, holder::offer);
      if (!promised.ok()) {
        found.add(promised);
        return false;
      }
      if (holder.overflowed()) {
        Failpoint.hit("explode.reread", ReadUnits.attempt());
      } else {
        held = holder.kept.iterator();
      }
      return true;
    }

    /** Ends a unit: its output closed and measured, its digest held against the first read's. */
    private void finishUnit() throws IOException {
      DocumentDigest written = reassembler.finish();
      DocumentSummary now = reader == null ? promised : ReadUnits.summary(doc, reader);
      closeReader();
      // Checked before the output is closed: on an object store, closing is what publishes it.
      if (!now.ok()) {
        throw new VerificationException(
            doc.getDocId(), "it changed since validation (" + now.getReason() + ")");
      }
      if (now.getOwnedBytes() != promised.getOwnedBytes()) {
        throw new VerificationException(
            doc.getDocId(),
            "range "
                + doc.getRangeIndex()
                + " holds "
                + now.getOwnedBytes()
                + " bytes of text, validation found "
                + promised.getOwnedBytes());
      }
      if (!written.equals(promised.digest())) {
        throw new VerificationException(
            doc.getDocId(),
            "rows and output hold "
                + written.paragraphs()
                + " paragraphs with checksum "
                + Long.toHexString(written.checksum())
                + ", the split found "
                + promised.getParagraphs()
                + " with "
                + Long.toHexString(promised.getChecksum()));
      }
      OutputStream closed = out;
      closed.close();
      out = null;
      checkStoredLength(written, closed);
      if (selfValidated) {
        found.add(promised);
      }
    }

    /**
     * Checks the closed object's stored length against what the reassembly wrote: from the stream
     * when it measured its object ({@link StagedOutput.Measured}, a local file: no stat per
     * document), else from the store where its length can differ (not an object store's PUT).
     */
    private void checkStoredLength(DocumentDigest written, OutputStream closed) throws IOException {
      long stored;
      if (closed instanceof StagedOutput.Measured m) {
        stored = m.storedBytes();
      } else if (output.lengthNeedsCheck(conf.get())) {
        stored = storedLength();
      } else {
        return;
      }
      long expectedBytes =
          doc.ranged()
              ? Math.max(0, written.outputBytes() - (written.paragraphs() > 0 ? 1 : 0))
              : written.outputBytes();
      if (stored != expectedBytes) {
        throw new VerificationException(
            doc.getDocId(), "stored object has " + stored + " bytes, expected " + expectedBytes);
      }
    }

    private long storedLength() throws IOException {
      String key = doc.getOutputKey();
      return doc.ranged()
          ? output.partLength(key, doc.getRangeIndex(), conf.get())
          : output.stagedLength(key, conf.get());
    }

    private void closeReader() {
      if (reader != null) {
        ReadUnits.close(reader);
      }
      reader = null;
      held = null;
    }

    private void closeQuietly() {
      docs.close();
      closeReader();
      if (out != null) {
        // A unit left half-written must not be published: abort where the store can.
        if (out instanceof org.apache.hadoop.fs.Abortable a) {
          a.abort();
        } else {
          try {
            out.close();
          } catch (IOException e) {
            // the task is ending; the staged object is discarded with the run
          }
        }
        out = null;
      }
    }
  }
}
