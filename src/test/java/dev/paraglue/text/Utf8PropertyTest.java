package dev.paraglue.text;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
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

  @Property(tries = 2000)
  void commonThreeByteRunEnd_coversTheWholeSequencesOfCommonLeads(
      @ForAll("leadsAndContinuations") byte[] bytes, @ForAll @IntRange(min = 0, max = 40) int end) {
    int e = Math.min(end, bytes.length);
    int expected = 0;
    while (expected + 3 <= e
        && (bytes[expected] & 0xFF) >= 0xE1
        && (bytes[expected] & 0xFF) != 0xED
        && (bytes[expected] & 0xFF) <= 0xEF
        && Utf8.wholeSequenceLength(bytes, expected, e) == 3) {
      expected += 3;
    }
    assertThat(Utf8.commonThreeByteRunEnd(bytes, 0, e)).isEqualTo(expected);
  }

  /** Mostly lead and continuation bytes, so that runs of whole sequences are common. */
  @Provide
  Arbitrary<byte[]> leadsAndContinuations() {
    return Arbitraries.of(0xE1, 0xE4, 0xEC, 0xED, 0xEE, 0xEF, 0xE0, 0xF0, 0x80, 0xBF, 0x9F, 0x41)
        .map(Integer::byteValue)
        .list()
        .ofMaxSize(40)
        .map(Utf8PropertyTest::toArray);
  }

  private static byte[] toArray(java.util.List<Byte> list) {
    byte[] b = new byte[list.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = list.get(i);
    }
    return b;
  }
}
