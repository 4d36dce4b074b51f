package dev.paraglue.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One JSON object per log line (what CloudWatch Logs Insights reads): milestones and counts, and
 * metrics in CloudWatch's embedded metric format.
 */
public final class JsonLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The namespace of the Lambdas' metrics (the template's alarms and dashboard read it). */
  public static final String NAMESPACE = "paraglue";

  private final PrintStream out;
  private final LongSupplier clock;

  public JsonLog(PrintStream out) {
    this(out, System::currentTimeMillis);
  }

  public JsonLog(PrintStream out, LongSupplier clock) {
    this.out = out;
    this.clock = clock;
  }

  public void info(String event, Object... keyValues) {
    write("INFO", event, keyValues);
  }

  public void warn(String event, Object... keyValues) {
    write("WARN", event, keyValues);
  }

  /**
   * One line in CloudWatch's embedded metric format: CloudWatch Logs turns it into the metrics
   * {@code values} in namespace {@link #NAMESPACE} with dimension {@code Function=function}; the
   * line stays readable as a log line.
   */
  public void metrics(String function, Map<String, ? extends Number> values) {
    Map<String, Object> line = new LinkedHashMap<>();
    List<Map<String, String>> names = new ArrayList<>();
    values.keySet().forEach(n -> names.add(Map.of("Name", n, "Unit", "Count")));
    line.put(
        "_aws",
        Map.of(
            "Timestamp",
            clock.getAsLong(),
            "CloudWatchMetrics",
            List.of(
                Map.of(
                    "Namespace",
                    NAMESPACE,
                    "Dimensions",
                    List.of(List.of("Function")),
                    "Metrics",
                    names))));
    line.put("Function", function);
    line.putAll(values);
    try {
      out.println(JSON.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      out.println("{\"level\":\"WARN\",\"event\":\"metrics_not_written\"}");
    }
  }

  private void write(String level, String event, Object... keyValues) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("level", level);
    line.put("event", event);
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      line.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
    }
    try {
      out.println(JSON.writeValueAsString(line));
    } catch (JsonProcessingException e) {
      out.println("{\"level\":\"" + level + "\",\"event\":\"" + event + "\"}");
    }
  }
}
