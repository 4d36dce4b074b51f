package dev.paraglue.bench;

import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The splitter alone, one thread, on 64 MiB of ASCII or CJK text in realistic paragraphs.
 * Throughput is reported as operations (whole inputs) per second; multiply by 64 for MiB/s.
 *
 * <pre>jobs/bench/jmh.sh</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgs = {"-Xmx2g"})
public class SplitterBenchmark {
  static final int SIZE = 64 << 20;

  /** {@code cjk-gb18030}: the CJK text in GB18030, read through the strict decoder. */
  @Param({"ascii", "cjk", "cjk-gb18030"})
  public String text;

  private byte[] input;

  /** The charset of a non-UTF-8 input; null for UTF-8, which takes the plain reader. */
  private String encoding;

  @Setup(Level.Trial)
  public void generate() {
    SplittableRandom r = new SplittableRandom(7);
    StringBuilder sb = new StringBuilder(SIZE);
    String[] words = "the of and data stream paragraph harbor morning ledger partition".split(" ");
    String cjk = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同";
    while (sb.length() < (text.startsWith("cjk") ? SIZE / 3 : SIZE)) {
      int lines = 1 + r.nextInt(6);
      for (int l = 0; l < lines; l++) {
        int n = 8 + r.nextInt(10);
        for (int w = 0; w < n; w++) {
          if (text.startsWith("cjk")) {
            sb.append(cjk.charAt(r.nextInt(cjk.length())));
          } else {
            sb.append(words[r.nextInt(words.length)]).append(' ');
          }
        }
        sb.append('\n');
      }
      sb.append(r.nextInt(4) == 0 ? "  \n" : "\n");
    }
    encoding = text.endsWith("gb18030") ? "GB18030" : null;
    input =
        sb.toString()
            .getBytes(encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding));
  }

  @Benchmark
  public void split(Blackhole bh) throws IOException {
    ParagraphReader reader =
        encoding == null
            ? new ParagraphReader(new ByteArrayInputStream(input), 16 << 20)
            : ParagraphReader.decoding(new ByteArrayInputStream(input), encoding, 16 << 20);
    for (Paragraph p = reader.next(); p != null; p = reader.next()) {
      bh.consume(p);
    }
    bh.consume(reader.outcome());
  }

  /** The input as UTF-8 (transcoded, for GB18030), for jmh.sh's check against the reference. */
  public byte[] utf8Input() {
    return encoding == null
        ? input
        : new String(input, Charset.forName(encoding)).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What {@link #split} reads, reassembled as docs/contract.md §1 says (texts, a blank line between
   * them, one final LF), for jmh.sh's check against the reference.
   */
  public byte[] reassembled() throws IOException {
    ParagraphReader reader =
        encoding == null
            ? new ParagraphReader(new ByteArrayInputStream(input), 16 << 20)
            : ParagraphReader.decoding(new ByteArrayInputStream(input), encoding, 16 << 20);
    ByteArrayOutputStream out = new ByteArrayOutputStream(input.length);
    for (Paragraph p = reader.next(); p != null; p = reader.next()) {
      if (out.size() > 0) {
        out.write('\n');
        out.write('\n');
      }
      out.write(p.textBytes());
    }
    if (reader.outcome().isRejected()) {
      throw new IOException("Cannot check the benchmark input: " + reader.outcome().rejection());
    }
    if (out.size() > 0) {
      out.write('\n');
    }
    return out.toByteArray();
  }

  /** Bytes per operation, for turning ops/s into MB/s. */
  public long bytes() {
    return input.length;
  }
}
