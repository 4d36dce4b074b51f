package dev.paraglue.source;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;

/**
 * A small object's stored bytes, read ahead of their turn into memory, with what happened while
 * reading them: {@link #stored} replays exactly what reading the object at its turn would have
 * given, so a splitter reading it finds the same text, the same error at the same offset, and the
 * same length. An object longer than listed keeps its stream open past the listed size ({@link
 * #close} closes it).
 */
public final class PrefetchedObject implements AutoCloseable {
  private final byte[] bytes;
  private final Exception openError;
  private final Exception readError;
  private InputStream tail;

  private PrefetchedObject(
      byte[] bytes, Exception openError, Exception readError, InputStream tail) {
    this.bytes = bytes;
    this.openError = openError;
    this.readError = readError;
    this.tail = tail;
  }

  /** An object whose opening failed with {@code e}: {@link #stored} throws it. */
  public static PrefetchedObject failedToOpen(Exception e) {
    return new PrefetchedObject(new byte[0], e, null, null);
  }

  /** The bytes read, then {@code readError} (null: the end of the object). */
  public static PrefetchedObject read(byte[] bytes, Exception readError) {
    return new PrefetchedObject(bytes, null, readError, null);
  }

  /**
   * Reads the stored bytes of the object at {@code uri}, listed at {@code size} bytes: opened as
   * {@link DocumentInput} opens it, read to its end or to its first error, never more than {@code
   * size} bytes into memory.
   */
  public static PrefetchedObject fetch(String uri, long size, Configuration conf) {
    InputStream in;
    try {
      in = DocumentInput.openStored(uri, conf);
    } catch (IOException | RuntimeException e) {
      return failedToOpen(e);
    }
    byte[] buf = new byte[Math.toIntExact(size)];
    int n = 0;
    try {
      for (int r = 0; n < buf.length && r >= 0; n += Math.max(r, 0)) {
        r = in.read(buf, n, buf.length - n);
      }
      int more = n < buf.length ? -1 : in.read();
      if (more < 0) {
        in.close();
        return read(n < buf.length ? Arrays.copyOf(buf, n) : buf, null);
      }
      InputStream rest =
          new SequenceInputStream(new ByteArrayInputStream(new byte[] {(byte) more}), in);
      return new PrefetchedObject(buf, null, null, rest);
    } catch (IOException | RuntimeException e) {
      closeQuietly(in);
      return read(Arrays.copyOf(buf, n), e);
    }
  }

  /**
   * The object's stored bytes as reading it now would give them; throws what opening it threw. May
   * be called once.
   */
  public InputStream stored() throws IOException {
    if (openError instanceof IOException e) {
      throw e;
    } else if (openError instanceof RuntimeException e) {
      throw e;
    }
    InputStream rest = tail != null ? tail : new Ending(readError);
    tail = null;
    return new SequenceInputStream(new ByteArrayInputStream(bytes), rest);
  }

  /** The bytes held in memory. */
  public int heldBytes() {
    return bytes.length;
  }

  @Override
  public void close() {
    if (tail != null) {
      closeQuietly(tail);
      tail = null;
    }
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // nothing more is read from it
    }
  }

  /** The end of the bytes read: the end of the object, or the error that stopped the read. */
  private static final class Ending extends InputStream {
    private final Exception error;

    Ending(Exception error) {
      this.error = error;
    }

    @Override
    public int read() throws IOException {
      return read(new byte[1], 0, 1);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (error instanceof IOException e) {
        throw e;
      } else if (error instanceof RuntimeException e) {
        throw e;
      }
      return -1;
    }
  }
}
