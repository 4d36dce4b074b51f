package dev.paraglue.text;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One paragraph of a document (docs/contract.md §1): a maximal run of non-blank lines.
 *
 * <p>{@code [byteOffset, byteOffset + byteLength)} of the decompressed source, with every CRLF made
 * LF, is exactly {@link #textBytes()}.
 */
public final class Paragraph {
  private final int index;
  private final long lineNumber;
  private final long byteOffset;
  private final int byteLength;
  private final int charCount;
  private final byte[] textBytes;

  public Paragraph(
      int index,
      long lineNumber,
      long byteOffset,
      int byteLength,
      int charCount,
      byte[] textBytes) {
    this.index = index;
    this.lineNumber = lineNumber;
    this.byteOffset = byteOffset;
    this.byteLength = byteLength;
    this.charCount = charCount;
    this.textBytes = textBytes;
  }

  /** Position in the document, from 0, in document order, without gaps. */
  public int index() {
    return index;
  }

  /** 1-based number of the paragraph's first line in the decompressed input. */
  public long lineNumber() {
    return lineNumber;
  }

  /** Offset of the paragraph's first byte in the decompressed input (a BOM counts). */
  public long byteOffset() {
    return byteOffset;
  }

  /** Source bytes up to the end of the last line's content, CR and LF excluded. */
  public int byteLength() {
    return byteLength;
  }

  /** Number of Unicode code points in the text. */
  public int charCount() {
    return charCount;
  }

  /** The text in UTF-8: the lines as in the input, joined by one LF. Do not modify. */
  @SuppressWarnings("EffectivelyPrivate")
  public byte[] textBytes() {
    return textBytes;
  }

  public String text() {
    return new String(textBytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Paragraph p)) {
      return false;
    }
    return index == p.index
        && lineNumber == p.lineNumber
        && byteOffset == p.byteOffset
        && byteLength == p.byteLength
        && charCount == p.charCount
        && Arrays.equals(textBytes, p.textBytes);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(byteOffset) * 31 + Arrays.hashCode(textBytes);
  }

  @Override
  public String toString() {
    return String.format(
        "Paragraph{index=%d, line=%d, offset=%d, length=%d, chars=%d}",
        index, lineNumber, byteOffset, byteLength, charCount);
  }
}
