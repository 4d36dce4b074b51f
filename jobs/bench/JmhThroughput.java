import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paraglue.bench.SplitterBenchmark;
import java.io.File;
import java.io.IOException;

/** Turns JMH's ops/s for SplitterBenchmark into MB/s per core, using each input's exact size. */
public final class JmhThroughput {
  public static void main(String[] args) throws IOException {
    for (JsonNode run : new ObjectMapper().readTree(new File(args[0]))) {
      String text = run.path("params").path("text").asText();
      SplitterBenchmark b = new SplitterBenchmark();
      b.text = text;
      b.generate();
      double ops = run.path("primaryMetric").path("score").asDouble();
      double err = run.path("primaryMetric").path("scoreError").asDouble();
      double mb = b.bytes() / 1e6;
      System.out.printf("splitter %-5s %.0f MB/s per core (± %.0f), input %.1f MB%n", text, ops * mb, err * mb, mb);
    }
  }
}
