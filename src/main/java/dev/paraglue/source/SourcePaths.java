package dev.paraglue.source;

import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** Path rules of the sources: qualifying, naming relative to a root, hidden names, containment. */
final class SourcePaths {
  private SourcePaths() {}

  static Path qualify(Configuration conf, Path p) {
    try {
      return p.getFileSystem(conf).makeQualified(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot use path " + p + ": " + e.getMessage(), e);
    }
  }

  /** The path of {@code file} relative to {@code root}, with / separators, not URL-encoded. */
  static String relative(Path root, Path file) {
    String r = root.toUri().getPath();
    String f = file.toUri().getPath();
    String prefix = r.endsWith("/") ? r : r + "/";
    if (!f.startsWith(prefix)) {
      throw new IllegalArgumentException("Cannot name document " + file + ": not under " + root);
    }
    return f.substring(prefix.length());
  }

  /** Hadoop's convention: names starting with _ or . below the listed path are not data. */
  static boolean hidden(Path listed, Path file) {
    String rel = relative(listed, file);
    for (String segment : rel.split("/")) {
      if (segment.startsWith("_") || segment.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  /** Refuses a source root that is the job's own output or lies inside it. */
  static void requireNotOurs(OwnOutput own, Path path, String subject) {
    own.enclosing(path)
        .ifPresent(
            place -> {
              throw new IllegalArgumentException("Cannot use " + subject + " " + place);
            });
  }

  /** Refuses a source that is not below the source table's location. */
  static void requireUnder(Path path, Path root, String table) {
    URI p = path.toUri();
    URI r = root.toUri();
    String rp = r.getPath().endsWith("/") ? r.getPath() : r.getPath() + "/";
    boolean sameStore =
        Objects.equals(scheme(p.getScheme()), scheme(r.getScheme()))
            && Objects.equals(p.getAuthority(), r.getAuthority());
    if (!sameStore || !(p.getPath() + "/").startsWith(rp) || p.getPath().contains("/../")) {
      throw new IllegalArgumentException(
          "Cannot use source " + path + ": not under the location of " + table + " (" + root + ")");
    }
  }

  private static String scheme(String s) {
    return s == null ? null : s.equals("s3") || s.equals("s3n") ? "s3a" : s;
  }
}
