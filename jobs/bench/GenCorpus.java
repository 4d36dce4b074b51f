import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Deterministic benchmark corpus: realistic paragraph lengths (sentences of 4-24 words, 1-9
 * sentences, lines wrapped near 72 columns), about 15% CJK paragraphs, about 10% CRLF files, and
 * separator lines that are sometimes whitespace only. The same options give the same bytes.
 *
 * <pre>java jobs/bench/GenCorpus.java --out DIR --docs 20000 --bytes 1g [--seed 1]</pre>
 */
public final class GenCorpus {
  private static final String[] WORDS = (
      "the of and to in a is that for it as was with be by on not he this are or his from at which"
          + " but have an they you were her she there one all we their when can more if will would"
          + " about out up them into has time so some what other could than then only its also two"
          + " data table file stream paragraph harbor river morning engineer document record signal"
          + " quiet ledger commit partition cluster window shadow garden market letter winter bridge")
      .split(" ");
  private static final String CJK =
      "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产"
          + "种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从";
  private static final String[] SEPARATORS = {"", "", "", "", "", "", "  ", "\t", "\u3000", " \t "};

  public static void main(String[] args) throws IOException {
    Path out = null;
    int docs = 1000;
    long bytes = 50L << 20;
    long seed = 1;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[i + 1]);
        case "--docs" -> docs = Integer.parseInt(args[i + 1]);
        case "--bytes" -> bytes = parseSize(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("Cannot generate: unknown option " + args[i]);
      }
    }
    if (out == null) {
      throw new IllegalArgumentException("Cannot generate: --out DIR is required");
    }
    SplittableRandom random = new SplittableRandom(seed);
    long perDoc = bytes / docs;
    long written = 0;
    for (int d = 0; d < docs; d++) {
      // Sizes vary from a third to five thirds of the mean; the last document takes the rest.
      long target = d == docs - 1 ? bytes - written : (long) (perDoc * (0.34 + 1.32 * random.nextDouble()));
      boolean crlf = random.nextInt(10) == 0;
      Path file = out.resolve(String.format("part-%03d/doc-%06d.txt", d % 100, d));
      Files.createDirectories(file.getParent());
      try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
        written += writeDocument(os, random, Math.max(1, target), crlf);
      }
    }
    System.out.printf("generated %d documents, %d bytes, under %s%n", docs, written, out);
  }

  static long parseSize(String s) {
    String t = s.trim().toLowerCase();
    double mult = 1;
    if (t.endsWith("g")) {
      mult = 1L << 30;
    } else if (t.endsWith("m")) {
      mult = 1L << 20;
    } else if (t.endsWith("k")) {
      mult = 1L << 10;
    }
    if (mult > 1) {
      t = t.substring(0, t.length() - 1);
    }
    return (long) (Double.parseDouble(t) * mult);
  }

  private static long writeDocument(OutputStream os, SplittableRandom r, long target, boolean crlf)
      throws IOException {
    String eol = crlf ? "\r\n" : "\n";
    long n = 0;
    StringBuilder line = new StringBuilder(96);
    while (n < target) {
      StringBuilder para = new StringBuilder(1024);
      boolean cjk = r.nextInt(100) < 15;
      int sentences = 1 + r.nextInt(9);
      line.setLength(0);
      for (int s = 0; s < sentences; s++) {
        int words = 4 + r.nextInt(21);
        for (int w = 0; w < words; w++) {
          String word = cjk ? cjkWord(r) : WORDS[r.nextInt(WORDS.length)];
          if (line.length() + word.length() > (cjk ? 36 : 72)) {
            para.append(line).append(eol);
            line.setLength(0);
          }
          if (!cjk && line.length() > 0) {
            line.append(' ');
          }
          line.append(word);
        }
        line.append(cjk ? "。" : ".");
      }
      para.append(line).append(eol);
      para.append(SEPARATORS[r.nextInt(SEPARATORS.length)]).append(eol);
      byte[] b = para.toString().getBytes(StandardCharsets.UTF_8);
      os.write(b);
      n += b.length;
    }
    return n;
  }

  private static String cjkWord(SplittableRandom r) {
    int len = 1 + r.nextInt(3);
    StringBuilder sb = new StringBuilder(len);
    for (int i = 0; i < len; i++) {
      sb.append(CJK.charAt(r.nextInt(CJK.length())));
    }
    return sb.toString();
  }
}
