package dev.paraglue.text;

import java.util.Arrays;

/**
 * The owned paragraph being read: its text so far (lines joined by LF, CRs before LFs dropped) and
 * where it started. Bytes of the current line are appended as they are read, before the line is
 * known to be blank; a blank line takes them back ({@link #dropLine}).
 */
final class ParagraphBuffer {
  private byte[] text = new byte[256];
  private int length;

  /** {@link #length} before the current line and its tentative separator. */
  private int lineMark;

  private boolean open;
  private long startOffset;
  private long firstLine;
  private long endOffset;
  private int chars;

  boolean isOpen() {
    return open;
  }

  /** Offset of the paragraph's first byte; meaningful while {@link #isOpen()}. */
  long startOffset() {
    return startOffset;
  }

  /** The length the paragraph reaches before the current line's next byte: with its separator. */
  long lengthBeforeNextByte() {
    return length + (open && lineMark == length ? 1 : 0);
  }

  /** Whether the text (with the current line) is longer than {@code max} bytes. */
  boolean longerThan(long max) {
    return length > max;
  }

  /**
   * Appends {@code len > 0} bytes of the current line, after the LF that joins the line to an open
   * paragraph when they are its first. False, leaving them out, when the text would pass {@code
   * maxLength}.
   */
  boolean append(byte[] src, int from, int len, long maxLength) {
    if (lineMark == length && open) {
      ensure(1);
      text[length++] = '\n';
    }
    if ((long) length + len > maxLength) {
      return false;
    }
    ensure(len);
    System.arraycopy(src, from, text, length, len);
    length += len;
    return true;
  }

  private void ensure(int more) {
    int needed = length + more;
    if (needed > text.length) {
      text =
          Arrays.copyOf(
              text, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * text.length)));
    }
  }

  /** Drops the CR that ends the current line's bytes, if the line appended any. */
  void dropLineCr() {
    if (length > lineMark) {
      length--;
    }
  }

  /** The current line was blank: takes back what it appended, its separator included. */
  void dropLine() {
    length = lineMark;
  }

  /** The current line is the paragraph's next (or first) line. */
  void addLine(long lineStart, long lineNumber, int lineChars, long contentEnd) {
    if (!open) {
      open = true;
      startOffset = lineStart;
      firstLine = lineNumber;
      chars = 0;
    } else {
      chars++; // the joining LF
    }
    chars += lineChars;
    endOffset = contentEnd;
  }

  /** A new line starts: what it appends is tentative until it ends. */
  void startLine() {
    lineMark = length;
  }

  /** Closes the paragraph, adds its text to {@code digest} and returns it. */
  Paragraph close(DocumentDigest.Builder digest) {
    byte[] bytes = Arrays.copyOf(text, length);
    digest.add(bytes, bytes.length);
    open = false;
    length = 0;
    return new Paragraph(
        digest.paragraphs() - 1,
        firstLine,
        startOffset,
        (int) (endOffset - startOffset),
        chars,
        bytes);
  }
}
