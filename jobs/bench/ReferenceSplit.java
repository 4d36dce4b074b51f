import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An independent reference for the benchmark's byte-identity check: reassembles every file under
 * IN to OUT by docs/contract.md §1 with a line-at-a-time model (cut at LF, drop one CR before
 * it, a line is blank when all its code points are White_Space), sharing no code with paraglue.
 *
 * <pre>java jobs/bench/ReferenceSplit.java IN OUT</pre>
 */
public final class ReferenceSplit {
  private static final Set<Integer> WHITE_SPACE =
      Set.of(9, 10, 11, 12, 13, 32, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
          0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000);

  public static void main(String[] args) throws IOException {
    Path in = Path.of(args[0]);
    Path out = Path.of(args[1]);
    List<Path> files;
    try (Stream<Path> s = Files.walk(in)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    for (Path f : files) {
      Path target = out.resolve(in.relativize(f).toString());
      Files.createDirectories(target.getParent());
      try (InputStream is = new Unsynchronized(Files.newInputStream(f));
          OutputStream os = new BufferedOutputStream(Files.newOutputStream(target), 1 << 16)) {
        reassemble(is, os);
      }
    }
    System.out.printf("reference: %d documents under %s%n", files.size(), out);
  }

  /** A plain buffer: BufferedInputStream.read() is synchronized and slow byte by byte. */
  static final class Unsynchronized extends InputStream {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;

    Unsynchronized(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      if (pos == limit) {
        limit = in.read(buf, 0, buf.length);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          return -1;
        }
      }
      return buf[pos++] & 0xFF;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  static void reassemble(InputStream in, OutputStream out) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean first = true;
    boolean inParagraph = false;
    boolean anyParagraph = false;
    boolean start = true;
    int b;
    boolean eof = false;
    while (!eof) {
      b = in.read();
      if (b == -1) {
        eof = true;
      } else if (b != '\n') {
        line.write(b);
        continue;
      }
      byte[] raw = line.toByteArray();
      line.reset();
      int len = raw.length;
      if (!eof && len > 0 && raw[len - 1] == '\r') {
        len--;
      }
      int from = 0;
      if (start && len >= 3 && (raw[0] & 0xFF) == 0xEF && (raw[1] & 0xFF) == 0xBB && (raw[2] & 0xFF) == 0xBF) {
        from = 3;
      }
      start = false;
      String text = new String(raw, from, len - from, StandardCharsets.UTF_8);
      boolean blank = text.codePoints().allMatch(WHITE_SPACE::contains);
      if (eof && raw.length == 0) {
        break;
      }
      if (blank) {
        inParagraph = false;
        continue;
      }
      if (inParagraph) {
        out.write('\n');
      } else if (!first) {
        out.write('\n');
        out.write('\n');
      }
      out.write(raw, from, len - from);
      inParagraph = true;
      anyParagraph = true;
      first = false;
    }
    if (anyParagraph) {
      out.write('\n');
    }
  }
}
