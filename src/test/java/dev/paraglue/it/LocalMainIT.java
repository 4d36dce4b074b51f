package dev.paraglue.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.local.LocalMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What {@code jobs/paraglue run} runs, in its own JVM on a new home, as a user first meets it: the
 * bundled samples (a partitioned raw table, a Chinese file name) written under a bare output path,
 * then run again.
 */
class LocalMainIT {
  private static String run(Path home, String... args) throws IOException, InterruptedException {
    List<String> cmd = ChildRun.java();
    cmd.addAll(
        List.of(
            "-Xmx1g",
            "-Djava.io.tmpdir=" + Files.createDirectories(home.resolve("tmp")),
            "-Dparaglue.home=" + home,
            "-Dparaglue.master=local[2]",
            "-Dparaglue.samples=jobs/samples",
            LocalMain.class.getName()));
    cmd.addAll(List.of(args));
    Path log = home.resolve("run.log");
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    String out = Files.readString(log, UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  @Test
  void samples_onANewHome_underABareOutputPath_thenUnchanged() throws Exception {
    Path home = Files.createTempDirectory(Path.of("target"), "local-main-");
    Path out = home.resolve("out");

    String first = run(home, "run", "--output_path", out.toString());
    assertThat(first)
        .contains("8 listed, 0 unchanged, 7 processed, 1 rejected")
        .contains("  documents:  " + out + "/documents/\n");
    assertThat(out.resolve("documents/dt=2026-11-01/chinese/山水.txt")).exists();

    String second = run(home, "run", "--output_path", out.toString());
    assertThat(second)
        .contains("8 listed, 8 unchanged, 0 processed, 0 rejected")
        .contains("  documents:  no documents written\n");
  }
}
