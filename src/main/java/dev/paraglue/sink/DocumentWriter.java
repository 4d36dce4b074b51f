package dev.paraglue.sink;

import dev.paraglue.pipeline.StagedOutput;
import dev.paraglue.source.ObjectStores;
import dev.paraglue.text.Reassembler;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes reassembled documents so that each object appears whole or not at all: tasks write to
 * {@code <output>/_staging/<run_id>/<key>}, and after the table commit the driver publishes each to
 * {@code <output>/documents/<key>}. A rerun rewrites the same key.
 */
public final class DocumentWriter implements StagedOutput {
  private static final long serialVersionUID = 1L;

  private final String outputRoot;
  private final String runId;

  private final boolean direct;

  /** The output root as a local directory, or null when it is elsewhere; see {@link #local}. */
  private transient java.nio.file.Path localRoot;

  private transient boolean rootResolved;

  /** Local folders this instance made or found (a task's, or the driver's while publishing). */
  private transient java.util.Set<java.nio.file.Path> folders;

  /** {@code published("")}'s text with a final '/', worked out once; see {@link #publishedUri}. */
  private transient String publishedPrefix;

  public DocumentWriter(String outputRoot, String runId) {
    this.outputRoot = outputRoot;
    this.runId = runId;
    this.direct = ObjectStores.isObjectStore(new Path(outputRoot).toUri().getScheme());
  }

  /**
   * The local file at {@code names} below the output root, or null when the root is not on the
   * local file system. Worked out once: a Hadoop path per document and per use (parsed, normalized,
   * qualified) cost more than writing a small document.
   */
  private java.nio.file.Path local(Configuration conf, String... names) throws IOException {
    if (!rootResolved) {
      Path root = new Path(outputRoot);
      FileSystem fs = root.getFileSystem(conf);
      localRoot =
          "file".equals(fs.getScheme())
              ? ObjectStores.localFile(fs.makeQualified(root).toUri())
              : null;
      rootResolved = true;
    }
    if (localRoot == null) {
      return null;
    }
    java.nio.file.Path p = localRoot;
    for (String name : names) {
      p = p.resolve(name);
    }
    return p;
  }

  /** The local staged object of a key (see {@link #staged}), or null. */
  private java.nio.file.Path localStaged(String key, Configuration conf) throws IOException {
    return direct ? null : local(conf, "_staging", runId, key);
  }

  @Override
  public boolean lengthNeedsCheck(Configuration conf) {
    return !direct;
  }

  public Path stagingRoot() {
    return new Path(new Path(outputRoot, "_staging"), runId);
  }

  public Path staged(String key) {
    return direct ? published(key) : child(stagingRoot(), key);
  }

  public Path published(String key) {
    return child(new Path(outputRoot, "documents"), key);
  }

  /**
   * A child path from a relative key. Not {@code new Path(parent, key)}, which parses a ':' in the
   * key's first name as a URI scheme; Hadoop quotes '%', so the key is used as it is.
   */
  private static Path child(Path parent, String key) {
    return new Path(parent.toString() + "/" + key);
  }

  @Override
  public String describe(String key) {
    return staged(key).toString();
  }

  @Override
  public OutputStream create(String key, long expectedBytes, Configuration conf)
      throws IOException {
    java.nio.file.Path local = localStaged(key, conf);
    if (local == null) {
      return create(staged(key), conf);
    }
    makeFolder(local.getParent());
    return buffered(local, expectedBytes);
  }

  /**
   * Makes a local folder once per instance: documents share few folders, and asking again per
   * document cost two system calls (mkdir, then stat when it exists).
   */
  private void makeFolder(java.nio.file.Path folder) throws IOException {
    if (folders == null) {
      folders = new java.util.HashSet<>();
    }
    if (!folders.contains(folder)) {
      java.nio.file.Files.createDirectories(folder);
      folders.add(folder);
    }
  }

  /**
   * Creates an object. Local paths go through java.nio: Hadoop's local file system sets each new
   * file's permission by forking chmod when its native library is absent, a process per document.
   */
  private static OutputStream create(Path p, Configuration conf) throws IOException {
    FileSystem fs = p.getFileSystem(conf);
    if ("file".equals(fs.getScheme())) {
      return createLocal(ObjectStores.localFile(fs.makeQualified(p).toUri()), Long.MAX_VALUE);
    }
    return fs.create(p, true);
  }

  /**
   * A local file behind a buffer of at most 64 KiB, no larger than the object: allocating 64 KiB
   * per small document cost more than writing it.
   */
  private static OutputStream createLocal(java.nio.file.Path local, long expectedBytes)
      throws IOException {
    java.nio.file.Files.createDirectories(local.getParent());
    return buffered(local, expectedBytes);
  }

  private static OutputStream buffered(java.nio.file.Path local, long expectedBytes)
      throws IOException {
    int size = (int) Math.max(512, Math.min(1 << 16, expectedBytes));
    return new LocalFile(new Counted(java.nio.file.Files.newOutputStream(local)), size);
  }

