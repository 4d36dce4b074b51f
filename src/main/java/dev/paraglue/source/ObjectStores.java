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
}
