package dev.paraglue.trigger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
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
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The upload trigger (docs/contract.md §3): reads an S3, SQS or EventBridge event, decides which
 * objects to process and starts one Glue job run for them. Thin on purpose: parsing, planning and
 * starting live in {@link EventParser}, {@link RunPlanner} and a {@link JobStarter}.
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
    List<Map<String, Object>> coalesced = new ArrayList<>();
    List<Map<String, Object>> ignored = new ArrayList<>();
    Set<String> failedMessages = new LinkedHashSet<>(batch.unreadableMessages());
    response.put("runs", runs);
    if (cfg.pendingPrefix().isPresent()) {
      response.put("coalesced", coalesced);
    }
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
    // The starter (and its Glue client) is built only when a run is to be started.
    long throttlesBefore = plan.runs().isEmpty() ? 0 : starter.get().throttles();
    for (RunPlanner.PlannedRun run : plan.runs()) {
      try {
        Map<String, Object> done = startOrCoalesce(cfg, run, deadlineMillis);
        (done.containsKey("job_run_id") ? runs : coalesced).add(done);
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
        run.sources().stream()
            .map(ObjectEvent::messageId)
            .filter(id -> id != null)
            .forEach(failedMessages::add);
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
        "coalesced",
        coalesced.size(),
        "unreadable_messages",
        batch.unreadableMessages().size());
    Map<String, Long> metrics = new LinkedHashMap<>();
    metrics.put("EventsReceived", (long) batch.events().size());
    metrics.put("EventsIgnored", (long) plan.ignored().size());
    metrics.put("RunsStarted", (long) runs.size());
    metrics.put("RunsCoalesced", (long) coalesced.size());
    metrics.put(
        "Throttles", plan.runs().isEmpty() ? 0 : starter.get().throttles() - throttlesBefore);
    metrics.put(
        "Failures",
        (long) (plan.runs().size() - runs.size() - coalesced.size())
            + batch.unreadableMessages().size());
    log.metrics("trigger", metrics);
    if (batch.shape() == EventBatch.Shape.SQS) {
      response.put("batchItemFailures", batchResponse(failedMessages).getBatchItemFailures());
    } else if (failure != null) {
      throw new IllegalStateException(failure);
    }
    return response;
  }

  /** SQS's partial batch response: the messages Lambda must redeliver. */
  static SQSBatchResponse batchResponse(Set<String> failedMessageIds) {
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    failedMessageIds.forEach(
        id ->
            failures.add(
                SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(id).build()));
    return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
  }

  /**
   * Writes the run's manifest, if any; then starts the run, unless runs are coalesced and one is
   * waiting already (it will take this batch's pending manifest when it starts).
   */
  private Map<String, Object> startOrCoalesce(
      TriggerConfig cfg, RunPlanner.PlannedRun run, long deadlineMillis) {
    Map<String, Object> done = new LinkedHashMap<>();
    done.put("sources", run.sources().size());
    if (run.manifestUri() != null) {
      manifests.get().put(run.manifestUri(), run.manifestContent());
      done.put("manifest", run.manifestUri());
    }
    if (cfg.pendingPrefix().isPresent()) {
      Optional<String> waiting = starter.get().waitingRun(cfg.jobName(), deadlineMillis);
      if (waiting.isPresent()) {
        done.put("waiting_run_id", waiting.get());
        log.info(
            "run_coalesced",
            "job",
            cfg.jobName(),
            "waiting_run_id",
            waiting.get(),
            "sources",
            run.sources().size());
        return done;
      }
    }
    String id = starter.get().start(cfg.jobName(), run.arguments(), deadlineMillis);
    done.put("job_run_id", id);
    log.info(
        "run_started", "job", cfg.jobName(), "job_run_id", id, "sources", run.sources().size());
    return done;
  }
}
