package dev.paraglue.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a reassembled document (docs/contract.md §1) by streaming paragraphs in index order: texts
 * joined by one blank line, followed by one LF; no paragraphs give zero bytes. It refuses
 * paragraphs out of order or with gaps, and yields the digest of what it wrote.
 */
public final class Reassembler {
  private static final byte[] SEPARATOR = {'\n', '\n'};

  private final OutputStream out;
  private final long firstIndex;
  private final boolean whole;
  private final DocumentDigest.Builder digest = DocumentDigest.builder();

  public Reassembler(OutputStream out) {
    this(out, 0, true);
  }

  private Reassembler(OutputStream out, long firstIndex, boolean whole) {
    this.out = out;
    this.firstIndex = firstIndex;
    this.whole = whole;
  }

  /**
   * A reassembler for a part of a document: the paragraphs from {@code firstIndex} on, joined by
   * blank lines, with no final LF; {@link #joinParts} puts parts together.
   */
  public static Reassembler part(OutputStream out, long firstIndex) {
    return new Reassembler(out, firstIndex, false);
  }

  /** Appends the paragraph with the given index, which must be the next one. */
  public void add(long index, byte[] text) throws IOException {
    long expected = firstIndex + digest.paragraphs();
    if (index != expected) {
      throw new IllegalStateException(
          "Cannot reassemble: expected paragraph " + expected + " but got " + index);
    }
    if (digest.paragraphs() > 0) {
      out.write(SEPARATOR);
    }
    out.write(text);
    digest.add(text, text.length);
  }

  public void add(long index, String text) throws IOException {
    add(index, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes the final LF (when there is a paragraph; not for a part) and returns the digest of the
   * paragraphs written, with indexes relative to the first.
   */
  public DocumentDigest finish() throws IOException {
    if (whole && digest.paragraphs() > 0) {
      out.write('\n');
    }
    return digest.build();
  }

  /** Something that opens a part's bytes. */
  @FunctionalInterface
  public interface PartSource {
    InputStream open() throws IOException;
  }

  /**
   * Joins parts written by {@link #part} in order into the reassembled document: a blank line
   * between non-empty parts, one final LF when any part had a paragraph. Returns the bytes written.
   */
  public static long joinParts(List<PartSource> parts, OutputStream out) throws IOException {
    long written = 0;
    boolean any = false;
    byte[] buf = new byte[1 << 16];
    for (PartSource part : parts) {
      try (InputStream in = part.open()) {
        int n = in.read(buf);
        if (n <= 0) {
          continue;
        }
        if (any) {
          out.write(SEPARATOR);
          written += SEPARATOR.length;
        }
        any = true;
        while (n > 0) {
          out.write(buf, 0, n);
          written += n;
          n = in.read(buf);
        }
      }
    }
    if (any) {
      out.write('\n');
      written++;
    }
    return written;
  }

  /** The reassembly of the given texts, in memory. */
  public static byte[] reassemble(List<String> texts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Reassembler r = new Reassembler(out);
    try {
      for (int i = 0; i < texts.size(); i++) {
        r.add(i, texts.get(i));
      }
      r.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
