package dev.paraglue.text;

import java.util.zip.CRC32C;

/**
 * Order-sensitive summary of a document's paragraphs: the count, and the length and CRC-32C of the
 * reassembled document (SPEC section 1). Reassembly joins texts with a blank line, and texts never
 * contain one, so the reassembled bytes determine the paragraph sequence: equal digests mean equal
 * paragraphs in equal order.
 */
public record DocumentDigest(int paragraphs, long outputBytes, long checksum) {

  public static final DocumentDigest EMPTY = new DocumentDigest(0, 0, new CRC32C().getValue());

  static final byte[] SEPARATOR = {'\n', '\n'};
  static final byte[] END = {'\n'};

  /** Accumulates a digest over paragraph texts given in index order. */
  public static final class Builder {
    private final CRC32C crc = new CRC32C();
    private int paragraphs;
    private long bytes;
    private boolean finished;

    /** Adds the next paragraph's UTF-8 text; returns the bytes the reassembly adds for it. */
    public int add(byte[] text, int length) {
      int added = length;
      if (paragraphs > 0) {
        crc.update(SEPARATOR);
        added += SEPARATOR.length;
      }
      crc.update(text, 0, length);
      paragraphs++;
      bytes += added;
      return added;
    }

    public int paragraphs() {
      return paragraphs;
    }

    /** Finishes the digest; the builder must not be used afterwards. */
    public DocumentDigest build() {
      if (finished) {
        throw new IllegalStateException("Cannot build a document digest twice");
      }
      finished = true;
      if (paragraphs == 0) {
        return EMPTY;
      }
      crc.update(END);
      return new DocumentDigest(paragraphs, bytes + END.length, crc.getValue());
    }
  }

  public static Builder builder() {
    return new Builder();
  }
}
