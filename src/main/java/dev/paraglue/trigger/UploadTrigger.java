package dev.paraglue.trigger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paraglue.lambda.JsonLog;
import dev.paraglue.lambda.Memo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The upload trigger (SPEC section 3): reads an S3, SQS or EventBridge event, decides which objects
 * to process and starts one Glue job run for them. Thin on purpose: parsing, planning and starting
 * live in {@link EventParser}, {@link RunPlanner} and a {@link JobStarter}.
 *
 * <p>For SQS it answers {@code batchItemFailures} with exactly the messages whose objects were not
 * started, so Lambda redelivers only those; for direct S3 and EventBridge invocations it throws
 * when nothing could be started, so Lambda's retries and failure destination apply.
 */
public final class UploadTrigger implements RequestStreamHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Used when there is no Lambda context (local runs). */
  static final long LOCAL_TIME_BUDGET_MILLIS = 60_000;

  private final Supplier<TriggerConfig> config;
  private final Supplier<JobStarter> starter;
  private final Supplier<ManifestStore> manifests;
  private final JsonLog log;

  /** The Lambda runtime's constructor: configuration from the environment, clients built lazily. */
  public UploadTrigger() {
    this(
        Memo.of(() -> TriggerConfig.fromEnvironment(System.getenv())),
        Memo.of(
            () ->
                new GlueStarter(
                    GlueClient.builder()
                        .httpClient(UrlConnectionHttpClient.create())
                        .overrideConfiguration(
                            c ->
                                c.retryStrategy(
                                    software.amazon.awssdk.awscore.retry.AwsRetryStrategy
                                        .doNotRetry()))
                        .build())),
        Memo.of(
            () ->
                new S3ManifestStore(
                    S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build())),
        new JsonLog(System.out));
  }

  public UploadTrigger(
      TriggerConfig config, JobStarter starter, ManifestStore manifests, JsonLog log) {
    this(() -> config, () -> starter, () -> manifests, log);
  }

  UploadTrigger(
      Supplier<TriggerConfig> config,
      Supplier<JobStarter> starter,
      Supplier<ManifestStore> manifests,
      JsonLog log) {
    this.config = config;
    this.starter = starter;
    this.manifests = manifests;
    this.log = log;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    long deadline =
        System.currentTimeMillis()
            + (context == null ? LOCAL_TIME_BUDGET_MILLIS : context.getRemainingTimeInMillis());
    Map<String, Object> response = handle(input.readAllBytes(), deadline);
    output.write(JSON.writeValueAsBytes(response));
  }

  /**
   * Handles one event; returns the response, or throws when a direct invocation started nothing.
   */
  Map<String, Object> handle(byte[] payload, long deadlineMillis) {
    EventBatch batch = EventParser.parse(payload);
    TriggerConfig cfg = config.get();
    Map<String, Object> response = new LinkedHashMap<>();
    List<Map<String, Object>> runs = new ArrayList<>();
    List<Map<String, Object>> ignored = new ArrayList<>();
    Set<String> failedMessages = new LinkedHashSet<>(batch.unreadableMessages());
    response.put("runs", runs);
    response.put("ignored", ignored);
    if (batch.testEvent()) {
      log.info("test_event", "shape", batch.shape().name());
      response.put("test_event", true);
    }
    RunPlanner.Plan plan = new RunPlanner(cfg).plan(batch.events());
    for (RunPlanner.Ignored i : plan.ignored()) {
      ignored.add(Map.of("key", i.uri(), "reason", i.reason()));
    }
    String failure = null;
    for (RunPlanner.PlannedRun run : plan.runs()) {
      try {
        if (run.manifestUri() != null) {
          manifests.get().put(run.manifestUri(), run.manifestContent());
        }
        String id = starter.get().start(cfg.jobName(), run.arguments(), deadlineMillis);
        Map<String, Object> started = new LinkedHashMap<>();
        started.put("job_run_id", id);
        started.put("sources", run.sources().size());
        if (run.manifestUri() != null) {
          started.put("manifest", run.manifestUri());
        }
        runs.add(started);
        log.info(
            "run_started", "job", cfg.jobName(), "job_run_id", id, "sources", run.sources().size());
      } catch (RuntimeException e) {
        failure = e.getMessage();
        log.warn(
            "run_not_started",
            "job",
            cfg.jobName(),
            "sources",
            run.sources().size(),
            "reason",
            failure);
        for (ObjectEvent s : run.sources()) {
          if (s.messageId() != null) {
            failedMessages.add(s.messageId());
          }
        }
      }
    }
    log.info(
        "batch_handled",
        "shape",
        batch.shape().name(),
        "objects",
        batch.events().size(),
        "ignored",
        plan.ignored().size(),
        "runs_started",
        runs.size(),
        "unreadable_messages",
        batch.unreadableMessages().size());
    if (batch.shape() == EventBatch.Shape.SQS) {
      List<Map<String, String>> failures = new ArrayList<>();
      failedMessages.forEach(id -> failures.add(Map.of("itemIdentifier", id)));
      response.put("batchItemFailures", failures);
    } else if (failure != null) {
      throw new IllegalStateException(failure);
    }
    return response;
  }
}
