package dev.paraglue.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a reassembled document (SPEC section 1) by streaming paragraphs in index order: texts
 * joined by one blank line, followed by one LF; no paragraphs give zero bytes. It refuses
 * paragraphs out of order or with gaps, and yields the digest of what it wrote.
 */
public final class Reassembler {
  private static final byte[] SEPARATOR = {'\n', '\n'};

  private final OutputStream out;
  private final DocumentDigest.Builder digest = DocumentDigest.builder();

  public Reassembler(OutputStream out) {
    this.out = out;
  }

  /** Appends the paragraph with the given index, which must be the next one. */
  public void add(int index, byte[] text) throws IOException {
    if (index != digest.paragraphs()) {
      throw new IllegalStateException(
          "Cannot reassemble: expected paragraph " + digest.paragraphs() + " but got " + index);
    }
    if (index > 0) {
      out.write(SEPARATOR);
    }
    out.write(text);
    digest.add(text, text.length);
  }

  public void add(int index, String text) throws IOException {
    add(index, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes the final LF (when there is a paragraph) and returns the digest of the output. */
  public DocumentDigest finish() throws IOException {
    if (digest.paragraphs() > 0) {
      out.write('\n');
    }
    return digest.build();
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
