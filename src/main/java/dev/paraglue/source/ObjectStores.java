package dev.paraglue.source;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * File system schemes that are object stores: listed flat in pages, written in place (a PUT is
 * atomic), never renamed (a rename is a copy).
 */
public final class ObjectStores {
  private static final Set<String> SCHEMES =
      Set.of("s3", "s3a", "s3n", "gs", "abfs", "abfss", "wasb", "wasbs", "oss");

  private ObjectStores() {}

  public static boolean isObjectStore(String scheme) {
    return scheme != null && SCHEMES.contains(scheme);
  }

  /**
   * The local file a qualified {@code file:} URI names, from its decoded path. ({@code
   * Paths.get(uri)} refuses a {@code file:///} URI with a non-ASCII name, "Bad escape", and Hadoop
   * qualifies a bare output path to that form.)
   */
  public static java.nio.file.Path localFile(java.net.URI uri) {
    return java.nio.file.Path.of(uri.getPath());
  }

  /**
   * Writes {@code bytes} as the whole object at {@code target}, replacing what is there, so that a
   * reader sees the old object or the new one, never a part: one PUT on an object store (atomic
   * there); elsewhere a hidden sibling {@code .<name>.<tag>} renamed over the target (through
   * java.nio locally, where Hadoop's local file system would fork {@code chmod}).
   */
  public static void writeWhole(Path target, byte[] bytes, String tag, Configuration conf)
      throws IOException {
    FileSystem fs = target.getFileSystem(conf);
    if ("file".equals(fs.getScheme())) {
      java.nio.file.Path local = localFile(fs.makeQualified(target).toUri());
      Files.createDirectories(local.getParent());
      java.nio.file.Path tmp = local.resolveSibling("." + local.getFileName() + "." + tag);
      Files.write(tmp, bytes);
      Files.move(tmp, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    boolean inPlace = isObjectStore(fs.getScheme());
    Path written =
        inPlace ? target : new Path(target.getParent(), "." + target.getName() + "." + tag);
    fs.setWriteChecksum(false);
    try (OutputStream out = fs.create(written, true)) {
      out.write(bytes);
    }
    if (!inPlace) {
      fs.delete(target, false);
      if (!fs.rename(written, target)) {
        throw new IOException("Cannot write " + target + ": rename from " + written + " failed");
      }
    }
  }
}
