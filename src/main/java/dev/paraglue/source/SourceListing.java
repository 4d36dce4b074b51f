package dev.paraglue.source;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.types.StructField;

/** Lists the documents below a root: the object listings, nothing read. */
final class SourceListing {
  private final Configuration conf;
  private final List<StructField> partitionCols;
  private final OwnOutput own;

  SourceListing(Configuration conf, List<StructField> partitionCols, OwnOutput own) {
    this.conf = conf;
    this.partitionCols = partitionCols;
    this.own = own;
  }

  /** The documents of one root: none when it is ours, or an empty table or partition. */
  List<SourceDocument> list(ListingRoot root) {
    List<SourceDocument> docs = new ArrayList<>();
    Path base = root.root();
    if (own.leaveOut(root.start(), true).isPresent()) {
      return docs; // a partition whose location is ours
    }
    try {
      FileSystem fs = root.start().getFileSystem(conf);
      FileStatus status;
      try {
        status = fs.getFileStatus(root.start());
      } catch (FileNotFoundException e) {
        if (!root.partitionSpec().isEmpty() || root.start().equals(base)) {
          return docs; // an empty table or partition
        }
        throw new IllegalArgumentException(
            "Cannot read source path " + root.start() + ": not found", e);
      }
      if (status.isFile()) {
        Path docRoot = base == null ? root.start().getParent() : base;
        docs.add(document(docRoot, status, root.partitionSpec()));
        return docs;
      }
      Path listingRoot = base == null ? status.getPath() : base;
      for (FileStatus f : listRecursively(fs, status.getPath(), own)) {
        if (!SourcePaths.hidden(status.getPath(), f.getPath())) {
          docs.add(document(listingRoot, f, root.partitionSpec()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot list source " + root.start() + ": " + e.getMessage(), e);
    }
    return docs;
  }

  /**
   * Every file below a directory but the job's own output. Object stores list a prefix flat in
   * pages ({@code listFiles}), except a prefix with some of our output below it: that one is listed
   * one level at a time (with a delimiter), so that our folders are walked around, never listed.
   * Local folders are walked with java.nio ({@link LocalListing}). Other file systems are walked
   * one folder at a time with plain statuses (no block-location lookups), which prunes our folders
   * the same way.
   */
  static List<FileStatus> listRecursively(FileSystem fs, Path dir, OwnOutput own)
      throws IOException {
    List<FileStatus> out = new ArrayList<>();
    if ("file".equals(fs.getUri().getScheme())) {
      LocalListing.list(dir, own, out);
      return out;
    }
    boolean objectStore = ObjectStores.isObjectStore(fs.getUri().getScheme());
    ArrayDeque<Path> pending = new ArrayDeque<>();
    pending.add(dir);
    while (!pending.isEmpty()) {
      Path next = pending.poll();
      if (objectStore && !own.liesBelow(next)) {
        listFlat(fs, next, own, out);
        continue;
      }
      for (FileStatus f : fs.listStatus(next)) {
        if (own.leaveOut(f.getPath(), f.isDirectory()).isPresent()) {
          continue;
        }
        if (f.isDirectory()) {
          pending.add(f.getPath());
        } else {
          out.add(f);
        }
      }
    }
    return out;
  }

  private static void listFlat(FileSystem fs, Path prefix, OwnOutput own, List<FileStatus> out)
      throws IOException {
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(prefix, true);
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      if (f.isFile() && own.leaveOut(f.getPath(), false).isEmpty()) {
        out.add(f);
      }
    }
  }

  /** The document a file is, named relative to {@code root}. */
  SourceDocument document(Path root, FileStatus status, Map<String, String> spec) {
    Path path = status.getPath();
    String docId = SourcePaths.relative(root, path);
    return new SourceDocument(
        docId,
        path.toString(),
        status.getLen(),
        status.getModificationTime(),
        PartitionValues.of(docId, spec, partitionCols));
  }

  boolean exists(Path path) {
    try {
      return path.getFileSystem(conf).exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read source path " + path + ": " + e.getMessage(), e);
    }
  }
}
