package dev.paraglue.text;

import java.util.Arrays;

/**
 * Where each code point of a transcoded document lies in the UTF-8 text and in the source bytes,
 * kept compactly: runs of code points whose UTF-8 and source lengths repeat are one segment (a line
 * of CJK in GB18030 is one segment of 3-byte/2-byte steps). Lookups go forward only, so the
 * segments behind the last lookup are dropped and the map stays as small as the text in flight.
 */
final class OffsetMap {
  private long[] utf8Start = new long[64];
  private long[] sourceStart = new long[64];
  private int[] utf8Step = new int[64];
  private int[] sourceStep = new int[64];
  private long[] count = new long[64];
  private int head;
  private int size;

  /** Records one code point: {@code utf8Length} bytes of text from {@code sourceLength} bytes. */
  void add(long utf8, long source, int utf8Length, int sourceLength) {
    if (size > head) {
      int last = size - 1;
      if (utf8Step[last] == utf8Length
          && sourceStep[last] == sourceLength
          && utf8Start[last] + count[last] * utf8Length == utf8
          && sourceStart[last] + count[last] * sourceLength == source) {
        count[last]++;
        return;
      }
    }
    if (size == utf8Start.length) {
      grow();
    }
    utf8Start[size] = utf8;
    sourceStart[size] = source;
    utf8Step[size] = utf8Length;
    sourceStep[size] = sourceLength;
    count[size] = 1;
    size++;
  }

  /**
   * The source offset of the code point that starts at UTF-8 offset {@code utf8} (or of the end of
   * the last one recorded); segments wholly before it are forgotten. 0 before anything is recorded.
   */
  long source(long utf8) {
    while (head < size - 1 && utf8Start[head + 1] <= utf8) {
      head++;
    }
    if (head >= size) {
      return 0;
    }
    long k = Math.max(0, utf8 - utf8Start[head]) / utf8Step[head];
    return sourceStart[head] + Math.min(k, count[head]) * sourceStep[head];
  }

  /** Segments held now (for tests of the map's size). */
  int segments() {
    return size - head;
  }

  private void grow() {
    if (head > 0 && head >= size / 2) {
      // Mostly forgotten: move the live segments down instead of growing.
      int live = size - head;
      System.arraycopy(utf8Start, head, utf8Start, 0, live);
      System.arraycopy(sourceStart, head, sourceStart, 0, live);
      System.arraycopy(utf8Step, head, utf8Step, 0, live);
      System.arraycopy(sourceStep, head, sourceStep, 0, live);
      System.arraycopy(count, head, count, 0, live);
      head = 0;
      size = live;
      return;
    }
    int n = utf8Start.length * 2;
    utf8Start = Arrays.copyOf(utf8Start, n);
    sourceStart = Arrays.copyOf(sourceStart, n);
    utf8Step = Arrays.copyOf(utf8Step, n);
    sourceStep = Arrays.copyOf(sourceStep, n);
    count = Arrays.copyOf(count, n);
  }
}
