package dev.paraglue.pipeline;

import dev.paraglue.fault.Failpoint;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.DocumentDigest;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphReader;
import dev.paraglue.text.Reassembler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Pass 2, explode and reassemble: streams each accepted read unit through the splitter once more,
 * emitting its paragraph rows (indexes and line numbers made global for byte ranges) and, in the
 * same pass, writing its reassembled document (or, for a byte range, its part) in index order. At
 * the end of each unit the digest of what was emitted and written must equal what pass 1 found;
 * otherwise the task fails, and with it the table commit: nothing is committed for a mismatch.
 */
public final class ExplodeStage {
  private ExplodeStage() {}

  /** The rows' schema: the paragraph table's columns, partition values still as strings. */
  public static StructType schema(int partitionColumns) {
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField("doc_id", DataTypes.StringType, false));
    fields.add(DataTypes.createStructField("paragraph_index", DataTypes.IntegerType, false));
    fields.add(DataTypes.createStructField("text", DataTypes.StringType, false));
    fields.add(DataTypes.createStructField("line_number", DataTypes.LongType, false));
    fields.add(DataTypes.createStructField("byte_offset", DataTypes.LongType, false));
    fields.add(DataTypes.createStructField("byte_length", DataTypes.IntegerType, false));
    fields.add(DataTypes.createStructField("char_count", DataTypes.IntegerType, false));
    fields.add(DataTypes.createStructField("run_id", DataTypes.StringType, false));
    for (int i = 0; i < partitionColumns; i++) {
      fields.add(DataTypes.createStructField("partition_" + i, DataTypes.StringType, true));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  /**
   * Rows of the given units; {@code expected} holds pass 1's summary of each unit by {@link
   * ReadUnits#key}, with range offsets set.
   */
  public static Dataset<Row> explode(
      Dataset<SourceDocument> units,
      Broadcast<HadoopConf> conf,
      Broadcast<Map<String, DocumentSummary>> expected,
      StagedOutput output,
      String runId,
      int partitionColumns,
      long maxParagraphBytes) {
    return units.mapPartitions(
        (MapPartitionsFunction<SourceDocument, Row>)
            docs ->
                new Exploder(
                    docs, conf.value(), expected.value(), output, runId, maxParagraphBytes),
        Encoders.row(schema(partitionColumns)));
  }

  /** Iterates the rows of a partition's units, one open unit at a time. */
  static final class Exploder implements Iterator<Row> {
    private final Iterator<SourceDocument> docs;
    private final HadoopConf conf;
    private final Map<String, DocumentSummary> expected;
    private final StagedOutput output;
    private final String runId;
    private final long maxParagraphBytes;
    private SourceDocument doc;
    private DocumentSummary promised;
    private ParagraphReader reader;
    private OutputStream out;
    private Reassembler reassembler;
    private Row next;

    Exploder(
        Iterator<SourceDocument> docs,
        HadoopConf conf,
        Map<String, DocumentSummary> expected,
        StagedOutput output,
        String runId,
        long maxParagraphBytes) {
      this.docs = docs;
      this.conf = conf;
      this.expected = expected;
      this.output = output;
      this.runId = runId;
      this.maxParagraphBytes = maxParagraphBytes;
      TaskContext task = TaskContext.get();
      if (task != null) {
        task.addTaskCompletionListener((TaskCompletionListener) ctx -> closeQuietly());
      }
    }

    @Override
    public boolean hasNext() {
      try {
        while (next == null) {
          if (reader == null) {
            if (!docs.hasNext()) {
              return false;
            }
            open(docs.next());
          }
          Paragraph p = reader.next();
          if (p == null) {
            finishUnit();
          } else {
            long index = promised.getIndexBase() + p.index();
            reassembler.add(index, p.textBytes());
            if (p.index() == 0) {
              Failpoint.hit("explode.document", ReadUnits.attempt());
            }
            next = row(p, index);
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
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row r = next;
      next = null;
      return r;
    }

    private void open(SourceDocument unit) throws IOException {
      doc = unit;
      promised = expected.get(ReadUnits.key(unit));
      if (promised == null || !promised.ok()) {
        throw new VerificationException(doc.getDocId(), "it was not accepted by validation");
      }
      reader = ReadUnits.open(unit, conf.get(), maxParagraphBytes);
      if (unit.ranged()) {
        out = output.createPart(unit.getOutputKey(), unit.getRangeIndex(), conf.get());
        reassembler = Reassembler.part(out, promised.getIndexBase());
      } else {
        out = output.create(unit.getOutputKey(), conf.get());
        reassembler = new Reassembler(out);
      }
    }

    private Row row(Paragraph p, long index) {
      Object[] values = new Object[8 + doc.getPartitionValues().size()];
      values[0] = doc.getDocId();
      values[1] = Math.toIntExact(index);
      values[2] = p.text();
      values[3] = promised.getLineBase() + p.lineNumber();
      values[4] = p.byteOffset();
      values[5] = p.byteLength();
      values[6] = p.charCount();
      values[7] = runId;
      for (int i = 0; i < doc.getPartitionValues().size(); i++) {
        values[8 + i] = doc.getPartitionValues().get(i);
      }
      return RowFactory.create(values);
    }

    /** Ends a unit: its output closed and measured, its digest held against pass 1's. */
    private void finishUnit() throws IOException {
      DocumentDigest written = reassembler.finish();
      DocumentSummary now = ReadUnits.summary(doc, reader);
      closeReader();
      // Checked before the output is closed: on an object store, closing is what publishes it.
      if (!now.ok()) {
        throw new VerificationException(
            doc.getDocId(), "it changed since validation (" + now.getReason() + ")");
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
      out.close();
      out = null;
      if (!output.lengthNeedsCheck(conf.get())) {
        return;
      }
      String key = doc.getOutputKey();
      long stored =
          doc.ranged()
              ? output.partLength(key, doc.getRangeIndex(), conf.get())
              : output.stagedLength(key, conf.get());
      long expectedBytes =
          doc.ranged()
              ? Math.max(0, written.outputBytes() - (written.paragraphs() > 0 ? 1 : 0))
              : written.outputBytes();
      if (stored != expectedBytes) {
        throw new VerificationException(
            doc.getDocId(), "stored object has " + stored + " bytes, expected " + expectedBytes);
      }
    }

    private void closeReader() {
      try {
        reader.close();
      } catch (IOException e) {
        // everything was read
      }
      reader = null;
    }

    private void closeQuietly() {
      if (reader != null) {
        closeReader();
      }
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
