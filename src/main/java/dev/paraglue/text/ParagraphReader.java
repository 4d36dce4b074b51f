package dev.paraglue.text;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
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

  /** The smallest read buffer: enough to see a byte order mark in one read. */
  private static final int MIN_BUFFER_SIZE = 64;

  /** A later range may not start before this: a BOM makes offset 3 a line start without an LF. */
  public static final long MIN_RANGE_START = 4;

  /** Where the reader is relative to the paragraphs its range owns. */
  private enum Mode {
    /** Skipping the partial line at a range start. */
    SKIP_PARTIAL_LINE,
    /** Before the range's first blank line: paragraphs here belong to the previous range. */
    BEFORE_BOUNDARY,
    /** Reading owned paragraphs. */
    OWNED
  }

  /** The line being read. */
  private static final class Line {
    /** 1-based, relative to the range's first owned line. */
    long number;

    /** Offset of its first byte. */
    long start;

    /** Only White_Space so far. */
    boolean blank;

    /** A blank-so-far line that passed the paragraph limit: its bytes are no longer kept. */
    boolean overflowed;

    /** Code points so far. */
    int chars;

    /** Its last byte so far is a CR, which an LF next would drop. */
    boolean endsWithCr;

    /** Moves to the line after the LF at {@code lfOffset}. */
    void next(long lfOffset) {
      number++;
      start = lfOffset + 1;
      blank = true;
      overflowed = false;
      chars = 0;
      endsWithCr = false;
    }
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

  // The read buffer: bytes [pos, limit) are still to scan.
  private final byte[] buf;
  private int pos;
  private int limit;

  /** Absolute offset of {@code buf[0]} in the decompressed input. */
  private long bufferOffset;

  /** Bytes of the current line before this index are in {@link #paragraph} (or were dropped). */
  private int copiedTo;

  private boolean eof;

  private Mode mode;
  private boolean started;

  /** The range's end was reached: the current line is its last. */
  private boolean stopAfterLine;

  private final Utf8.Decoder utf8 = new Utf8.Decoder();
  private final Line line = new Line();
  private final ParagraphBuffer paragraph = new ParagraphBuffer();
  private final DocumentDigest.Builder digest = DocumentDigest.builder();

  /** LFs that ended owned lines: the range's line count, for {@link RangeOutcome#lineBases}. */
  private long lineFeeds;

  /** A paragraph for {@link #next()} to return. */
  private Paragraph ready;

  private DocumentOutcome outcome;

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
    return decoding(in, encoding, maxParagraphBytes, Long.MAX_VALUE);
  }

  /**
   * {@link #decoding(InputStream, String, long)} for a document of about {@code expectedBytes}: the
   * read buffer is no larger than it needs to be (a small document need not pay for 64 KiB). The
   * paragraphs are the same whatever the estimate.
   */
  public static ParagraphReader decoding(
      InputStream in, String encoding, long maxParagraphBytes, long expectedBytes)
      throws IOException {
    return new ParagraphReader(
        SourceEncoding.open(in, encoding),
        0,
        () -> Long.MAX_VALUE,
        maxParagraphBytes,
        bufferSize(expectedBytes));
  }

  /** A buffer that holds {@code expectedBytes} and the read that finds the end, within bounds. */
  static int bufferSize(long expectedBytes) {
    return (int) Math.max(MIN_BUFFER_SIZE, Math.min(BUFFER_SIZE - 1L, expectedBytes) + 1);
  }

  private ParagraphReader(InputStream in, long start, LongSupplier end, long maxParagraphBytes) {
    this(in, start, end, maxParagraphBytes, BUFFER_SIZE);
  }

  private ParagraphReader(
      InputStream in, long start, LongSupplier end, long maxParagraphBytes, int bufferSize) {
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
    this.buf = new byte[bufferSize];
    this.decoding = in instanceof DecodingInputStream d ? d : null;
    this.maxParagraphBytes = maxParagraphBytes;
    this.rangeEnd = end;
    this.atDocumentStart = start == 0;
    // A later range reads one byte of look-behind to see whether it starts on a line start.
    this.bufferOffset = atDocumentStart ? 0 : start - 1;
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
      if (mode == Mode.SKIP_PARTIAL_LINE) {
        skipPartialLine();
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
    return decoding == null ? bufferOffset + limit : decoding.sourceRead();
  }

  /** UTF-8 bytes consumed so far: the offset after the buffer's last byte. */
  private long textRead() {
    return bufferOffset + limit;
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
    line.number = 1;
    line.blank = true;
    if (!atDocumentStart) {
      mode = Mode.SKIP_PARTIAL_LINE;
      if (rangeEnd.getAsLong() <= bufferOffset + 1) {
        finishOk(); // known to end where it starts: it owns nothing, and need not be read
      }
      return;
    }
    mode = Mode.OWNED;
    // Read at least three bytes (or to the end) to see a byte order mark.
    while (!eof && limit < 3 && outcome == null) {
      readMore();
    }
    if (limit >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
      pos = 3;
    }
    line.start = pos;
  }

  private void fill() {
    bufferOffset += limit;
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

  /** SKIP_PARTIAL_LINE: skips to the first line that starts at or after the range start. */
  private void skipPartialLine() {
    for (int i = pos; i < limit; i++) {
      if (buf[i] == '\n') {
        pos = i + 1;
        line.start = bufferOffset + pos;
        mode = Mode.BEFORE_BOUNDARY;
        return;
      }
    }
    pos = limit;
  }

  /**
   * BEFORE_BOUNDARY or OWNED: scans from {@code pos} to the end of the buffer, the first finished
   * paragraph or a rejection. Line bytes go to the paragraph in segments, each ending at an LF, at
   * the end of the buffer, or at the byte that makes an owned paragraph too large (so that it is
   * rejected there, wherever buffers end).
   */
  private void scan() {
    copiedTo = pos;
    while (pos < limit) {
      int end = segmentEnd();
      scanSegment(end);
      if (ready != null || outcome != null) {
        return;
      }
      if (pos == end && end < limit) {
        copyLineBytes(
            pos); // the owned paragraph just passed the limit (or a blank-so-far line did)
        if (outcome != null) {
          return;
        }
      }
    }
    copyLineBytes(pos);
  }

  /** Where the current segment ends: at the byte past which the owned paragraph is too large. */
  private int segmentEnd() {
    if (mode != Mode.OWNED || line.overflowed) {
      return limit;
    }
    long room = maxParagraphBytes + 2 - paragraph.lengthBeforeNextByte();
    return room < limit - pos ? pos + (int) Math.max(room, 1) : limit;
  }

  /** Scans from {@code pos} to {@code end}, or through the first LF; stops early when rejected. */
  private void scanSegment(int end) {
    final byte[] b = buf;
    int i = pos;
    while (i < end) {
      if (!utf8.inSequence()) {
        int after = line.blank ? i : skipText(b, i, end);
        if (after > i) {
          i = after;
          continue;
        }
        int n = b[i] < 0 ? Utf8.wholeSequenceLength(b, i, end) : 0;
        if (n > 0) {
          if (!wholeSequence(b, i, n)) {
            return;
          }
          i += n;
          continue;
        }
      }
      int x = b[i];
      if (x < 0) {
        if (!decode(x & 0xFF, bufferOffset + i)) {
          return;
        }
      } else if (utf8.inSequence()) {
        reject(RejectReason.INVALID_UTF8, utf8.leadOffset(), "truncated multi-byte sequence");
        return;
      } else if (x == '\n') {
        lineFeed(i);
        return;
      } else if (x == 0) {
        reject(RejectReason.BINARY_CONTENT, bufferOffset + i, "U+0000");
        return;
      } else if (!ascii(x)) {
        return;
      }
      i++;
    }
    pos = i;
  }

  /**
   * Inside a non-blank line: skips printable ASCII and whole, valid UTF-8 sequences, which only
   * need counting, and returns where it stopped. Anything else (LF, CR, controls, a sequence that
   * is invalid or not whole before {@code end}) is left to the byte-at-a-time path.
   */
  private int skipText(byte[] b, int from, int end) {
    int i = from;
    int chars = 0;
    while (i < end) {
      int c = b[i];
      if (c > '\r') {
        int run = i;
        do {
          i++;
        } while (i < end && b[i] > '\r');
        chars += i - run;
        continue;
      }
      if (c >= 0) {
        break;
      }
      int n = Utf8.wholeSequenceLength(b, i, end);
      if (n == 0) {
        break;
      }
      i += n;
      chars++;
    }
    if (i > from) {
      line.chars += chars;
      line.endsWithCr = false;
    }
    return i;
  }

  /**
   * The whole, valid sequence of {@code n} bytes at {@code b[at]}: the byte-at-a-time decoder's
   * counting and blank test at once. False when the document was rejected.
   */
  private boolean wholeSequence(byte[] b, int at, int n) {
    line.chars++;
    line.endsWithCr = false;
    if (line.blank && !Whitespace.isWhiteSpace(Utf8.codePoint(b, at, n))) {
      nonBlank();
      return outcome == null;
    }
    return true;
  }

  /** An ASCII byte other than LF and NUL; false when the document was rejected. */
  private boolean ascii(int x) {
    line.chars++;
    if (line.blank && x != ' ' && (x < 9 || x > 13)) {
      nonBlank();
      if (outcome != null) {
        return false;
      }
    }
    line.endsWithCr = x == '\r';
    return true;
  }

  /** Feeds one non-ASCII byte to the UTF-8 decoder; false when the document was rejected. */
  private boolean decode(int ub, long offset) {
    line.endsWithCr = false;
    if (!utf8.inSequence()) {
      if (!utf8.start(ub, offset)) {
        reject(RejectReason.INVALID_UTF8, offset, String.format("byte 0x%02X", ub));
        return false;
      }
      line.chars++;
      return true;
    }
    if (!utf8.add(ub)) {
      reject(RejectReason.INVALID_UTF8, utf8.leadOffset(), "invalid multi-byte sequence");
      return false;
    }
    if (!utf8.inSequence() && line.blank && !Whitespace.isWhiteSpace(utf8.codePoint())) {
      nonBlank();
      return outcome == null;
    }
    return true;
  }

  /** The current line turned out not to be blank. */
  private void nonBlank() {
    line.blank = false;
    if (line.overflowed && mode == Mode.OWNED) {
      rejectTooLarge();
    }
  }

  /** The LF at {@code buf[at]} ends the current line. */
  private void lineFeed(int at) {
    copyLineBytes(at);
    pos = at + 1;
    copiedTo = pos;
    if (outcome == null) {
      endLine(bufferOffset + at);
    }
  }

  /** Copies the current line's bytes before {@code to} to the owned paragraph. */
  private void copyLineBytes(int to) {
    int from = copiedTo;
    copiedTo = to;
    if (to == from || line.overflowed || mode != Mode.OWNED) {
      return;
    }
    // One byte of slack for a CR that the LF may drop.
    if (!paragraph.append(buf, from, to - from, maxParagraphBytes + 1)) {
      if (!line.blank) {
        rejectTooLarge();
        return;
      }
      line.overflowed = true;
    }
  }

  /** Ends the current line; {@code lfOffset} is the offset of its LF, or of the end of input. */
  private void endLine(long lfOffset) {
    if (mode == Mode.BEFORE_BOUNDARY) {
      endLineBeforeBoundary(lfOffset);
      return;
    }
    long contentEnd = lfOffset;
    boolean atEof = lfOffset == textRead() && eof;
    if (!atEof) {
      lineFeeds++;
      if (line.endsWithCr) {
        contentEnd--;
        line.chars--;
        if (!line.overflowed) {
          paragraph.dropLineCr();
        }
      }
    }
    if (line.blank) {
      paragraph.dropLine();
      if (paragraph.isOpen()) {
        ready = paragraph.close(digest);
      }
      if (line.start >= rangeEnd.getAsLong()) {
        stopAfterLine = true;
      }
    } else if (line.overflowed || paragraph.longerThan(maxParagraphBytes)) {
      rejectTooLarge();
      return;
    } else {
      paragraph.addLine(line.start, line.number, line.chars, contentEnd);
    }
    nextLine(lfOffset);
    if (stopAfterLine && ready == null) {
      finishOk();
    }
  }

  /** BEFORE_BOUNDARY: a blank line is the boundary, unless it lies beyond the range. */
  private void endLineBeforeBoundary(long lfOffset) {
    if (line.blank) {
      if (line.start >= rangeEnd.getAsLong()) {
        stopAfterLine = true; // the boundary lies beyond this range: it owns nothing
      } else {
        mode = Mode.OWNED;
        line.number = 0;
      }
    }
    nextLine(lfOffset);
    if (stopAfterLine) {
      finishOk();
    }
  }

  private void nextLine(long lfOffset) {
    paragraph.startLine();
    line.next(lfOffset);
  }

  private void finish() {
    if (invalidEncoding != null) {
      rejectAtSource(invalidEncoding);
      return;
    }
    if (utf8.inSequence()) {
      reject(
          RejectReason.INVALID_UTF8,
          utf8.leadOffset(),
          "truncated multi-byte sequence at end of input");
      return;
    }
    if (mode == Mode.OWNED) {
      long eofOffset = textRead();
      if (eofOffset > line.start || line.overflowed) {
        endLine(eofOffset); // last line without a final LF
        if (outcome != null) {
          return;
        }
      }
      if (paragraph.isOpen()) {
        ready = paragraph.close(digest);
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
    long start = paragraph.isOpen() ? paragraph.startOffset() : line.start;
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
