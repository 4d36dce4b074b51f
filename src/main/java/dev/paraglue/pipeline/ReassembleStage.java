package dev.paraglue.pipeline;

import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.DocumentDigest;
import dev.paraglue.text.Reassembler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoder;
import org.apache.spark.sql.Encoders;

/**
 * Reassemble: streams each document's sorted paragraphs into its staged output object and reports
 * the digest of what it wrote. A gap or disorder in the indexes is reported as that document's
 * error, never written over.
 */
public final class ReassembleStage {
  public static final Encoder<WrittenDocument> ENCODER = Encoders.bean(WrittenDocument.class);

  private ReassembleStage() {}

  public static Dataset<WrittenDocument> reassemble(
      Dataset<ParagraphRecord> sorted, StagedOutput writer, Broadcast<HadoopConf> conf) {
    return sorted.mapPartitions(
        (MapPartitionsFunction<ParagraphRecord, WrittenDocument>)
            records -> new Writer(records, writer, conf.value()),
        ENCODER);
  }

  /** Consumes one document's run of records per {@link #next()}. */
  static final class Writer implements Iterator<WrittenDocument> {
    private final Iterator<ParagraphRecord> records;
    private final StagedOutput writer;
    private final HadoopConf conf;
    private ParagraphRecord pending;

    Writer(Iterator<ParagraphRecord> records, StagedOutput writer, HadoopConf conf) {
      this.records = records;
      this.writer = writer;
      this.conf = conf;
    }

    @Override
    public boolean hasNext() {
      return pending != null || records.hasNext();
    }

    @Override
    public WrittenDocument next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ParagraphRecord first = pending != null ? pending : records.next();
      pending = null;
      String docId = first.getDocId();
      String key = SourceDocument.outputKeyOf(docId);
      DocumentDigest digest;
      String error = null;
      try (OutputStream out = writer.create(key, conf.get())) {
        Reassembler reassembler = new Reassembler(out);
        ParagraphRecord r = first;
        while (true) {
          if (error == null) {
            try {
              reassembler.add(r.getParagraphIndex(), r.getText());
            } catch (IllegalStateException e) {
              error = e.getMessage();
            }
          }
          if (!records.hasNext()) {
            break;
          }
          r = records.next();
          if (!r.getDocId().equals(docId)) {
            pending = r;
            break;
          }
        }
        digest = reassembler.finish();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(
            "Cannot write document " + writer.describe(key) + ": " + e.getMessage(), e);
      }
      long stored;
      try {
        stored = writer.stagedLength(key, conf.get());
      } catch (IOException e) {
        stored = -1;
      }
      return new WrittenDocument(
          docId, digest.paragraphs(), digest.outputBytes(), digest.checksum(), stored, error);
    }
  }
}
