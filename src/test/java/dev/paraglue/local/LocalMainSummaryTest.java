package dev.paraglue.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.job.RunReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code jobs/paraglue run} prints after a run. */
class LocalMainSummaryTest {
  private static String summary(RunReport r) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    LocalMain.printSummary(
        r, List.of("--output_path", "/data/texts/out"), new PrintStream(bytes, true, UTF_8));
    return bytes.toString(UTF_8);
  }

  @Test
  void summary_saysHowMuchOfTheJobsOwnOutputWasLeftOut_onlyWhenSomeWas() {
    RunReport r = new RunReport("r1", "paraglue", Instant.EPOCH);
    r.count("listed", 10);
    assertThat(summary(r)).contains("10 listed").doesNotContain("left out");

    r.count("own_output_skipped", 2);
    r.count("own_output_folders_pruned", 3);
    assertThat(summary(r))
        .contains("  left out:   2 objects and 3 folders (not listed) of the job's own output\n");
  }
}
