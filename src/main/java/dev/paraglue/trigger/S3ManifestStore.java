package dev.paraglue.trigger;

import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** Writes manifests to S3; a redelivered batch rewrites the same key with the same bytes. */
public final class S3ManifestStore implements ManifestStore {
  private final S3Client s3;

  public S3ManifestStore(S3Client s3) {
    this.s3 = s3;
  }

  @Override
  public void put(String uri, String content) {
    String rest = uri.substring("s3://".length());
    int slash = rest.indexOf('/');
    try {
      s3.putObject(
          PutObjectRequest.builder()
              .bucket(rest.substring(0, slash))
              .key(rest.substring(slash + 1))
              .contentType("text/plain; charset=utf-8")
              .build(),
          RequestBody.fromString(content));
    } catch (RuntimeException e) {
      throw new IllegalStateException("Cannot write manifest " + uri + ": " + e.getMessage(), e);
    }
  }
}