  /**
   * A new local file behind a buffer, measured: each write to the file is whole or an error, so
   * once closed its count is the file's length and the length check needs no stat.
   */
  static final class LocalFile extends java.io.BufferedOutputStream
      implements StagedOutput.Measured {
    private final Counted file;

    LocalFile(Counted file, int size) {
      super(file, size);
      this.file = file;
    }

    @Override
    public long storedBytes() {
      return file.count;
    }
  }

  /** Counts the bytes a stream accepted. */
  static final class Counted extends java.io.FilterOutputStream {
    private long count;

    Counted(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

  private Path part(String key, int index) {
    return child(new Path(stagingRoot(), "_parts"), key + "/" + index);
  }

  @Override
  public OutputStream createPart(String key, int index, Configuration conf) throws IOException {
    return create(part(key, index), conf);
  }

  @Override
  public long partLength(String key, int index, Configuration conf) throws IOException {
    Path p = part(key, index);
    return p.getFileSystem(conf).getFileStatus(p).getLen();
  }

  /**
   * Joins the staged parts of a document read in byte ranges into its staged object (the reassembly
   * of docs/contract.md §1: a blank line between parts with paragraphs, one final LF); returns its
   * length.
   */
  public long assembleParts(String key, int count, Configuration conf) throws IOException {
    List<Reassembler.PartSource> parts = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      Path p = part(key, k);
      parts.add(() -> p.getFileSystem(conf).open(p));
    }
    long written;
    try (OutputStream out = create(key, Long.MAX_VALUE, conf)) {
      written = Reassembler.joinParts(parts, out);
    }
    Path dir = child(new Path(stagingRoot(), "_parts"), key);
    dir.getFileSystem(conf).delete(dir, true);
    return written;
  }

  @Override
  public long stagedLength(String key, Configuration conf) throws IOException {
    java.nio.file.Path local = localStaged(key, conf);
    if (local != null) {
      return java.nio.file.Files.size(local);
    }
    Path p = staged(key);
    return p.getFileSystem(conf).getFileStatus(p).getLen();
  }

  /**
   * Publishes the staged objects of {@code keys} (each as {@link #publish} does) and returns how
   * many folders moved whole. Locally, a staging folder that holds exactly these keys' objects,
   * whose published folder does not exist yet, is renamed into place: one rename for all its
   * documents, which appear together, instead of one per document. Any other folder (a published
   * one to merge into, or a staged object that is not this run's to publish) goes key by key.
   */
  public int publishAll(List<String> keys, Configuration conf) throws IOException {
    java.util.Map<String, List<String>> byFolder = new java.util.LinkedHashMap<>();
    for (String key : keys) {
      int slash = key.lastIndexOf('/');
      if (direct || slash < 0 || !plainKey(key) || local(conf) == null) {
        publish(key, conf);
      } else {
        byFolder
            .computeIfAbsent(key.substring(0, slash), f -> new ArrayList<>())
            .add(key.substring(slash + 1));
      }
    }
    int moved = 0;
    for (var folder : byFolder.entrySet()) {
      if (moveFolder(folder.getKey(), folder.getValue(), conf)) {
        moved++;
      } else {
        for (String name : folder.getValue()) {
          publish(folder.getKey() + "/" + name, conf);
        }
      }
    }
    return moved;
  }

  /**
   * Renames a local staging folder to its published place when that does not exist and the folder
   * holds exactly {@code names}; false, having moved nothing, otherwise.
   */
  private boolean moveFolder(String folder, List<String> names, Configuration conf)
      throws IOException {
    java.nio.file.Path staged = local(conf, "_staging", runId, folder);
    java.nio.file.Path target = local(conf, "documents", folder);
    if (java.nio.file.Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)
        || !holdsExactly(staged, names)) {
      return false;
    }
    makeFolder(target.getParent());
    try {
      java.nio.file.Files.move(staged, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.FileSystemException e) {
      return false; // made meanwhile, or not a folder: key by key, which says what is wrong
    }
    folders.add(target);
    return true;
  }

  /** Whether a folder's entries are exactly these names (distinct, as keys are). */
  private static boolean holdsExactly(java.nio.file.Path folder, List<String> names)
      throws IOException {
    java.util.Set<String> wanted = new java.util.HashSet<>(names);
    int seen = 0;
    try (var entries = java.nio.file.Files.newDirectoryStream(folder)) {
      for (java.nio.file.Path entry : entries) {
        if (!wanted.contains(entry.getFileName().toString())) {
          return false;
        }
        seen++;
      }
    }
    return seen == wanted.size();
  }

