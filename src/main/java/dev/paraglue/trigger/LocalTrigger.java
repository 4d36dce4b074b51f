package dev.paraglue.trigger;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code jobs/paraglue trigger [--dry-run] EVENT.json} runs: the handler on an event file,
 * configured from the environment. With {@code --dry-run} each StartJobRun request it would send is
 * printed as one JSON line and nothing is sent or written.
 */
public final class LocalTrigger {
  private static final ObjectMapper JSON = new ObjectMapper();

  private LocalTrigger() {}

  public static void main(String[] args) throws IOException {
    boolean dryRun = false;
    Path event = null;
    for (String a : args) {
      if (a.equals("--dry-run")) {
        dryRun = true;
      } else if (event == null) {
        event = Path.of(a);
      } else {
        usage("unexpected argument " + a);
      }
    }
    if (event == null) {
      usage("an event file is required");
      return;
    }
    byte[] payload = Files.readAllBytes(event);
    ByteArrayOutputStream response = new ByteArrayOutputStream();
    try {
      UploadTrigger handler = dryRun ? dryRunHandler() : new UploadTrigger();
      handler.handleRequest(new ByteArrayInputStream(payload), response, null);
    } catch (RuntimeException e) {
      System.err.println("paraglue trigger: " + e.getMessage());
      System.exit(1);
    }
    System.err.println(response.toString(StandardCharsets.UTF_8));
  }

  static UploadTrigger dryRunHandler() {
    int[] count = {0};
    JobStarter printer =
        (job, arguments, deadline) -> {
          Map<String, Object> request = new LinkedHashMap<>();
          request.put("JobName", job);
          request.put("Arguments", arguments);
          request.put("JobRunQueuingEnabled", true);
          try {
            System.out.println(JSON.writeValueAsString(request));
          } catch (IOException e) {
            throw new IllegalStateException("Cannot print request: " + e.getMessage(), e);
          }
          return "dry-run-" + (++count[0]);
        };
    ManifestStore none = (uri, content) -> {};
    return new UploadTrigger(
        TriggerConfig.fromEnvironment(System.getenv()), printer, none, new JsonLog(System.err));
  }

  private static void usage(String why) {
    System.err.println("paraglue trigger: " + why);
    System.err.println("usage: jobs/paraglue trigger [--dry-run] EVENT.json");
    System.exit(2);
  }
}
