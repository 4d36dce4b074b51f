package dev.paraglue.lambda;

import java.util.Map;
import java.util.Optional;

/**
 * The few object operations the HTTP API needs, by URI: {@code s3://bucket/key} on AWS (and
 * S3Mock), {@code file:/...} for {@code jobs/paraglue api} on a laptop. Storage trouble is an
 * {@link java.io.UncheckedIOException} or the AWS SDK's {@code SdkException}: the API answers 503.
 */
public interface BlobStore {
  /** Stores an object whole. */
  void put(String uri, byte[] body, String contentType, Map<String, String> metadata);

  /**
   * Reads an object, or empty when there is none.
   *
   * @throws TooLargeException when the object is longer than {@code maxBytes}; nothing is read
   */
  Optional<byte[]> get(String uri, long maxBytes);

  boolean exists(String uri);

  /** Deletes an object; true when there was one. */
  boolean delete(String uri);

  /** An object longer than a reader accepts. */
  final class TooLargeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long size;

    public TooLargeException(String uri, long size, long maxBytes) {
      super("Cannot read " + uri + ": " + size + " bytes, more than " + maxBytes);
      this.size = size;
    }

    public long size() {
      return size;
    }
  }
}
