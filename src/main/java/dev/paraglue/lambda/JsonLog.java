package dev.paraglue.lambda;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** One JSON object per log line (what CloudWatch Logs Insights reads): milestones and counts. */
public final class JsonLog {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final PrintStream out;

  public JsonLog(PrintStream out) {
    this.out = out;
  }

  public void info(String event, Object... keyValues) {
    write("INFO", event, keyValues);
  }

  public void warn(String event, Object... keyValues) {
    write("WARN", event, keyValues);
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
