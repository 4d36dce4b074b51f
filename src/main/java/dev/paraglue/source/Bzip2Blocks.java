package dev.paraglue.source;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.SplittableCompressionCodec.READ_MODE;
import org.apache.hadoop.io.compress.bzip2.CBZip2InputStream;

/**
 * The decompressed bytes of one byte range of a bzip2 object, for reading a large one in parallel
 * the way Hadoop splits bzip2. The compressed range {@code [from, to)} owns the blocks whose start
 * marker begins in it (in the byte holding the marker's first bit); every block is owned by exactly
 * one range. The stream starts at the first owned block and reads on through the blocks after the
 * range, and through concatenated streams, to the end of the object, since a splitter reading a
 * range reads past its end; {@link #ownedBytes} says how many of its bytes the owned blocks hold,
 * once the first block after the range has been reached.
 *
 * <p>Each block's CRC is checked as it ends, the next block must start right after it (or after a
 * stream's end and the next stream's header), and the data must end with a stream's end marker:
 * Hadoop's decoder, reading block by block, would otherwise skip a block whose start marker is
 * damaged, or lose a truncated end, without a word. What one range cannot tell by itself, a false
 * start marker inside compressed data (a 1 in 2^48 chance per bit), shows up as a disagreement
 * between neighbours: range {@code k}'s {@link #firstBlock} must be range {@code k-1}'s {@link
 * #nextBlock}.
 */
public final class Bzip2Blocks extends InputStream {
  private static final int END_OF_BLOCK = -2;

  private static final long END_OF_STREAM_MARKER = 0x177245385090L;

  /**
   * Most compressed bytes from a block's end to the next block's start: a stream's end marker and
   * CRC (10 bytes and padding) and the next stream's header (4). Any block is longer than this, so
   * a skipped one cannot hide in it.
   */
  private static final int MAX_GAP = 16;

  private final Tail tail;
  private final Decoder bz;
  private final long from;
  private final long to;
  private final long size;
  private final long firstBlock;
  private long nextBlock = -1;
  private long produced;
  private long owned = -1;

  /** The compressed bytes read up to the end of the block being read. */
  private long blockEnd;

  Bzip2Blocks(InputStream raw, long from, long to, long size) throws IOException {
    if (from < 0 || to <= from || size < to) {
      throw new IllegalArgumentException(
          "Cannot read bzip2 range [" + from + ", " + to + ") of a " + size + "-byte object");
    }
    this.from = from;
    this.to = to;
    this.size = size;
    this.tail = new Tail(from == 0 ? requireHeader(raw) : raw);
    // Finds the first block marker at or after `from` and decodes that block.
    this.bz = new Decoder(tail);
    this.firstBlock = from + bz.getProcessedByteCount();
    this.blockEnd = from + bz.consumed;
    if (firstBlock >= to) {
      owned = 0;
      nextBlock = firstBlock;
    }
  }

  /**
   * The decoder looks for block markers anywhere, so data that is not bzip2 at all must be told by
   * its header: "BZh" and a block size digit.
   */
  private static InputStream requireHeader(InputStream raw) throws IOException {
    java.io.BufferedInputStream in = new java.io.BufferedInputStream(raw, 1 << 16);
    in.mark(4);
    byte[] magic = in.readNBytes(4);
    if (magic.length < 4
        || magic[0] != 'B'
        || magic[1] != 'Z'
        || magic[2] != 'h'
        || magic[3] < '1'
        || magic[3] > '9') {
      throw new IOException("not bzip2 data (no BZh header)");
    }
    in.reset();
    return in;
  }

