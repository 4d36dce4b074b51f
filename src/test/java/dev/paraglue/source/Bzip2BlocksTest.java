package dev.paraglue.source;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paraglue.TestBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * Cutting a bzip2 object into byte ranges anywhere: the ranges' owned blocks, in order, are exactly
 * the decompressed object (checked against an independent decoder, Commons Compress), each range
 * reads on past its blocks into the next ones, and neighbours agree on where blocks start.
 */
class Bzip2BlocksTest {
  /** Two concatenated streams of 100k blocks: several blocks, and a stream boundary. */
  private static final byte[] PLAIN_A = TestBytes.text(1, 520_000);

  private static final byte[] PLAIN_B = TestBytes.text(2, 160_000);
  private static final byte[] PLAIN = concat(PLAIN_A, PLAIN_B);
  private static final byte[] PACKED = concat(TestBytes.bzip2(PLAIN_A), TestBytes.bzip2(PLAIN_B));

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static Bzip2Blocks open(byte[] packed, long from, long to) throws IOException {
    InputStream raw = new ByteArrayInputStream(packed, (int) from, packed.length - (int) from);
    return new Bzip2Blocks(raw, from, to, packed.length);
  }

  @Example
  void theFixture_isSeveralBlocksInTwoStreams_andDecodesToThePlainText() throws IOException {
    try (InputStream in = new BZip2CompressorInputStream(new ByteArrayInputStream(PACKED), true)) {
      assertThat(in.readAllBytes()).isEqualTo(PLAIN);
    }
    try (Bzip2Blocks whole = open(PACKED, 0, PACKED.length)) {
      assertThat(whole.readAllBytes()).isEqualTo(PLAIN);
      assertThat(whole.ownedBytes()).isEqualTo(PLAIN.length);
      assertThat(whole.firstBlock()).isEqualTo(4); // after "BZh1"
      assertThat(whole.nextBlock()).isEqualTo(PACKED.length);
    }
    assertThat(PLAIN.length / 100_000).isGreaterThanOrEqualTo(6);
  }

  @Property(tries = 40)
  void ranges_ownEveryBlockOnce_inOrder_andReadOnPastTheirEnd(
      @ForAll @Size(min = 1, max = 7) List<@IntRange(min = 1, max = 1_000_000) Integer> cutSeeds)
      throws IOException {
    TreeSet<Long> cuts = new TreeSet<>();
    for (int seed : cutSeeds) {
      cuts.add(1 + (long) seed * (PACKED.length - 2) / 1_000_000);
    }
    cuts.add((long) PACKED.length);
    long from = 0;
    long decompressed = 0;
    long previousNext = -1;
    for (long to : cuts) {
      try (Bzip2Blocks range = open(PACKED, from, to)) {
        if (from > 0) {
          assertThat(range.firstBlock())
              .as("first block of [%d, %d)", from, to)
              .isEqualTo(previousNext);
        }
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long pastEnd = -1;
        while (pastEnd < 4096) {
          int n = range.read(buf, 0, buf.length);
          if (n < 0) {
            break;
          }
          got.write(buf, 0, n);
          if (range.ownedBytes() >= 0) {
            pastEnd = got.size() - range.ownedBytes();
          }
        }
        long owned = range.ownedBytes();
        assertThat(owned).as("owned bytes of [%d, %d)", from, to).isNotNegative();
        byte[] bytes = got.toByteArray();
        assertThat(bytes)
            .as("[%d, %d) from decompressed byte %d on", from, to, decompressed)
            .isEqualTo(
                Arrays.copyOfRange(PLAIN, (int) decompressed, (int) decompressed + bytes.length));
        assertThat(range.nextBlock()).isGreaterThanOrEqualTo(to);
        previousNext = range.nextBlock();
        decompressed += owned;
      }
      from = to;
    }
    assertThat(decompressed).isEqualTo(PLAIN.length);
    assertThat(previousNext).isEqualTo(PACKED.length);
  }

  @Example
  void aRangeWithNoBlockStart_ownsNothing_andStillReadsOn() throws IOException {
    long first;
    try (Bzip2Blocks whole = open(PACKED, 0, PACKED.length)) {
      first = whole.firstBlock();
    }
    try (Bzip2Blocks inside = open(PACKED, first + 1, first + 2)) {
      assertThat(inside.ownedBytes()).isZero();
      assertThat(inside.nextBlock()).isEqualTo(inside.firstBlock()).isGreaterThan(first + 1);
      byte[] start = inside.readNBytes(100);
      assertThat(start).hasSize(100);
    }
  }

  @Example
  void truncatedData_isAnError_wherever_itIsCut() throws IOException {
    for (int cut : new int[] {1, 5, 10, 11, 200, PACKED.length / 2}) {
      byte[] truncated = Arrays.copyOf(PACKED, PACKED.length - cut);
      long from = truncated.length / 2;
      assertThatThrownBy(
              () -> {
                try (Bzip2Blocks r = open(truncated, from, truncated.length)) {
                  r.readAllBytes();
                }
              })
          .as("cut %d bytes", cut)
          .isInstanceOf(IOException.class);
    }
  }

  @Example
  void notBzip2_isAnError_byItsHeader_orItsEnd() throws IOException {
    byte[] junk = "no blocks here at all\n".repeat(50).getBytes(UTF_8);
    assertThatThrownBy(() -> open(junk, 0, junk.length)).hasMessageContaining("no BZh header");
    try (Bzip2Blocks r = open(junk, 1, junk.length)) {
      assertThat(r.firstBlock()).isEqualTo(junk.length);
      assertThatThrownBy(r::readAllBytes).hasMessageContaining("no end-of-stream marker");
    }
  }

  /** Where every block of {@code packed} starts, found one range start at a time. */
  static List<Long> blockStarts(byte[] packed) throws IOException {
    List<Long> starts = new java.util.ArrayList<>();
    long from = 0;
    while (true) {
      long first;
      try (Bzip2Blocks r = open(packed, from, packed.length)) {
        first = r.firstBlock();
      }
      if (first >= packed.length) {
        return starts;
      }
      starts.add(first);
      from = first + 1;
    }
  }

  @Example
  void aDamagedBlockMarker_isAnError_notASkippedBlock() throws IOException {
    List<Long> starts = blockStarts(PACKED);
    assertThat(starts).hasSizeGreaterThanOrEqualTo(7);
    for (long start : List.of(starts.get(1), starts.get(starts.size() - 1))) {
      byte[] damaged = PACKED.clone();
      damaged[(int) start + 2] ^= 0x10; // inside the 48-bit marker, whose first bit is in `start`
      assertThatThrownBy(
              () -> {
                try (Bzip2Blocks r = open(damaged, 0, damaged.length)) {
                  r.readAllBytes();
                }
              })
          .as("marker of the block at %d damaged", start)
          .isInstanceOf(IOException.class)
          .hasMessageContaining(
              start == starts.get(1) ? "between the block ending" : "after its last block");
    }
  }

  @Example
  void bytesAfterTheLastStream_areAnError() throws IOException {
    byte[] padded = Arrays.copyOf(PACKED, PACKED.length + 100); // zeros after the end
    assertThatThrownBy(
            () -> {
              try (Bzip2Blocks r = open(padded, 0, padded.length)) {
                r.readAllBytes();
              }
            })
        .isInstanceOf(IOException.class)
        .hasMessageContaining("after its last block");
  }
}
