package dev.paraglue.text;

import java.util.zip.CRC32C;

/**
 * Order-sensitive summary of a document's paragraphs (docs/contract.md §2's check): the count, the
 * total text bytes, and a checksum {@code sum(h(text_i) * C^i) mod 2^64} where {@code h} mixes the
 * CRC-32C and length of a text. Swapping, dropping, duplicating or altering a paragraph changes it,
 * and digests of consecutive runs of paragraphs combine ({@link #concat}), so byte ranges of a
 * document read by different tasks add up to the digest of the whole.
 */
public record DocumentDigest(int paragraphs, long textBytes, long checksum) {

  public static final DocumentDigest EMPTY = new DocumentDigest(0, 0, 0);

  /** An odd multiplier, so that powers of it never vanish mod 2^64. */
  private static final long C = 0x9E3779B97F4A7C15L;

  /** Bytes of the reassembled document: texts, a blank line between them, one final LF. */
  public long outputBytes() {
    return paragraphs == 0 ? 0 : textBytes + 2L * paragraphs - 1;
  }

  /** The digest of this run of paragraphs followed by {@code next}. */
  public DocumentDigest concat(DocumentDigest next) {
    return new DocumentDigest(
        Math.addExact(paragraphs, next.paragraphs),
        textBytes + next.textBytes,
        checksum + pow(C, paragraphs) * next.checksum);
  }

  static long pow(long base, long exp) {
    long result = 1;
    long b = base;
    long e = exp;
    while (e > 0) {
      if ((e & 1) != 0) {
        result *= b;
      }
      b *= b;
      e >>>= 1;
    }
    return result;
  }

  /** splitmix64's finalizer: spreads CRC and length over all 64 bits. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Accumulates a digest over paragraph texts given in index order. */
  public static final class Builder {
    private final CRC32C crc = new CRC32C();
    private int paragraphs;
    private long textBytes;
    private long checksum;
    private long power = 1;

    public void add(byte[] text, int length) {
      crc.reset();
      crc.update(text, 0, length);
      checksum += mix((crc.getValue() << 32) ^ length) * power;
      power *= C;
      paragraphs++;
      textBytes += length;
    }

    public int paragraphs() {
      return paragraphs;
    }

    public DocumentDigest build() {
      return new DocumentDigest(paragraphs, textBytes, checksum);
    }
  }

  public static Builder builder() {
    return new Builder();
  }
}
