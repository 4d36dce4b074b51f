package dev.paraglue.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;

/**
 * A document in some charset, read as UTF-8: decoded strictly (a malformed or unmappable sequence
 * ends the stream with an {@link EncodingException} at its source offset; nothing becomes U+FFFD),
 * one code point at a time so that {@link #map()} knows where each came from in the source.
 */
final class DecodingInputStream extends InputStream {
  private static final int BUFFER_SIZE = 1 << 16;

  private final InputStream in;
  private final Charset charset;
  private final CharsetDecoder decoder;
  private final ByteBuffer src = ByteBuffer.allocate(BUFFER_SIZE).flip();
  private final CharBuffer one = CharBuffer.allocate(2);
  private final OffsetMap map = new OffsetMap();

  /** Source offset of {@code src}'s first byte. */
  private long srcBase;

  /** Source offset after the last code point handed on: bytes a decoder skips join the next. */
  private long lastEnd;

  private boolean srcEof;
  private EncodingException failed;
  private boolean done;
  private long utf8Written;

  /** UTF-8 bytes of the last code point not yet handed out. */
  private final byte[] pending = new byte[4];

  private int pendingPos;
  private int pendingLen;

  /**
   * Reads {@code in} in {@code charset}; its first {@code markLength} bytes are a byte order mark
   * already recognised, handed on as UTF-8's (which the splitter drops) whatever the decoder would
   * make of it.
   */
  DecodingInputStream(InputStream in, Charset charset, int markLength) throws IOException {
    this.in = in;
    this.charset = charset;
    this.decoder =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    if (markLength > 0) {
      in.readNBytes(markLength);
      srcBase = markLength;
      lastEnd = markLength;
      pendingLen = utf8(0xFEFF, pending);
      map.add(0, 0, pendingLen, markLength);
      utf8Written = pendingLen;
    }
  }

  /** UTF-8 offsets of what was read so far, mapped to source offsets. */
  OffsetMap map() {
    return map;
  }

  /** Source bytes decoded so far. */
  long sourceRead() {
    return srcBase + src.position();
  }

  @Override
  public int read() throws IOException {
    byte[] b = new byte[1];
    return read(b, 0, 1) < 0 ? -1 : b[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (failed != null) {
      throw failed;
    }
    int n = 0;
    while (n < len) {
      try {
        if (pendingPos == pendingLen && !decodeOne()) {
          break;
        }
      } catch (EncodingException e) {
        if (n == 0) {
          throw e;
        }
        failed = e; // hand on the text before it first: the splitter may find an earlier problem
        break;
      }
      int k = Math.min(len - n, pendingLen - pendingPos);
      System.arraycopy(pending, pendingPos, b, off + n, k);
      pendingPos += k;
      n += k;
    }
    return n == 0 ? -1 : n;
  }

  /** Decodes the next code point into {@link #pending}; false at the end of the document. */
  private boolean decodeOne() throws IOException {
    while (!done) {
      one.clear().limit(1);
      CoderResult r = decoder.decode(src, one, srcEof);
      if (r.isOverflow() && one.position() == 0) {
        one.limit(2); // a supplementary code point: two chars
        r = decoder.decode(src, one, srcEof);
      }
      if (one.position() > 0) {
        // First the code point: an error reported with it lies after it, and is met again next.
        emit(lastEnd);
        return true;
      }
      if (r.isError()) {
        throw reject(r);
      }
      if (r.isUnderflow()) {
        if (srcEof) {
          finish();
        } else {
          refill();
        }
      }
    }
    return false;
  }

  private void emit(long before) throws EncodingException {
    char c = one.get(0);
    int cp = c;
    if (Character.isSurrogate(c)) {
      if (one.position() < 2 || !Character.isSurrogatePair(c, one.get(1))) {
        throw new EncodingException(
            new Rejection(
                RejectReason.INVALID_ENCODING, before, "unpaired surrogate in " + charset.name()));
      }
      cp = Character.toCodePoint(c, one.get(1));
    }
    pendingPos = 0;
    pendingLen = utf8(cp, pending);
    lastEnd = sourceRead();
    map.add(utf8Written, before, pendingLen, (int) (lastEnd - before));
    utf8Written += pendingLen;
  }

  private void finish() throws IOException {
    one.clear();
    CoderResult r = decoder.flush(one);
    if (r.isError()) {
      throw reject(r);
    }
    if (one.position() > 0) {
      throw new EncodingException(
          new Rejection(
              RejectReason.INVALID_ENCODING,
              sourceRead(),
              "incomplete sequence at end of input in " + charset.name()));
    }
    done = true;
  }

  private void refill() throws IOException {
    srcBase += src.position();
    src.compact();
    try {
      while (src.hasRemaining()) {
        int r = in.read(src.array(), src.position(), src.remaining());
        if (r < 0) {
          srcEof = true;
          break;
        }
        src.position(src.position() + r);
        if (r == 0) {
          break;
        }
      }
    } finally {
      src.flip();
    }
  }

  private EncodingException reject(CoderResult r) {
    String kind = r.isMalformed() ? "malformed" : "unmappable";
    return new EncodingException(
        new Rejection(
            RejectReason.INVALID_ENCODING,
            sourceRead(),
            kind + " input (" + r.length() + " bytes) in " + charset.name()));
  }

  /** Writes a code point as UTF-8; returns its length. */
  private static int utf8(int cp, byte[] out) {
    if (cp < 0x80) {
      out[0] = (byte) cp;
      return 1;
    }
    if (cp < 0x800) {
      out[0] = (byte) (0xC0 | cp >> 6);
      out[1] = (byte) (0x80 | (cp & 0x3F));
      return 2;
    }
    if (cp < 0x10000) {
      out[0] = (byte) (0xE0 | cp >> 12);
      out[1] = (byte) (0x80 | (cp >> 6 & 0x3F));
      out[2] = (byte) (0x80 | (cp & 0x3F));
      return 3;
    }
    out[0] = (byte) (0xF0 | cp >> 18);
    out[1] = (byte) (0x80 | (cp >> 12 & 0x3F));
    out[2] = (byte) (0x80 | (cp >> 6 & 0x3F));
    out[3] = (byte) (0x80 | (cp & 0x3F));
    return 4;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** A document that is not valid in its charset, as the rejection it gets. */
  static final class EncodingException extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Rejection rejection;

    EncodingException(Rejection rejection) {
      super(rejection.toString());
      this.rejection = rejection;
    }

    Rejection rejection() {
      return rejection;
    }
  }
}
