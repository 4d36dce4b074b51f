package dev.paraglue.local;

import dev.paraglue.lambda.BlobStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link BlobStore} over a local folder ({@code file:} URIs), for {@code jobs/paraglue api}.
 * Objects are written to a temporary name and renamed, so a reader never sees half of one. Metadata
 * is not kept (S3 user metadata has no local equivalent the job would read).
 */
public final class LocalBlobStore implements BlobStore {
  private static Path path(String uri) {
    if (!uri.startsWith("file:")) {
      throw new IllegalArgumentException("Cannot use " + uri + ": not a file: URI");
    }
    return Paths.get(URI.create(uri));
  }

  @Override
  public void put(String uri, byte[] body, String contentType, Map<String, String> metadata) {
    Path target = path(uri);
    try {
      Files.createDirectories(target.getParent());
      Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID());
      Files.write(tmp, body);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + uri + ": " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<byte[]> get(String uri, long maxBytes) {
    Path p = path(uri);
    try {
      long size = Files.size(p);
      if (size > maxBytes) {
        throw new TooLargeException(uri, size, maxBytes);
      }
      return Optional.of(Files.readAllBytes(p));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + uri + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean delete(String uri) {
    try {
      return Files.deleteIfExists(path(uri));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + uri + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean exists(String uri) {
    return Files.isRegularFile(path(uri));
  }
}
