package dev.paraglue.text;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Streaming splitter: pulls a document's bytes from an {@link InputStream} and yields its
 * paragraphs one at a time, per docs/contract.md §1, holding at most one paragraph and one read
 * buffer in memory.
 *
 * <p>Call {@link #next()} until it returns {@code null}, then read {@link #outcome()}. A rejected
 * document stops at the point where the problem was found; paragraphs already returned belong to a
 * rejected document and must be discarded by the caller.
 *
 * <p><b>Byte ranges.</b> A large document can be split by several readers, one per byte range
 * {@code [start, end)}, the way Hadoop splits text ({@link #range}). The boundary between range
 * {@code k-1} and {@code k} is the first blank line that starts at or after {@code start_k}: range
 * {@code k} skips to it and owns the paragraphs after it; range {@code k-1} reads past its end up
 * to and including it. Every paragraph is thus read by exactly one range. A range reports indexes
 * and line numbers relative to its own first line; {@link RangeOutcome#indexBases} and {@link
 * RangeOutcome#lineBases} turn per-range counts into the offsets that make them global.
 */
public final class ParagraphReader implements Closeable {
  private static final int BUFFER_SIZE = 1 << 16;

  /** A later range may not start before this: a BOM makes offset 3 a line start without an LF. */
  public static final long MIN_RANGE_START = 4;

  private enum Mode {
    /** Skipping the partial line at a range start. */
    SEEK,
    /** Before the range's first blank line: paragraphs here belong to the previous range. */
    FIND,
    /** Reading owned paragraphs. */
    OWN
  }

  private final InputStream in;
  private final long maxParagraphBytes;

  /**
   * For a document in another charset, the stream that transcodes it to UTF-8: paragraph and
   * rejection offsets are mapped through it to source offsets. Null for UTF-8.
   */
  private final DecodingInputStream decoding;

  /** Where {@link #decoding} found the source invalid, once the text before it is read. */
  private Rejection invalidEncoding;

  /** Where the range ends: {@code Long.MAX_VALUE} for a whole document, or until it is known. */
  private final LongSupplier rangeEnd;

  private final boolean atDocumentStart;
  private final byte[] buf = new byte[BUFFER_SIZE];
  private int pos;
  private int limit;

  /** Absolute offset of {@code buf[0]} in the decompressed input. */
  private long bufStart;

  private Mode mode;
  private boolean started;
  private boolean eof;
  private boolean stopAfterLine;
  private DocumentOutcome outcome;
  private final DocumentDigest.Builder digest = DocumentDigest.builder();
  private long lineFeeds;

  // UTF-8 decoder state, carried across buffer refills.
  private int need;
  private int cp;
  private int lo;
  private int hi;
  private long leadOffset;

  // Current line.
  private long lineNumber;
  private long lineStart;
  private boolean lineBlank;
  private boolean lineOverflow;
  private int lineChars;
  private boolean lastByteCr;

  /** Length of {@link #para} before the current line (and its tentative separator). */
  private int lineMark;

  // Current paragraph.
  private byte[] para = new byte[256];
  private int paraLen;
  private boolean paraOpen;
  private long paraStart;
  private long paraLine;
  private long paraEnd;
  private int paraChars;

  private Paragraph ready;

  /** A reader for a whole document; {@code in} is at its first byte. */
  public ParagraphReader(InputStream in, long maxParagraphBytes) {
    this(in, 0, () -> Long.MAX_VALUE, maxParagraphBytes);
  }

  /**
   * A reader for a whole document in {@code encoding} (a {@link SourceEncoding#canonical} name):
   * lines, paragraphs and counts are those of its code points, text is UTF-8, and offsets are
   * offsets into {@code in}'s bytes. UTF-8 reads exactly as {@link #ParagraphReader(InputStream,
   * long)}.
   */
  public static ParagraphReader decoding(InputStream in, String encoding, long maxParagraphBytes)
      throws IOException {
    return new ParagraphReader(
        SourceEncoding.open(in, encoding), 0, () -> Long.MAX_VALUE, maxParagraphBytes);
  }

  private ParagraphReader(InputStream in, long start, LongSupplier end, long maxParagraphBytes) {
    if (maxParagraphBytes <= 0 || maxParagraphBytes > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "Cannot split with max paragraph bytes "
              + maxParagraphBytes
              + ": must be in [1, 2^31-17]");
    }
    if (start < 0 || (start > 0 && start < MIN_RANGE_START)) {
      throw new IllegalArgumentException(
          "Cannot split a byte range starting at "
              + start
              + ": negative, or inside a possible byte order mark");
    }
    this.in = in;
    this.decoding = in instanceof DecodingInputStream d ? d : null;
    this.maxParagraphBytes = maxParagraphBytes;
    this.rangeEnd = end;
    this.atDocumentStart = start == 0;
    // A later range reads one byte of look-behind to see whether it starts on a line start.
    this.bufStart = atDocumentStart ? 0 : start - 1;
  }

  /**
   * A reader for the byte range {@code [start, end)} of a document. {@code in} must be positioned
   * at {@code start - 1} when {@code start > 0} (one byte of look-behind), else at 0; the reader
   * reads past {@code end} as far as the boundary rule needs.
   */
  public static ParagraphReader range(
      InputStream in, long start, long end, long maxParagraphBytes) {
    if (end <= start) {
      throw new IllegalArgumentException(
          "Cannot split byte range [" + start + ", " + end + "): it is empty");
    }
    return new ParagraphReader(in, start, () -> end, maxParagraphBytes);
  }

  /**
   * A reader for a range whose end is learnt while reading it, as a bzip2 range's end is (where its
   * last block ends). {@code end} answers {@code Long.MAX_VALUE} until it is known, and must know
   * it before {@code in} yields a byte at or past that offset: the reader compares a line start
   * with the end only once it has read past the line start. A range known to end where it starts (a
   * bzip2 range holding no block start) owns nothing and reads nothing.
   */
  public static ParagraphReader range(
      InputStream in, long start, LongSupplier end, long maxParagraphBytes) {
    return new ParagraphReader(in, start, end, maxParagraphBytes);
  }

  /** Returns the next paragraph, or {@code null} when the range ended or was rejected. */
  public Paragraph next() {
    if (outcome != null) {
      return null;
    }
    if (!started) {
      start();
    }
    while (ready == null && outcome == null) {
      if (stopAfterLine) {
        finishOk();
        break;
      }
      if (pos >= limit) {
        if (eof) {
          finish();
          break;
        }
        fill();
        continue;
      }
      if (mode == Mode.SEEK) {
        seekLineStart();
      } else {
        scan();
      }
    }
    Paragraph p = ready;
    ready = null;
    return decoding == null || p == null ? p : inSource(p);
  }

  /** A paragraph of the transcoded text, with its offsets in the source bytes. */
  private Paragraph inSource(Paragraph p) {
    long start = source(p.byteOffset());
    long end = source(p.byteOffset() + p.byteLength());
    return new Paragraph(
        p.index(), p.lineNumber(), start, (int) (end - start), p.charCount(), p.textBytes());
  }

  /** The document's outcome; available once {@link #next()} returned {@code null}. */
  public DocumentOutcome outcome() {
    if (outcome == null) {
      throw new IllegalStateException("Cannot read the outcome before the document is consumed");
    }
    return outcome;
  }

  /** The range's outcome, with the counts that make its paragraphs global. */
  public RangeOutcome rangeOutcome() {
    return new RangeOutcome(outcome(), lineFeeds);
  }

  /** Decompressed bytes consumed so far, as an absolute offset (of the source, when decoding). */
  public long bytesRead() {
    return decoding == null ? bufStart + limit : decoding.sourceRead();
  }

  /** UTF-8 bytes consumed so far: the offset after the buffer's last byte. */
  private long textRead() {
    return bufStart + limit;
  }

  /** The source offset of a UTF-8 offset (the same, for UTF-8). */
  private long source(long textOffset) {
    return decoding == null ? textOffset : decoding.map().source(textOffset);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void start() {
    started = true;
    lineNumber = 1;
    lineBlank = true;
    if (!atDocumentStart) {
      mode = Mode.SEEK;
      if (rangeEnd.getAsLong() <= bufStart + 1) {
        finishOk(); // known to end where it starts: it owns nothing, and need not be read
      }
      return;
    }
    mode = Mode.OWN;
    // Read at least three bytes (or to the end) to see a byte order mark.
    while (!eof && limit < 3 && outcome == null) {
      readMore();
    }
    if (limit >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
      pos = 3;
    }
    lineStart = pos;
  }

  private void fill() {
    bufStart += limit;
    pos = 0;
    limit = 0;
    readMore();
  }

  private void readMore() {
    try {
      int n = in.read(buf, limit, buf.length - limit);
      if (n < 0) {
        eof = true;
      } else {
        limit += n;
      }
    } catch (DecodingInputStream.EncodingException e) {
      // The text before it is read first: a problem found there comes first in the document.
      invalidEncoding = e.rejection();
      eof = true;
    } catch (IOException | RuntimeException e) {
      // Decompressors throw unchecked exceptions on corrupt input too.
      reject(RejectReason.UNREADABLE, textRead(), Rejection.detailOf(e));
    }
  }

  /** SEEK: skips to the first line that starts at or after the range start. */
  private void seekLineStart() {
    for (int i = pos; i < limit; i++) {
      if (buf[i] == '\n') {
        pos = i + 1;
        lineStart = bufStart + pos;
        mode = Mode.FIND;
        return;
      }
    }
    pos = limit;
  }

  /** Scans from {@code pos} to the end of the buffer or the first finished paragraph. */
  private void scan() {
    final byte[] b = buf;
    int i = pos;
    int segStart = i;
    while (i < limit) {
      // Stop exactly at the byte that makes an owned paragraph too large, wherever buffers end.
      int end = limit;
      if (mode == Mode.OWN && !lineOverflow) {
        long room = maxParagraphBytes + 2 - paraLen - (paraOpen && lineMark == paraLen ? 1 : 0);
        room -= i - segStart;
        if (room < end - i) {
          end = i + (int) Math.max(room, 1);
        }
      }
      while (i < end) {
        if (!lineBlank && need == 0) {
          // Fast path inside a non-blank line: printable ASCII and whole, valid UTF-8 sequences
          // only need counting. Anything else (LF, CR, controls, a sequence that is invalid or not
          // whole before end) is left to the byte-at-a-time path below.
          int j = i;
          int chars = 0;
          while (j < end) {
            int c = b[j];
            if (c > '\r') {
              j++;
            } else if (c >= 0) {
              break;
            } else {
              int n = sequenceLength(b, j, end);
              if (n == 0) {
                break;
              }
              j += n;
            }
            chars++;
          }
          if (j > i) {
            lineChars += chars;
            lastByteCr = false;
            i = j;
            continue;
          }
        }
        int x = b[i];
        if (x >= 0) {
          if (need != 0) {
            reject(RejectReason.INVALID_UTF8, leadOffset, "truncated multi-byte sequence");
            return;
          }
          if (x == '\n') {
            append(b, segStart, i - segStart);
            i++;
            pos = i;
            if (outcome != null) {
              return;
            }
            endLine(bufStart + i - 1);
            if (ready != null || outcome != null) {
              return;
            }
            segStart = i;
            break; // recompute the room for the new line
          }
          if (x == 0) {
            reject(RejectReason.BINARY_CONTENT, bufStart + i, "U+0000");
            return;
          }
          lineChars++;
          if (lineBlank && x != ' ' && (x < 9 || x > 13)) {
            nonBlank();
            if (outcome != null) {
              return;
            }
          }
          lastByteCr = x == '\r';
        } else if (!decode(x & 0xFF, bufStart + i)) {
          return;
        }
        i++;
      }
      if (i == end && end < limit) {
        // The owned paragraph just passed the limit (or a blank-so-far line did).
        append(b, segStart, i - segStart);
        segStart = i;
        if (outcome != null) {
          pos = i;
          return;
        }
      }
    }
    append(b, segStart, i - segStart);
    pos = i;
  }

  /**
   * Length of the whole, valid UTF-8 sequence of two to four bytes at {@code b[j]} that ends before
   * {@code end}; 0 for anything else (the byte-at-a-time decoder then finds what is wrong).
   */
  static int sequenceLength(byte[] b, int j, int end) {
    int b0 = b[j] & 0xFF;
    int n = sequenceLength(b0);
    if (n == 0 || j + n > end) {
      return 0;
    }
    int b1 = b[j + 1] & 0xFF;
    if (b1 < secondLow(b0) || b1 > secondHigh(b0)) {
      return 0;
    }
    for (int k = 2; k < n; k++) {
      if (!continuation(b[j + k])) {
        return 0;
      }
    }
    return n;
  }

  /** Bytes in the UTF-8 sequence a lead byte starts (2 to 4), 0 when it cannot lead one. */
  private static int sequenceLength(int lead) {
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

  /** The current line turned out not to be blank. */
  private void nonBlank() {
    lineBlank = false;
    if (lineOverflow && mode == Mode.OWN) {
      rejectTooLarge();
    }
  }

  /** Feeds one non-ASCII byte to the UTF-8 decoder; false when the document was rejected. */
  private boolean decode(int ub, long offset) {
    lastByteCr = false;
    if (need == 0) {
      leadOffset = offset;
      int length = sequenceLength(ub);
      if (length == 0) {
        reject(RejectReason.INVALID_UTF8, offset, String.format("byte 0x%02X", ub));
        return false;
      }
      need = length - 1;
      cp = ub & (0x7F >> length);
      lo = secondLow(ub);
      hi = secondHigh(ub);
      lineChars++;
      return true;
    }
    if (ub < lo || ub > hi) {
      reject(RejectReason.INVALID_UTF8, leadOffset, "invalid multi-byte sequence");
      return false;
    }
    cp = (cp << 6) | (ub & 0x3F);
    lo = 0x80;
    hi = 0xBF;
    if (--need == 0 && lineBlank && !Whitespace.isWhiteSpace(cp)) {
      nonBlank();
      return outcome == null;
    }
    return true;
  }

  /** Appends owned line bytes to the paragraph buffer; a still-blank line may overflow. */
  private void append(byte[] src, int from, int len) {
    if (len == 0 || lineOverflow || mode != Mode.OWN) {
      return;
    }
    if (lineMark == paraLen && paraOpen) {
      // First bytes of a line inside an open paragraph: tentative separator.
      ensure(1);
      para[paraLen++] = '\n';
    }
    // One byte of slack for a CR that the LF may drop.
    if ((long) paraLen + len > maxParagraphBytes + 1) {
      if (!lineBlank) {
        rejectTooLarge();
        return;
      }
      lineOverflow = true;
      return;
    }
    ensure(len);
    System.arraycopy(src, from, para, paraLen, len);
    paraLen += len;
  }

  private void ensure(int more) {
    int needed = paraLen + more;
    if (needed > para.length) {
      para =
          Arrays.copyOf(
              para, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * para.length)));
    }
  }

  /** Ends the current line; {@code lfOffset} is the offset of its LF, or of the end of input. */
  private void endLine(long lfOffset) {
    boolean atEof = lfOffset == textRead() && eof;
    if (mode == Mode.FIND) {
      if (lineBlank) {
        if (lineStart >= rangeEnd.getAsLong()) {
          stopAfterLine = true; // the boundary lies beyond this range: it owns nothing
        } else {
          mode = Mode.OWN;
          lineNumber = 0;
        }
      }
      nextLine(lfOffset);
      if (stopAfterLine) {
        finishOk();
      }
      return;
    }
    long contentEnd = lfOffset;
    if (!atEof) {
      lineFeeds++;
      if (lastByteCr) {
        contentEnd--;
        lineChars--;
        if (!lineOverflow && paraLen > lineMark) {
          paraLen--;
        }
      }
    }
    if (lineBlank) {
      paraLen = lineMark;
      if (paraOpen) {
        emit();
      }
      if (lineStart >= rangeEnd.getAsLong()) {
        stopAfterLine = true;
      }
    } else if (lineOverflow || paraLen > maxParagraphBytes) {
      rejectTooLarge();
      return;
    } else {
      if (!paraOpen) {
        paraOpen = true;
        paraStart = lineStart;
        paraLine = lineNumber;
        paraChars = 0;
      } else {
        paraChars++; // the joining LF
      }
      paraChars += lineChars;
      paraEnd = contentEnd;
    }
    nextLine(lfOffset);
    if (stopAfterLine && ready == null) {
      finishOk();
    }
  }

  private void nextLine(long lfOffset) {
    lineMark = paraLen;
    lineNumber++;
    lineStart = lfOffset + 1;
    lineBlank = true;
    lineOverflow = false;
    lineChars = 0;
    lastByteCr = false;
  }

  private void emit() {
    byte[] text = Arrays.copyOf(para, paraLen);
    digest.add(text, text.length);
    ready =
        new Paragraph(
            digest.paragraphs() - 1,
            paraLine,
            paraStart,
            (int) (paraEnd - paraStart),
            paraChars,
            text);
    paraOpen = false;
    paraLen = 0;
  }

  private void finish() {
    if (invalidEncoding != null) {
      rejectAtSource(invalidEncoding);
      return;
    }
    if (need != 0) {
      reject(
          RejectReason.INVALID_UTF8, leadOffset, "truncated multi-byte sequence at end of input");
      return;
    }
    if (mode == Mode.OWN) {
      long eofOffset = textRead();
      if (eofOffset > lineStart || lineOverflow) {
        endLine(eofOffset); // last line without a final LF
        if (outcome != null) {
          return;
        }
      }
      if (paraOpen) {
        emit();
      }
    }
    finishOk();
  }

  private void finishOk() {
    if (outcome == null) {
      outcome = DocumentOutcome.ok(digest.build(), bytesRead());
    }
  }

  private void rejectTooLarge() {
    long start = paraOpen ? paraStart : lineStart;
    reject(
        RejectReason.PARAGRAPH_TOO_LARGE,
        start,
        "paragraph longer than " + maxParagraphBytes + " bytes");
  }

  /** Rejects the document for a problem at UTF-8 offset {@code offset}. */
  private void reject(RejectReason reason, long offset, String detail) {
    rejectAtSource(new Rejection(reason, source(offset), detail));
  }

  private void rejectAtSource(Rejection rejection) {
    if (outcome == null) {
      outcome = DocumentOutcome.rejected(rejection, bytesRead());
    }
    ready = null;
  }
}