  /** Opens range {@code [from, to)} of the {@code size}-byte bzip2 object at {@code uri}. */
  public static Bzip2Blocks open(String uri, long from, long to, long size, Configuration conf)
      throws IOException {
    InputStream raw = DocumentInput.openRaw(uri, from, conf);
    try {
      return new Bzip2Blocks(raw, from, to, size);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /**
   * Where the first block at or after {@code from} starts; the object's size when there is none.
   */
  public long firstBlock() {
    return firstBlock;
  }

  /**
   * Where the first block at or after {@code to} starts (the object's size when there is none); -1
   * until the owned blocks have been read.
   */
  public long nextBlock() {
    return nextBlock;
  }

  /** Decompressed bytes of the owned blocks; -1 until the first byte after them is reached. */
  public long ownedBytes() {
    return owned;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (true) {
      int n = bz.read(b, off, len);
      if (n > 0) {
        produced += n;
        return n;
      }
      // Between blocks the decoder has found the next marker (or the end), and says where.
      long at = from + bz.getProcessedByteCount();
      if (n == END_OF_BLOCK) {
        if (at - blockEnd > MAX_GAP) {
          throw new IOException(
              "bzip2 data is damaged: "
                  + (at - blockEnd)
                  + " bytes "
                  + (at >= size
                      ? "after its last block (ending at byte " + blockEnd + ") are not its end"
                      : "between the block ending at byte " + blockEnd + " and the next one"));
        }
        blockEnd = from + bz.consumed;
      }
      if (owned < 0 && at >= to) {
        owned = produced;
        nextBlock = at;
      }
      if (n != END_OF_BLOCK) {
        if (at != size) {
          // The decoder takes a failed read while looking for the next marker as the end.
          throw new IOException(
              "bzip2 data ended at byte "
                  + at
                  + ", expected "
                  + size
                  + " (changed, or unreadable)");
        }
        // A range starting inside the trailer cannot see it; the one owning the last block does.
        if (!tail.endsAStream()) {
          throw new IOException("bzip2 data is truncated: no end-of-stream marker at its end");
        }
        return -1;
      }
    }
  }

  @Override
  public void close() throws IOException {
    bz.close();
  }

  /**
   * Hadoop's block-by-block decoder, counting the compressed bytes it consumes. The count has no
   * public getter ({@code getProcessedByteCount()} reports a position adjusted for block markers,
   * and the decoder reads through its own buffer, so counting the input stream would over-count):
   * the override of {@code updateProcessedByteCount} is the only way to see it.
   */
  private static final class Decoder extends CBZip2InputStream {
    /**
     * Bytes consumed. The superclass constructor already decodes the first block and counts into
     * this field before this class's initialisers run, so it must have none: {@code = 0} here would
     * erase that count.
     */
    private long consumed;

    Decoder(InputStream in) throws IOException {
      super(in, READ_MODE.BYBLOCK);
    }

    @Override
    protected void updateProcessedByteCount(int count) {
      super.updateProcessedByteCount(count);
      consumed += count;
    }
  }

  /**
   * Remembers the last bytes read, to check that the data ends the way a bzip2 stream does: the
   * 48-bit end-of-stream marker, the 32-bit combined CRC, and fewer than 8 bits of padding. (The
   * decoder reading block by block takes any end of input after a block as the end.)
   */
  private static final class Tail extends java.io.FilterInputStream {
    private static final int KEEP = 11; // 48 + 32 + 7 bits at most

    private final byte[] last = new byte[KEEP];
    private long count;

    Tail(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) {
        last[(int) (count++ % KEEP)] = (byte) b;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = in.read(b, off, len);
      for (int i = 0; i < n; i++) {
        last[(int) (count++ % KEEP)] = b[off + i];
      }
      return n;
    }

    /** False when the bytes read end otherwise; true when they do, or are too few to tell. */
    boolean endsAStream() {
      if (count < KEEP) {
        return true;
      }
      int kept = KEEP;
      // The kept bytes, oldest first, as one big-endian bit string in two longs.
      long high = 0;
      long low = 0;
      for (int i = 0; i < kept; i++) {
        int b = last[(int) ((count - kept + i) % KEEP)] & 0xFF;
        high = (high << 8) | (low >>> 56);
        low = (low << 8) | b;
      }
      int bits = kept * 8;
      for (int padding = 0; padding < 8; padding++) {
        int shift = padding + 32; // the marker's last bit is this far from the end
        if (shift + 48 > bits) {
          break;
        }
        long marker = bitsAt(high, low, shift) & ((1L << 48) - 1);
        if (marker == END_OF_STREAM_MARKER) {
          return true;
        }
      }
      return false;
    }

    /** The 64 bits ending {@code shift} bits before the end of the 128-bit string high:low. */
    private static long bitsAt(long high, long low, int shift) {
      return shift == 0 ? low : (low >>> shift) | (high << (64 - shift));
    }
  }
}
