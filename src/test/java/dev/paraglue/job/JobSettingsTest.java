package dev.paraglue.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paraglue.pipeline.ParagraphPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobSettingsTest {

  @Test
  void from_withNothingGiven_usesEveryDefault() {
    JobSettings s = JobSettings.from(Map.<String, String>of()::get);
    assertThat(s)
        .isEqualTo(
            new JobSettings(
                64L * 1024 * 1024,
                16L * 1024 * 1024,
                16L * 1024 * 1024,
                64L * 1024,
                86400,
                64,
                32L * 1024 * 1024,
                32L * 1024 * 1024));
    assertThat(s.sizes())
        .isEqualTo(
            new ParagraphPipeline.Sizes(
                64L * 1024 * 1024,
                16L * 1024 * 1024,
                16L * 1024 * 1024,
                64L * 1024,
                64,
                32L * 1024 * 1024,
                32L * 1024 * 1024));
  }

  @Test
  void from_withEverySettingGiven_readsEach() {
    JobSettings s =
        JobSettings.from(
            Map.of(
                    JobSettings.RANGE_BYTES, "2048",
                    JobSettings.BZIP2_RANGE_BYTES, " 4096 ",
                    JobSettings.BUFFER_BYTES, "0",
                    JobSettings.OPEN_COST_BYTES, "1",
                    JobSettings.STALE_STAGING_SECONDS, "0",
                    JobSettings.READ_AHEAD, "0",
                    JobSettings.READ_AHEAD_BYTES, "5",
                    JobSettings.DRIVER_SCAN_BYTES, "0")
                ::get);
    assertThat(s).isEqualTo(new JobSettings(2048, 4096, 0, 1, 0, 0, 5, 0));
  }

  @Test
  void from_withANonNumber_namesTheSettingAndTheValueOnOneLine() {
    assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.RANGE_BYTES, "64m")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot use spark.paraglue.rangeBytes '64m': expected a whole number of at least 1");
  }

  @Test
  void from_aboveTheMostValue_namesTheSettingAndTheBound() {
    assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.READ_AHEAD, "257")::get))
        .hasMessage(
            "Cannot use spark.paraglue.readAhead '257': expected a whole number of at most 256");
  }

  @Test
  void from_belowTheLeastValue_namesTheSettingAndTheBound() {
    assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.BZIP2_RANGE_BYTES, "0")::get))
        .hasMessage(
            "Cannot use spark.paraglue.bzip2RangeBytes '0': expected a whole number of at least 1");
    assertThatThrownBy(() -> JobSettings.from(Map.of(JobSettings.STALE_STAGING_SECONDS, "-1")::get))
        .hasMessage(
            "Cannot use spark.paraglue.staleStagingSeconds '-1': expected a whole number of at"
                + " least 0");
  }

  @Test
  void docs_listEverySettingWithItsDefault() throws Exception {
    String scaling = Files.readString(Path.of("docs", "scaling.md"));
    JobSettings defaults = JobSettings.from(Map.<String, String>of()::get);
    Map<String, Long> expected =
        Map.of(
            JobSettings.RANGE_BYTES, defaults.rangeBytes(),
            JobSettings.BZIP2_RANGE_BYTES, defaults.bzip2RangeBytes(),
            JobSettings.BUFFER_BYTES, defaults.bufferBytes(),
            JobSettings.OPEN_COST_BYTES, defaults.openCostBytes(),
            JobSettings.STALE_STAGING_SECONDS, defaults.staleStagingSeconds(),
            JobSettings.READ_AHEAD, (long) defaults.readAhead(),
            JobSettings.READ_AHEAD_BYTES, defaults.readAheadBytes(),
            JobSettings.DRIVER_SCAN_BYTES, defaults.driverScanBytes());
    assertThat(expected).containsOnlyKeys(JobSettings.NAMES);
    expected.forEach(
        (name, dflt) ->
            assertThat(scaling)
                .as("docs/scaling.md's row for %s", name)
                .contains("| `" + name + "` | `" + dflt + "` |"));
  }
}
