package dev.paraglue.text;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The word-at-a-time scans against byte-at-a-time models. */
class Utf8PropertyTest {

  @Property(tries = 2000)
  void asciiRunEnd_stopsAtTheFirstByteNotAboveCrOrNotAscii(
      @ForAll @Size(max = 40) byte[] bytes,
      @ForAll @IntRange(min = 0, max = 40) int from,
      @ForAll @IntRange(min = 0, max = 40) int end) {
    int e = Math.min(end, bytes.length);
    int f = Math.min(from, e);
    int expected = f;
    while (expected < e && printableAsciiOrControlAboveCr(bytes[expected] & 0xFF)) {
      expected++;
    }
    assertThat(Utf8.asciiRunEnd(bytes, f, e)).isEqualTo(expected);
  }

  private static boolean printableAsciiOrControlAboveCr(int unsigned) {
    return unsigned >= 0x0E && unsigned <= 0x7F;
  }

  @Property(tries = 500)
  void asciiRunEnd_findsEachStopByteInALongRun(
      @ForAll @IntRange(min = 0, max = 255) int stop, @ForAll @IntRange(min = 0, max = 31) int at) {
    byte[] bytes = new byte[32];
    java.util.Arrays.fill(bytes, (byte) 'a');
    bytes[at] = (byte) stop;
    boolean stops = stop < 0x0E || stop > 0x7F;
    assertThat(Utf8.asciiRunEnd(bytes, 0, bytes.length)).isEqualTo(stops ? at : bytes.length);
  }
}
