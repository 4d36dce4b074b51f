package dev.paraglue.source;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Lists a local folder with java.nio: one {@code stat} and one small status per file. Hadoop's
 * local file system makes each status with several system calls (size, time, access time) and
 * parses and normalises each path twice with regular expressions; over 200,000 files that was most
 * of a run's listing. Gives what Hadoop's {@code listStatus} gives, walked: links followed, an
 * entry gone since its folder was read (or a link to nothing) skipped, the checksum files Hadoop
 * hides ({@code .name.crc}) left out, the job's own output walked around.
 */
final class LocalListing {
  private LocalListing() {}

  static void list(Path dir, OwnOutput own, List<FileStatus> out) throws IOException {
    ArrayDeque<java.nio.file.Path> pending = new ArrayDeque<>();
    pending.add(java.nio.file.Path.of(dir.toUri()));
    while (!pending.isEmpty()) {
      try (DirectoryStream<java.nio.file.Path> entries = Files.newDirectoryStream(pending.poll())) {
        for (java.nio.file.Path entry : entries) {
          String name = entry.getFileName().toString();
          if (name.startsWith(".") && name.endsWith(".crc")) {
            continue;
          }
          BasicFileAttributes attrs;
          try {
            attrs = Files.readAttributes(entry, BasicFileAttributes.class);
          } catch (NoSuchFileException e) {
            continue; // gone since the folder was read, or a link to nothing: as Hadoop skips it
          } catch (AccessDeniedException e) {
            throw new IOException(e.getFile() + ": permission denied", e);
          }
          Path path = hadoopPath(entry);
          if (own.leaveOut(path, attrs.isDirectory()).isPresent()) {
            continue;
          }
          if (attrs.isDirectory()) {
            pending.add(entry);
          } else {
            out.add(
                new FileStatus(
                    attrs.size(), false, 1, 0, attrs.lastModifiedTime().toMillis(), path));
          }
        }
      }
    }
  }

  /** The qualified Hadoop path of a local file ({@code file:/a/b c.txt}), as Hadoop names it. */
  private static Path hadoopPath(java.nio.file.Path p) throws IOException {
    try {
      return new Path(new URI("file", null, p.toAbsolutePath().toString(), null));
    } catch (URISyntaxException e) {
      throw new IOException("Cannot name local file " + p + ": " + e.getMessage(), e);
    }
  }
}
