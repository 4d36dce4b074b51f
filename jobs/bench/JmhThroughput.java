import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paraglue.bench.SplitterBenchmark;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns JMH's ops/s for SplitterBenchmark into MB/s per core, using each input's exact size, and
 * writes each input (as UTF-8) and the splitter's reassembly of it under CHECK_DIR/input and
 * CHECK_DIR/paraglue, for jmh.sh to compare with the independent reference.
 *
 * <pre>java -cp ... jobs/bench/JmhThroughput.java JMH_JSON CHECK_DIR</pre>
 */
public final class JmhThroughput {
  public static void main(String[] args) throws IOException {
    Path check = Path.of(args[1]);
    Files.createDirectories(check.resolve("input"));
    Files.createDirectories(check.resolve("paraglue"));
    for (JsonNode run : new ObjectMapper().readTree(new File(args[0]))) {
      String text = run.path("params").path("text").asText();
      SplitterBenchmark b = new SplitterBenchmark();
      b.text = text;
      b.generate();
      double ops = run.path("primaryMetric").path("score").asDouble();
      double err = run.path("primaryMetric").path("scoreError").asDouble();
      double mb = b.bytes() / 1e6;
      System.out.printf("splitter %-5s %.0f MB/s per core (± %.0f), input %.1f MB%n", text, ops * mb, err * mb, mb);
      Files.write(check.resolve("input").resolve(text), b.utf8Input());
      Files.write(check.resolve("paraglue").resolve(text), b.reassembled());
    }
  }
}