  /** Moves a staged object to its published key, replacing what a previous run wrote. */
  public void publish(String key, Configuration conf) throws IOException {
    if (direct) {
      return; // written in place
    }
    java.nio.file.Path local = localStaged(key, conf);
    if (local != null) {
      // An atomic rename over the old object: readers see the old or the new, never neither.
      java.nio.file.Path target = local(conf, "documents", key);
      makeFolder(target.getParent());
      java.nio.file.Files.move(
          local,
          target,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    Path from = staged(key);
    Path to = published(key);
    FileSystem fs = to.getFileSystem(conf);
    fs.mkdirs(to.getParent());
    if (fs.exists(to) && !fs.delete(to, false)) {
      throw new IOException("Cannot replace " + to + ": delete failed");
    }
    if (!fs.rename(from, to)) {
      throw new IOException("Cannot publish " + to + ": rename from " + from + " failed");
    }
  }

  /** Where the rejection of a document is recorded: {@code <output>/_rejected/<doc_id>.json}. */
  public Path rejection(String docId) {
    return child(new Path(outputRoot, "_rejected"), docId + ".json");
  }

  /**
   * Records a document's rejection as a small JSON object that readers (the HTTP API) can fetch
   * with one GET, written whole: renamed into place locally, one PUT on object stores.
   */
  public void recordRejection(String docId, byte[] json, Configuration conf) throws IOException {
    ObjectStores.writeWhole(rejection(docId), json, runId, conf);
  }

  /** Removes the rejection record of a document that is now processed, if there is one. */
  public void clearRejection(String docId, Configuration conf) throws IOException {
    Path target = rejection(docId);
    target.getFileSystem(conf).delete(target, false);
  }

  /** Removes a published object (its source is now rejected) if there is one. */
  public void unpublish(String key, Configuration conf) throws IOException {
    Path to = published(key);
    to.getFileSystem(conf).delete(to, false);
  }

  /**
   * Removes what killed runs left under {@code _staging/}: the folders of other runs with no file
   * modified since {@code cutoffMillis} (a live run keeps writing, so its folder stays). Returns
   * how many were removed.
   */
  public int removeStaleStaging(Configuration conf, long cutoffMillis) throws IOException {
    Path root = stagingRoot().getParent();
    FileSystem fs = root.getFileSystem(conf);
    if (!fs.exists(root)) {
      return 0;
    }
    int removed = 0;
    for (FileStatus run : fs.listStatus(root)) {
      if (!run.getPath().getName().equals(runId)
          && !writtenSince(run, cutoffMillis, fs, conf)
          && fs.delete(run.getPath(), true)) {
        removed++;
      }
    }
    return removed;
  }

  /**
   * Whether a file at or under {@code run} was modified at or after {@code cutoffMillis}; the
   * search stops at the first. A local folder is walked with one stat per entry: Hadoop's listing
   * of the local file system starts an {@code ls} process per file for its permissions (20,000
   * staged files of a killed run: minutes at the start of every run for a day). A folder changing
   * under the walk is being written: it counts as live.
   */
  private boolean writtenSince(FileStatus run, long cutoffMillis, FileSystem fs, Configuration conf)
      throws IOException {
    if (!run.isDirectory()) {
      return run.getModificationTime() >= cutoffMillis;
    }
    java.nio.file.Path local = local(conf, "_staging", run.getPath().getName());
    if (local == null) {
      var files = fs.listFiles(run.getPath(), true);
      while (files.hasNext()) {
        if (files.next().getModificationTime() >= cutoffMillis) {
          return true;
        }
      }
      return false;
    }
    try (var recent =
        java.nio.file.Files.find(
            local,
            Integer.MAX_VALUE,
            (f, attrs) ->
                attrs.isRegularFile() && attrs.lastModifiedTime().toMillis() >= cutoffMillis)) {
      return recent.findAny().isPresent();
    } catch (java.io.UncheckedIOException | java.nio.file.NoSuchFileException e) {
      return true;
    }
  }

  public void cleanStaging(Configuration conf) throws IOException {
    Path root = stagingRoot();
    FileSystem fs = root.getFileSystem(conf);
    fs.delete(root, true);
    Path parent = root.getParent();
    FileStatus[] left = fs.exists(parent) ? fs.listStatus(parent) : new FileStatus[0];
    if (left.length == 0) {
      fs.delete(parent, false);
    }
  }

  /**
   * The text of {@link #published}: built from a prefix worked out once where Hadoop's parsing
   * cannot change the key (no empty, "." or ".." names), since parsing a path per document cost as
   * much as the rest of its ledger row.
   */
  public String publishedUri(String key) {
    if (!plainKey(key)) {
      return published(key).toString();
    }
    if (publishedPrefix == null) {
      publishedPrefix = new Path(outputRoot, "documents") + "/";
    }
    return publishedPrefix + key;
  }

  /** A key Hadoop's Path keeps as it is: '/'-separated names, none empty, "." or "..". */
  static boolean plainKey(String key) {
    int start = 0;
    for (int i = 0; i <= key.length(); i++) {
      char c = i < key.length() ? key.charAt(i) : '/';
      if (c == '\\') {
        return false;
      }
      if (c == '/') {
        int n = i - start;
        if (n == 0
            || (key.charAt(start) == '.' && (n == 1 || (n == 2 && key.charAt(i - 1) == '.')))) {
          return false;
        }
        start = i + 1;
      }
    }
    return true;
  }
}
