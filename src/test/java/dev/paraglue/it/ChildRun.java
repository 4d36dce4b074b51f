package dev.paraglue.it;

import dev.paraglue.job.JobRunner;
import dev.paraglue.job.RunResult;
import dev.paraglue.local.LocalCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The job in its own JVM, for tests that kill it: {@code ChildRun HOME DUMP|- PARAGRAPH_TABLE
 * DOCUMENTS_TABLE [job arguments]}. After the run it writes both tables to DUMP as JSON lines
 * ({@code P <row>} and {@code D <row>}), since one embedded metastore admits one JVM at a time.
 */
public final class ChildRun {
  /** The Spark master of the child, {@code local[2]} unless set. */
  static final String MASTER = "paraglue.test.master";

  private ChildRun() {}

  /**
   * JIT and GC for a short-lived local Spark driver: C1 only and the serial collector. A child run
   * lasts seconds on a few kilobytes, where C2's compile threads and G1's helpers cost more CPU
   * than they save (one child run: 34.6 s of CPU with the JVM's defaults, 19.2 s with these).
   */
  static final List<String> SHORT_LIVED_JVM =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  /**
   * The start of a command that runs a class of this build in a new JVM: java, the Java 17 flags
   * Spark needs ({@code conf/spark-java17.properties}), {@link #SHORT_LIVED_JVM} and the test class
   * path, with the test classes' jar in place of their folder when it is up to date (see {@link
   * ClassDataArchive}). Options and the class follow.
   */
  static List<String> java() throws IOException {
    java.util.Properties p = new java.util.Properties();
    try (java.io.InputStream in = Files.newInputStream(Path.of("conf/spark-java17.properties"))) {
      p.load(in);
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(p.getProperty("spark.java17.flags").split(" ")));
    cmd.addAll(SHORT_LIVED_JVM);
    cmd.add("-cp");
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> entries = new ArrayList<>();
    for (String e : classPath.split(java.io.File.pathSeparator)) {
      entries.add(e.endsWith("test-classes") ? jarOf(Path.of(e)).toString() : e);
    }
    cmd.add(String.join(java.io.File.pathSeparator, entries));
    return cmd;
  }

  /**
   * The build's jar of {@code testClasses} ({@code target/paraglue-glue-tests.jar}) if no file in
   * the folder is newer, else the folder.
   */
  private static Path jarOf(Path testClasses) throws IOException {
    Path jar = testClasses.resolveSibling("paraglue-glue-tests.jar");
    if (!Files.isRegularFile(jar)) {
      return testClasses;
    }
    long built = Files.getLastModifiedTime(jar).toMillis();
    try (java.util.stream.Stream<Path> files = Files.walk(testClasses)) {
      boolean newer =
          files.anyMatch(
              f -> {
                try {
                  return Files.getLastModifiedTime(f).toMillis() > built;
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              });
      return newer ? testClasses : jar;
    }
  }

  public static void main(String[] a) throws IOException {
    Path home = Path.of(a[0]);
    String dump = a[1];
    String paragraphs = a[2];
    String documents = a[3];
    List<String> args = new ArrayList<>(Arrays.asList(a).subList(4, a.length));
    args.addAll(List.of("--paragraph_table", paragraphs, "--documents_table", documents));
    SparkSession spark =
        LocalCatalog.builder(home, System.getProperty(MASTER, "local[2]")).getOrCreate();
    int code;
    try {
      RunResult r = new JobRunner(spark).run(args.toArray(new String[0]));
      System.out.println("paraglue child: exit " + r.exitCode() + " " + r.message());
      code = r.exitCode();
      if (!"-".equals(dump)) {
        List<String> lines = new ArrayList<>();
        spark.table(paragraphs).toJSON().collectAsList().forEach(j -> lines.add("P " + j));
        spark.table(documents).toJSON().collectAsList().forEach(j -> lines.add("D " + j));
        Files.write(Path.of(dump), lines, StandardCharsets.UTF_8);
      }
    } finally {
      spark.stop();
    }
    System.exit(code);
  }
}
