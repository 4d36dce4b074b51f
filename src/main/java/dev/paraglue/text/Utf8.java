package dev.paraglue.text;

/**
 * UTF-8 as docs/contract.md §1 reads it: the well-formed sequences of Unicode's table 3-7, so no
 * overlong forms, no surrogates and nothing past U+10FFFF.
 */
final class Utf8 {
  private Utf8() {}

  /**
   * Length of the whole, valid UTF-8 sequence of two to four bytes at {@code b[at]} that ends
   * before {@code end}; 0 for anything else (the byte-at-a-time {@link Decoder} then finds what is
   * wrong).
   */
  static int wholeSequenceLength(byte[] b, int at, int end) {
    int lead = b[at] & 0xFF;
    // Most of CJK: E1-EC and EE-EF take any two continuation bytes (E0 and ED narrow the second).
    if (lead >= 0xE1 && lead != 0xED && lead <= 0xEF && at + 3 <= end) {
      return continuation(b[at + 1]) && continuation(b[at + 2]) ? 3 : 0;
    }
    int n = sequenceLength(lead);
    if (n == 0 || at + n > end) {
      return 0;
    }
    int second = b[at + 1] & 0xFF;
    if (second < secondLow(lead) || second > secondHigh(lead)) {
      return 0;
    }
    for (int k = 2; k < n; k++) {
      if (!continuation(b[at + k])) {
        return 0;
      }
    }
    return n;
  }

  /** The code point of the whole, valid sequence of {@code n} bytes at {@code b[at]}. */
  static int codePoint(byte[] b, int at, int n) {
    int cp = b[at] & (0x7F >> n);
    for (int k = 1; k < n; k++) {
      cp = (cp << 6) | (b[at + k] & 0x3F);
    }
    return cp;
  }

  /** Bytes in the UTF-8 sequence a lead byte starts (2 to 4), 0 when it cannot lead one. */
  static int sequenceLength(int lead) {
    if (lead >= 0xC2 && lead <= 0xDF) {
      return 2;
    }
    if (lead >= 0xE0 && lead <= 0xEF) {
      return 3;
    }
    return lead >= 0xF0 && lead <= 0xF4 ? 4 : 0;
  }

  /** Lowest second byte after a lead byte: higher after E0 and F0 (no overlong forms). */
  private static int secondLow(int lead) {
    return lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
  }

  /** Highest second byte after a lead byte: lower after ED (no surrogates) and F4 (≤ U+10FFFF). */
  private static int secondHigh(int lead) {
    return lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
  }

  private static boolean continuation(byte x) {
    return (x & 0xC0) == 0x80;
  }

  /** A multi-byte sequence fed one byte at a time; it may continue in the next read buffer. */
  static final class Decoder {
    /** Continuation bytes still to come; 0 between sequences. */
    private int missing;

    private int codePoint;

    /** The range the next continuation byte must fall in. */
    private int nextLow;

    private int nextHigh;
    private long leadOffset;

    boolean inSequence() {
      return missing != 0;
    }

    /** Where the current (or last) sequence's lead byte is. */
    long leadOffset() {
      return leadOffset;
    }

    /** The code point of the sequence just completed. */
    int codePoint() {
      return codePoint;
    }

    /**
     * Starts a sequence at {@code lead}, found at {@code offset}; false when it cannot lead one.
     */
    boolean start(int lead, long offset) {
      leadOffset = offset;
      int length = sequenceLength(lead);
      if (length == 0) {
        return false;
      }
      missing = length - 1;
      codePoint = lead & (0x7F >> length);
      nextLow = secondLow(lead);
      nextHigh = secondHigh(lead);
      return true;
    }

    /** Adds a continuation byte; false when it is not one the sequence allows here. */
    boolean add(int continuation) {
      if (continuation < nextLow || continuation > nextHigh) {
        return false;
      }
      codePoint = (codePoint << 6) | (continuation & 0x3F);
      nextLow = 0x80;
      nextHigh = 0xBF;
      missing--;
      return true;
    }
  }
}
