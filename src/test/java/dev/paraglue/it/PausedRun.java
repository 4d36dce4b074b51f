package dev.paraglue.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.fault.Failpoint;
import dev.paraglue.job.RunResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs a job in this JVM on another thread until it reaches a failpoint ({@code point@run_id}),
 * does what the test wants done there (break storage, change a source, run another job), lets the
 * job go on and returns how it ended.
 */
public final class PausedRun {
  /** What the test does while the job waits. */
  public interface Action {
    void run() throws Exception;
  }

  private PausedRun() {}

  public static RunResult at(String point, Path dir, Callable<RunResult> job, Action whilePaused)
      throws Exception {
    Files.createDirectories(dir);
    System.setProperty(Failpoint.POINTS, point + "=wait");
    System.setProperty(Failpoint.DIR, dir.toString());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<RunResult> running = pool.submit(job);
      while (!Files.exists(dir.resolve(point + ".reached"))) {
        assertThat(running.isDone()).as("the run ended before %s", point).isFalse();
        Thread.sleep(50);
      }
      whilePaused.run();
      Files.createFile(dir.resolve(point + ".go"));
      return running.get(3, TimeUnit.MINUTES);
    } finally {
      System.clearProperty(Failpoint.POINTS);
      pool.shutdownNow();
    }
  }
}
