package dev.paraglue.lambda;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@link BlobStore} over the AWS SDK's S3 client; URIs are {@code s3://bucket/key}. */
public final class S3BlobStore implements BlobStore {
  private final S3Client s3;

  public S3BlobStore(S3Client s3) {
    this.s3 = s3;
  }

  @Override
  public void put(String uri, byte[] body, String contentType, Map<String, String> metadata) {
    S3Uri a = S3Uri.object(uri);
    s3.putObject(
        PutObjectRequest.builder()
            .bucket(a.bucket())
            .key(a.path())
            .contentType(contentType)
            .metadata(metadata)
            .build(),
        RequestBody.fromBytes(body));
  }

  @Override
  public Optional<byte[]> get(String uri, long maxBytes) {
    S3Uri a = S3Uri.object(uri);
    try (ResponseInputStream<GetObjectResponse> in =
        s3.getObject(GetObjectRequest.builder().bucket(a.bucket()).key(a.path()).build())) {
      Long length = in.response().contentLength();
      if (length != null && length > maxBytes) {
        in.abort();
        throw new TooLargeException(uri, length, maxBytes);
      }
      return Optional.of(in.readAllBytes());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + uri + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean delete(String uri) {
    boolean existed = exists(uri);
    S3Uri a = S3Uri.object(uri);
    s3.deleteObject(b -> b.bucket(a.bucket()).key(a.path()));
    return existed;
  }

  @Override
  public boolean exists(String uri) {
    S3Uri a = S3Uri.object(uri);
    try {
      s3.headObject(HeadObjectRequest.builder().bucket(a.bucket()).key(a.path()).build());
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }
}
