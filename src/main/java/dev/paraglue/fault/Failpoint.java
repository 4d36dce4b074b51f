package dev.paraglue.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named points in a run where the reliability tests break things on purpose (docs/reliability.md).
 * Inert unless the JVM has {@code -Dparaglue.failpoints=point=action,...}; then, at that point:
 *
 * <ul>
 *   <li>{@code wait}: writes {@code <dir>/<point>.reached} and waits until {@code <dir>/<point>.go}
 *       exists, so a test can kill the process there (SIGKILL) or break its storage and let it go
 *       on ({@code <dir>} is {@code -Dparaglue.failpoints.dir});
 *   <li>{@code fail-first-attempt}: throws in a task's first attempt, so Spark retries it.
 * </ul>
 *
 * <p>Points: {@code resolve.after} (sources listed, nothing read), {@code validate.document} (a
 * task has opened a document or range to validate it), {@code validate.after} (the ranges of large
 * documents are validated, nothing written), {@code explode.reread} (a whole document too large to
 * hold was validated and is about to be read again), {@code explode.document} (a task has written
 * part of a document and its rows, inside the table commit's write), {@code commit.before} (the
 * paragraph table's data files are written, the commit not made), {@code commit.after} (the
 * paragraph table is committed, documents are not published), {@code publish.after} (documents
 * published, ledger not committed). docs/reliability.md says which test uses each.
 */
public final class Failpoint {
  public static final String POINTS = "paraglue.failpoints";
  public static final String DIR = "paraglue.failpoints.dir";
  private static final Logger LOG = LoggerFactory.getLogger(Failpoint.class);

  private Failpoint() {}

  /** Passes point {@code name}; {@code attempt} is the Spark task attempt (0 on the driver). */
  public static void hit(String name, int attempt) {
    hit(name, attempt, null);
  }

  /**
   * Passes point {@code name} in the run {@code scope}: a spec entry {@code name@scope} applies
   * only there (two runs in one JVM), a plain {@code name} everywhere.
   */
  public static void hit(String name, int attempt, String scope) {
    String spec = System.getProperty(POINTS);
    if (spec == null || spec.isEmpty()) {
      return;
    }
    for (String entry : spec.split(",")) {
      int eq = entry.indexOf('=');
      String point = (eq < 0 ? entry : entry.substring(0, eq)).strip();
      String action = eq < 0 ? "wait" : entry.substring(eq + 1).strip();
      if (!point.equals(name) && !(scope != null && point.equals(name + "@" + scope))) {
        continue;
      }
      switch (action) {
        case "wait" -> waitHere(point);
        case "fail-first-attempt" -> {
          if (attempt == 0) {
            throw new IllegalStateException("Failpoint " + name + ": failing the first attempt");
          }
        }
        default -> throw new IllegalArgumentException("Unknown failpoint action " + action);
      }
    }
  }

  private static synchronized void waitHere(String name) {
    Path dir = Paths.get(System.getProperty(DIR, System.getProperty("java.io.tmpdir")));
    Path go = dir.resolve(name + ".go");
    try {
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve(name + ".reached"), Long.toString(ProcessHandle.current().pid()));
      LOG.warn("Failpoint {} reached; waiting for {}", name, go);
      while (!Files.exists(go)) {
        Thread.sleep(50);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Failpoint " + name + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
