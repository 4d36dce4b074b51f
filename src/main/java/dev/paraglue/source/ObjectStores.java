package dev.paraglue.source;

import java.util.Set;

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
}
