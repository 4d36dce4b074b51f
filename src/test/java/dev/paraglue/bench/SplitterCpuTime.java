package dev.paraglue.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link SplitterBenchmark}'s work timed by this thread's CPU time instead of wall time, for a
 * machine shared with other work: MB of input per CPU-second, per round and their median.
 *
 * <pre>java -cp ... dev.paraglue.bench.SplitterCpuTime TEXT ROUNDS SPLITS_PER_ROUND</pre>
 */
public final class SplitterCpuTime {
  private SplitterCpuTime() {}

  public static void main(String[] args) throws IOException {
    SplitterBenchmark b = new SplitterBenchmark();
    b.text = args[0];
    b.generate();
    int rounds = Integer.parseInt(args[1]);
    int splits = Integer.parseInt(args[2]);
    Blackhole bh =
        new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is"
                + " dangerous.");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int w = 0; w < splits * 2; w++) {
      b.split(bh); // warm-up
    }
    double[] mbPerCpuSecond = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long cpu = threads.getCurrentThreadCpuTime();
      for (int s = 0; s < splits; s++) {
        b.split(bh);
      }
      double seconds = (threads.getCurrentThreadCpuTime() - cpu) / 1e9;
      mbPerCpuSecond[r] = b.bytes() * (double) splits / 1e6 / seconds;
    }
    double[] sorted = mbPerCpuSecond.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "splitter %-5s %.0f MB per CPU-second (median of %d rounds; min %.0f, max %.0f)%n",
        b.text,
        sorted[rounds / 2],
        rounds,
        sorted[0],
        sorted[rounds - 1]);
  }
}
