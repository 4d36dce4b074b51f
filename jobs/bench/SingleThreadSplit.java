import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphReader;
import dev.paraglue.text.Reassembler;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The floor the job is measured against: one Java thread, no Spark, paraglue's splitter and
 * reassembler over every file under IN, writing reassembled documents under OUT.
 *
 * <pre>java -cp target/paraglue-glue.jar jobs/bench/SingleThreadSplit.java IN OUT</pre>
 */
public final class SingleThreadSplit {
  public static void main(String[] args) throws IOException {
    Path in = Path.of(args[0]);
    Path out = Path.of(args[1]);
    List<Path> files;
    try (Stream<Path> s = Files.walk(in)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    long paragraphs = 0;
    for (Path f : files) {
      Path target = out.resolve(in.relativize(f).toString());
      Files.createDirectories(target.getParent());
      try (ParagraphReader reader = new ParagraphReader(Files.newInputStream(f), 16 << 20);
          OutputStream os = new BufferedOutputStream(Files.newOutputStream(target), 1 << 16)) {
        Reassembler r = new Reassembler(os);
        for (Paragraph p = reader.next(); p != null; p = reader.next()) {
          r.add(p.index(), p.textBytes());
          paragraphs++;
        }
        r.finish();
      }
    }
    System.out.printf("single thread: %d documents, %d paragraphs%n", files.size(), paragraphs);
  }
}
