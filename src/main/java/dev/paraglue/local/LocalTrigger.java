package dev.paraglue.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paraglue.cli.Argument;
import dev.paraglue.cli.Command;
import dev.paraglue.lambda.JsonLog;
import dev.paraglue.trigger.JobStarter;
import dev.paraglue.trigger.ManifestStore;
import dev.paraglue.trigger.TriggerConfig;
import dev.paraglue.trigger.UploadTrigger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code jobs/paraglue trigger [--dry-run] EVENT.json} runs: the handler on an event file,
 * configured from the environment. With {@code --dry-run} each StartJobRun request it would send is
 * printed as one JSON line and nothing is sent or written.
 */
public final class LocalTrigger {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The table the parser and the help read. */
  static final Command COMMAND =
      new Command(
          "run the trigger",
          "jobs/paraglue trigger [--dry-run] EVENT.json",
          "Runs the upload Lambda's handler on an event file, configured by the PARAGLUE_*"
              + " variables ("
              + TriggerConfig.JOB_NAME
              + ", "
              + TriggerConfig.SOURCE_PREFIX
              + ", ...).",
          List.of(
              Argument.flag(
                  "dry-run", "print each StartJobRun request as one JSON line; send nothing")),
          List.of("EVENT.json"),
          List.of());

  private LocalTrigger() {}

  public static void main(String[] args) throws IOException {
    if (Command.asksForHelp(args)) {
      System.out.print(COMMAND.help());
      return;
    }
    Command.Parsed parsed;
    try {
      parsed = COMMAND.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("paraglue trigger: " + e.getMessage());
      System.exit(2);
      return;
    }
    boolean dryRun = parsed.flag("dry-run");
    Path event = Path.of(parsed.positionals().get(0));
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
}
