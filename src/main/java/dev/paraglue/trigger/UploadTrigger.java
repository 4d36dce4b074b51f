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
    if (batch.testEvent()) {
      log.info("test_event", "shape", batch.shape().name());
    }
    RunPlanner.Plan plan = new RunPlanner(cfg).plan(batch.events());
    Outcome outcome = new Outcome(batch.unreadableMessages());
    // The starter (and its Glue client) is built only when a run is to be started.
    long throttlesBefore = plan.runs().isEmpty() ? 0 : starter.get().throttles();
    for (RunPlanner.PlannedRun run : plan.runs()) {
      try {
        Map<String, Object> done = startOrCoalesce(cfg, run, deadlineMillis);
        (done.containsKey("job_run_id") ? outcome.runs : outcome.coalesced).add(done);
      } catch (RuntimeException e) {
        outcome.failure = e.getMessage();
        log.warn(
            "run_not_started",
            "job",
            cfg.jobName(),
            "sources",
            run.sources().size(),
            "reason",
            outcome.failure);
        run.sources().stream()
            .map(ObjectEvent::messageId)
            .filter(id -> id != null)
            .forEach(outcome.failedMessages::add);
      }
    }
    long throttles = plan.runs().isEmpty() ? 0 : starter.get().throttles() - throttlesBefore;
    report(batch, plan, outcome, throttles);
    if (batch.shape() != EventBatch.Shape.SQS && outcome.failure != null) {
      throw new IllegalStateException(outcome.failure);
    }
    return response(cfg, batch, plan, outcome);
  }

  /** What one invocation started, left to a waiting run, and could not start. */
  private static final class Outcome {
    final List<Map<String, Object>> runs = new ArrayList<>();
    final List<Map<String, Object>> coalesced = new ArrayList<>();
    final Set<String> failedMessages;
    String failure;

    Outcome(List<String> unreadableMessages) {
      failedMessages = new LinkedHashSet<>(unreadableMessages);
    }
  }

  /** The milestone log line and the invocation's metrics (embedded metric format). */
  private void report(EventBatch batch, RunPlanner.Plan plan, Outcome outcome, long throttles) {
    log.info(
        "batch_handled",
        "shape",
        batch.shape().name(),
        "objects",
        batch.events().size(),
        "ignored",
        plan.ignored().size(),
        "runs_started",
        outcome.runs.size(),
        "coalesced",
        outcome.coalesced.size(),
        "unreadable_messages",
        batch.unreadableMessages().size());
    Map<String, Long> metrics = new LinkedHashMap<>();
    metrics.put("EventsReceived", (long) batch.events().size());
    metrics.put("EventsIgnored", (long) plan.ignored().size());
    metrics.put("RunsStarted", (long) outcome.runs.size());
    metrics.put("RunsCoalesced", (long) outcome.coalesced.size());
    metrics.put("Throttles", throttles);
    long notStarted = plan.runs().size() - outcome.runs.size() - outcome.coalesced.size();
    metrics.put("Failures", notStarted + batch.unreadableMessages().size());
    log.metrics("trigger", metrics);
  }

  /** The started runs, the ignored keys with reasons and, for SQS, the messages to redeliver. */
  private static Map<String, Object> response(
      TriggerConfig cfg, EventBatch batch, RunPlanner.Plan plan, Outcome outcome) {
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("runs", outcome.runs);
    if (cfg.pendingPrefix().isPresent()) {
      response.put("coalesced", outcome.coalesced);
    }
    List<Map<String, Object>> ignored = new ArrayList<>();
    for (RunPlanner.Ignored i : plan.ignored()) {
      ignored.add(Map.of("key", i.uri(), "reason", i.reason()));
    }
    response.put("ignored", ignored);
    if (batch.testEvent()) {
      response.put("test_event", true);
    }
    if (batch.shape() == EventBatch.Shape.SQS) {
      response.put(
          "batchItemFailures", batchResponse(outcome.failedMessages).getBatchItemFailures());
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
