package dev.paraglue.it;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * One archive of class data (Java's dynamic AppCDS, as {@code jobs/paraglue} keeps for its runs)
 * for the child JVMs that run on the test class path ({@link ChildRun#java()}): the first child
 * started with {@code mayArchive} archives, as it exits, every class it loaded; each later child
 * maps them instead of reading, parsing and verifying Spark's, Hive's and Iceberg's classes again.
 * One child run of LocalMain on the samples: 17-19 s of CPU without, 10 s with; the run that
 * archives costs about 30 s more once. The forks of a build share the archive (a marker file lets
 * one child archive at a time; a new archive is renamed into place whole), and a build whose jars
 * changed makes a new one: the name holds a digest of every class path entry's path, size and
 * modification time. Java archives classes from jars only (a non-empty directory on the class path
 * fails the dump), so {@link ChildRun#java()} puts the test classes' jar in place of their folder;
 * a class path with a folder left runs without an archive.
 */
final class ClassDataArchive {
  private static final Path DIR = Path.of("target", "cds").toAbsolutePath();
  private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");

  /** The child archiving now, started by this JVM, or null; its archive as it is written. */
  private static Process archiver;

  private static Path written;

  private ClassDataArchive() {}

  /**
   * Starts {@code builder}, whose command is {@link ChildRun#java()}'s followed by options, a main
   * class and arguments, with the archive of its class path when there is one. Without one, a child
   * started with {@code mayArchive} (one expected to exit by itself; a killed child archives
   * nothing) makes it, unless another child is making it already.
   */
  static synchronized Process start(ProcessBuilder builder, boolean mayArchive) throws IOException {
    settle();
    List<String> cmd = new ArrayList<>(builder.command());
    List<String> classPath =
        List.of(cmd.get(cmd.indexOf("-cp") + 1).split(java.io.File.pathSeparator));
    Path archive = archiveOf(classPath);
    Path tmp = null;
    if (archive == null) {
      // a folder on the class path: no archive
    } else if (Files.exists(archive)) {
      cmd.addAll(1, QUIET);
      cmd.add(1, "-XX:SharedArchiveFile=" + archive);
    } else if (mayArchive && claim(archive)) {
      tmp = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid());
      cmd.addAll(1, QUIET);
      cmd.add(1, "-XX:ArchiveClassesAtExit=" + tmp);
    }
    Process p = builder.command(cmd).start();
    if (tmp != null) {
      archiver = p;
      written = tmp;
      p.onExit().thenRun(ClassDataArchive::settle);
    }
    return p;
  }

  /**
   * Once the archiving child has ended: its archive renamed into place if it exited by itself (an
   * archive of a killed child may be cut short), the claim released either way.
   */
  private static synchronized void settle() {
    if (archiver == null || archiver.isAlive()) {
      return;
    }
    String name = written.getFileName().toString();
    Path archive = written.resolveSibling(name.substring(0, name.lastIndexOf('.')));
    try {
      if (archiver.exitValue() < 128 && Files.isRegularFile(written)) {
        Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("Class data archived for the child JVMs: " + archive);
      }
      Files.deleteIfExists(written);
      Files.deleteIfExists(marker(archive));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      archiver = null;
      written = null;
    }
  }

  /** True if this JVM may have a child make {@code archive}: no other is making it. */
  private static boolean claim(Path archive) throws IOException {
    Files.createDirectories(DIR);
    try (Stream<Path> old = Files.list(DIR)) {
      for (Path f : old.filter(f -> f.toString().endsWith(".jsa")).toList()) {
        Files.deleteIfExists(f); // of an earlier build
      }
    }
    Path marker = marker(archive);
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        Files.writeString(marker, Long.toString(ProcessHandle.current().pid()), CREATE_NEW, WRITE);
        return true;
      } catch (FileAlreadyExistsException e) {
        if (claimantAlive(marker)) {
          return false;
        }
        Files.deleteIfExists(marker); // left by a test JVM that ended before its child
      }
    }
    return false;
  }

  /** True if the test JVM named in {@code marker} still runs (or the marker is being written). */
  private static boolean claimantAlive(Path marker) throws IOException {
    try {
      String pid = Files.readString(marker).strip();
      return pid.isEmpty()
          || ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
  }

  private static Path marker(Path archive) {
    return archive.resolveSibling(archive.getFileName() + ".making");
  }

  /** The archive of this class path, or null if an entry is not a jar. */
  private static Path archiveOf(List<String> classPath) throws IOException {
    StringBuilder entries = new StringBuilder();
    for (String e : classPath) {
      Path p = Path.of(e);
      if (!Files.isRegularFile(p)) {
        return null;
      }
      entries.append(e).append(' ').append(Files.size(p)).append(' ');
      entries.append(Files.getLastModifiedTime(p).toMillis()).append('\n');
    }
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(entries.toString().getBytes(StandardCharsets.UTF_8));
      return DIR.resolve("child-" + HexFormat.of().formatHex(digest, 0, 8) + ".jsa");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
