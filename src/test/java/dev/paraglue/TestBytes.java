package dev.paraglue;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;

/** Test input built from UTF-8 strings and raw byte values, e.g. {@code bytes("ok\\n", 0xFF)}. */
public final class TestBytes {
  private TestBytes() {}

  public static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String s) {
        out.writeBytes(s.getBytes(UTF_8));
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }

  /** The bytes of these values, each 0 to 255 (jqwik draws them as a list of integers). */
  public static byte[] fromValues(java.util.List<Integer> values) {
    byte[] b = new byte[values.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (int) values.get(i);
    }
    return b;
  }

  /**
   * Deterministic text for range tests: CJK, emoji, CRLF, whitespace-only lines, long paragraphs
   * that span many small ranges, runs of one byte (which bzip2 encodes specially), and random words
   * that keep it from compressing too well.
   */
  public static byte[] text(long seed, int chars) {
    String[] pieces = {
      "word ", "中文字 ", "😀 ", "é ", "\r\n", "\n", "\n\n", "\n \n\t\n", "\u3000\n\n"
    };
    java.util.Random random = new java.util.Random(seed);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < chars) {
      sb.append(pieces[random.nextInt(pieces.length)]);
      if (random.nextInt(200) == 0) {
        sb.append("\n\n").append("long ".repeat(150)).append("\n\n");
      }
      if (random.nextInt(500) == 0) {
        sb.append("=".repeat(random.nextInt(400)));
      }
      if (random.nextInt(40) == 0) {
        sb.append(Long.toString(random.nextLong(), 36));
      }
    }
    return sb.toString().getBytes(UTF_8);
  }

  /** bzip2 with 100k blocks, so that a small document has several. */
  public static byte[] bzip2(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream bz =
        new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(out, 1)) {
      bz.write(plain);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
