package dev.paraglue.trigger;

import dev.paraglue.lambda.BlobStore;
import dev.paraglue.lambda.S3BlobStore;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/** Writes manifests to S3; a redelivered batch rewrites the same key with the same bytes. */
public final class S3ManifestStore implements ManifestStore {
  private final BlobStore store;

  public S3ManifestStore(S3Client s3) {
    this.store = new S3BlobStore(s3);
  }

  @Override
  public void put(String uri, String content) {
    try {
      store.put(
          uri, content.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8", Map.of());
    } catch (RuntimeException e) {
      throw new IllegalStateException("Cannot write manifest " + uri + ": " + e.getMessage(), e);
    }
  }
}
