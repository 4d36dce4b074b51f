package dev.paraglue.pipeline;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;

/**
 * Where the reassemble stage writes each document's object in a task; implemented at the edge
 * ({@code sink.DocumentWriter}), which decides how objects are staged and published.
 */
public interface StagedOutput extends Serializable {
  /**
   * Creates (or replaces) the staged object for an output key, which will hold about {@code
   * expectedBytes} (a hint for buffering: a small document need not pay for a large buffer).
   */
  OutputStream create(String key, long expectedBytes, Configuration conf) throws IOException;

  /** The stored length of the staged object. */
  long stagedLength(String key, Configuration conf) throws IOException;

  /** Creates (or replaces) the staged part {@code index} of a document read in byte ranges. */
  OutputStream createPart(String key, int index, Configuration conf) throws IOException;

  /** The stored length of a staged part. */
  long partLength(String key, int index, Configuration conf) throws IOException;

  /**
   * False where a closed object is known to hold exactly what was written (an object store's PUT),
   * so reading its length back would only cost a request.
   */
  boolean lengthNeedsCheck(Configuration conf) throws IOException;

  /** Where the staged object is, for messages. */
  String describe(String key);

  /**
   * A stream from {@link #create} or {@link #createPart} that knows how many bytes its stored
   * object accepted (a local file's writes, each whole or an error). Once it is closed, that count
   * is the stored length, so checking the length costs no call to the store.
   */
  interface Measured {
    /** The bytes the stored object accepted so far; its length once the stream is closed. */
    long storedBytes();
  }
}
