package dev.paraglue.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paraglue.lambda.JsonLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The handler on the example events of jobs/events/, with StartJobRun going through the real SDK
 * client to a loopback server that speaks Glue's protocol. Given / when / then.
 */
class UploadTriggerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeGlue glue;
  private final Map<String, String> manifests = new HashMap<>();
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws IOException {
    glue = new FakeGlue();
  }

  @AfterEach
  void stop() {
    glue.close();
  }

  private static Map<String, String> env(String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put(TriggerConfig.JOB_NAME, "paraglue");
    env.put(TriggerConfig.SOURCE_TABLE, "raw.documents");
    env.put(TriggerConfig.SOURCE_PREFIX, "s3://paraglue-demo/raw/");
    env.put(TriggerConfig.OUTPUT_PREFIX, "s3://paraglue-demo/raw/_out/");
    env.put(TriggerConfig.MANIFEST_PREFIX, "s3://paraglue-demo/manifests/");
    for (int i = 0; i + 1 < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  /** The handlers' clock: it moves only when the starter waits between attempts. */
  private final java.util.concurrent.atomic.AtomicLong now =
      new java.util.concurrent.atomic.AtomicLong(1_796_000_000_000L);

  private UploadTrigger handler(Map<String, String> env) {
    return new UploadTrigger(
        TriggerConfig.fromEnvironment(env),
        new GlueStarter(glue.client(), now::get, now::addAndGet),
        manifests::put,
        new JsonLog(new PrintStream(logs, true, StandardCharsets.UTF_8), now::get));
  }

  private static byte[] event(String name) throws IOException {
    return Files.readAllBytes(Path.of("jobs/events", name));
  }

  private Map<String, Object> handle(Map<String, String> env, byte[] payload) {
    return handler(env).handle(payload, now.get() + 10_000);
  }

  /** An S3 notification with the given encoded keys (and sequencers). */
  private static byte[] s3Event(String eventName, String... keysAndSequencers) throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(event("s3-put.json"));
    ArrayNode records = (ArrayNode) root.get("Records");
    ObjectNode template = (ObjectNode) records.get(0).deepCopy();
    records.removeAll();
    for (int i = 0; i < keysAndSequencers.length; i += 2) {
      ObjectNode r = template.deepCopy();
      r.put("eventName", eventName);
      ObjectNode object = (ObjectNode) r.get("s3").get("object");
      object.put("key", keysAndSequencers[i]);
      object.put("sequencer", keysAndSequencers[i + 1]);
      records.add(r);
    }
    return JSON.writeValueAsBytes(root);
  }

  /** The response as Lambda reads it: the SQS event source's partial batch response. */
  private static List<String> failures(Map<String, Object> response) throws IOException {
    SQSBatchResponse r =
        JSON.copy()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .readValue(JSON.writeValueAsBytes(response), SQSBatchResponse.class);
    return r.getBatchItemFailures().stream()
        .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
        .toList();
  }

  /** What the event source mapping delivers: S3 notifications as SQS bodies, in the real class. */
  private static byte[] sqs(String... bodies) {
    List<SQSEvent.SQSMessage> messages = new ArrayList<>();
    for (int i = 0; i < bodies.length; i++) {
      SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
      m.setMessageId("m" + (i + 1));
      m.setReceiptHandle("rh" + (i + 1));
      m.setBody(bodies[i]);
      m.setAttributes(Map.of("ApproximateReceiveCount", "1"));
      m.setEventSource("aws:sqs");
      m.setEventSourceArn("arn:aws:sqs:us-east-1:123456789012:paraglue-uploads");
      m.setAwsRegion("us-east-1");
      messages.add(m);
    }
    SQSEvent event = new SQSEvent();
    event.setRecords(messages);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LambdaEventSerializers.serializerFor(SQSEvent.class, UploadTriggerTest.class.getClassLoader())
        .toJson(event, out);
    return out.toByteArray();
  }

  private static String body(byte[] notification) {
    return new String(notification, StandardCharsets.UTF_8);
  }

  private static Map<String, String> coalescing() {
    return env(TriggerConfig.PENDING_PREFIX, "s3://paraglue-demo/manifests/pending");
  }

  @Test
  void sqsBatch_ofCreatesRemovesABadBodyAndATestEvent_becomesOnePendingManifestAndOneRun()
      throws IOException {
    byte[] event =
        sqs(
            body(s3Event("ObjectCreated:Put", "raw/a.txt", "01", "raw/b.txt", "01")),
            body(s3Event("ObjectRemoved:Delete", "raw/b.txt", "02", "raw/gone.md", "01")),
            "not a notification",
            body(event("s3-test-event.json")));

    Map<String, Object> response = handle(coalescing(), event);

    assertThat(glue.targets).containsExactly("AWSGlue.GetJobRuns", "AWSGlue.StartJobRun");
    JsonNode args = glue.starts().get(0).get("Arguments");
    assertThat(args.get("--source_manifest").asText())
        .isEqualTo("s3://paraglue-demo/manifests/pending/");
    assertThat(args.get("--remove_missing").asText()).isEqualTo("true");
    assertThat(args.has("--source_paths")).isFalse();
    assertThat(manifests).hasSize(1);
    String manifest = manifests.keySet().iterator().next();
    assertThat(manifest).startsWith("s3://paraglue-demo/manifests/pending/batch-");
    assertThat(manifests.get(manifest))
        .isEqualTo(
            "s3://paraglue-demo/raw/a.txt\ns3://paraglue-demo/raw/b.txt\n"
                + "s3://paraglue-demo/raw/gone.md\n");
    assertThat(failures(response)).containsExactly("m3");

    // Redelivered (the visibility timeout ran out): the same manifest, and the queued run takes it.
    Map<String, Object> again = handle(coalescing(), event);
    assertThat(manifests).hasSize(1);
    assertThat(glue.starts()).hasSize(1);
    assertThat(again.get("coalesced").toString()).contains("waiting_run_id=jr_2");
    assertThat(failures(again)).containsExactly("m3");

    // The same keys uploaded again (new sequencers): a manifest of their own, which a run that took
    // the first one cannot retire.
    handle(
        coalescing(),
        sqs(
            body(s3Event("ObjectCreated:Put", "raw/a.txt", "03", "raw/b.txt", "03")),
            body(s3Event("ObjectRemoved:Delete", "raw/b.txt", "04", "raw/gone.md", "02"))));
    assertThat(manifests).hasSize(2);
  }

  @Test
  void coalescedRuns_aWaitingRunTakesLaterBatches_aRunningOrFailedOneGetsASuccessor()
      throws IOException {
    Map<String, String> env = coalescing();
    handle(env, sqs(body(s3Event("ObjectCreated:Put", "raw/1.txt", "01"))));
    assertThat(glue.starts()).hasSize(1);
    String first = "jr_2"; // GetJobRuns was request 1

    // While the first run waits in Glue's queue (or is starting), batches only add manifests.
    handle(env, sqs(body(s3Event("ObjectCreated:Put", "raw/2.txt", "01"))));
    glue.state(first, "STARTING");
    handle(env, sqs(body(s3Event("ObjectRemoved:Delete", "raw/3.txt", "01"))));
    assertThat(glue.starts()).hasSize(1);
    assertThat(manifests).hasSize(3);

    // Once it runs it has taken what was pending: the next batch needs a run of its own.
    glue.state(first, "RUNNING");
    Map<String, Object> response =
        handle(env, sqs(body(s3Event("ObjectCreated:Put", "raw/4.txt", "01"))));
    assertThat(glue.starts()).hasSize(2);
    String second = ((List<?>) response.get("runs")).get(0).toString();
    assertThat(second).contains("job_run_id=jr_");

    // A run that failed took nothing for good (the job retires manifests only after its commit):
    // the next batch starts a run, which takes every manifest still pending.
    glue.state(first, "SUCCEEDED");
    glue.states("FAILED");
    handle(env, sqs(body(s3Event("ObjectCreated:Put", "raw/5.txt", "01"))));
    assertThat(glue.starts()).hasSize(3);
    assertThat(glue.starts())
        .allSatisfy(
            r ->
                assertThat(r.get("Arguments").get("--source_manifest").asText())
                    .isEqualTo("s3://paraglue-demo/manifests/pending/"));
    assertThat(logs.toString(StandardCharsets.UTF_8))
        .contains("\"event\":\"run_coalesced\"", "\"waiting_run_id\":\"jr_2\"");
  }

  /** The log's embedded-metric-format lines, as CloudWatch reads them. */
  private List<JsonNode> metricLines() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : logs.toString(StandardCharsets.UTF_8).split("\n")) {
      JsonNode n = JSON.readTree(line);
      if (n.has("_aws")) {
        out.add(n);
      }
    }
    return out;
  }

  @Test
  void everyInvocation_reportsItsCountsAsEmbeddedMetrics() throws IOException {
    glue.answer(FakeGlue.Answer.THROTTLE, FakeGlue.Answer.CONCURRENT);
    handle(env(), event("s3-put.json"));
    handle(env(), event("sqs-s3.json"));

    List<JsonNode> lines = metricLines();
    assertThat(lines).hasSize(2);
    JsonNode directive = lines.get(0).at("/_aws/CloudWatchMetrics/0");
    assertThat(directive.get("Namespace").asText()).isEqualTo("paraglue");
    assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Function\"]]");
    List<String> names = new ArrayList<>();
    directive.get("Metrics").forEach(m -> names.add(m.get("Name").asText()));
    assertThat(names)
        .containsExactly(
            "EventsReceived",
            "EventsIgnored",
            "RunsStarted",
            "RunsCoalesced",
            "Throttles",
            "Failures");
    assertThat(lines.get(0).at("/_aws/Timestamp").asLong()).isEqualTo(now.get());
    JsonNode first = lines.get(0);
    assertThat(first.get("Function").asText()).isEqualTo("trigger");
    assertThat(first.get("EventsReceived").asLong()).isEqualTo(3);
    assertThat(first.get("RunsStarted").asLong()).isEqualTo(1);
    assertThat(first.get("Throttles").asLong()).isEqualTo(2);
    assertThat(first.get("Failures").asLong()).isZero();
    JsonNode second = lines.get(1);
    assertThat(second.get("Throttles").asLong()).isZero();
    assertThat(second.get("Failures").asLong()).as("the unreadable message").isEqualTo(1);
  }

  @Test
  void s3Notification_withEncodedKeys_startsOneQueuedRunWithDecodedPaths() throws IOException {
    // Two uploads and a removal: one run that processes what is there and removes what is gone.
    Map<String, Object> response = handle(env(), event("s3-put.json"));

    assertThat(glue.requests).hasSize(1);
    assertThat(glue.targets).containsExactly("AWSGlue.StartJobRun");
    JsonNode request = glue.requests.get(0);
    assertThat(request.get("JobName").asText()).isEqualTo("paraglue");
    assertThat(request.get("JobRunQueuingEnabled").asBoolean()).isTrue();
    assertThat(request.get("Arguments").get("--source_table").asText()).isEqualTo("raw.documents");
    assertThat(request.get("Arguments").get("--source_paths").asText())
        .isEqualTo(
            "s3://paraglue-demo/raw/dt=2026-11-28/old.txt,"
                + "s3://paraglue-demo/raw/dt=2026-11-29/meeting notes über.txt,"
                + "s3://paraglue-demo/raw/dt=2026-11-29/中文.txt.gz");
    assertThat(request.get("Arguments").get("--remove_missing").asText()).isEqualTo("true");
    assertThat(response.get("runs").toString()).contains("job_run_id=jr_1", "sources=3");
    assertThat(response.get("ignored").toString()).doesNotContain("old.txt");
    assertThat(logs.toString(StandardCharsets.UTF_8))
        .contains("\"event\":\"run_started\"", "\"job_run_id\":\"jr_1\"")
        .doesNotContain("meeting notes");
  }

  @Test
  void testEvent_isAcknowledged_andStartsNothing() throws IOException {
    Map<String, Object> response = handle(env(), event("s3-test-event.json"));
    assertThat(response).containsEntry("test_event", true);
    assertThat(glue.requests).isEmpty();
  }

  @Test
  void sqs_reportsExactlyTheMessagesNotStarted() throws IOException {
    Map<String, Object> response = handle(env(), event("sqs-s3.json"));
    assertThat(glue.requests).hasSize(1);
    assertThat(glue.requests.get(0).get("Arguments").get("--source_paths").asText())
        .isEqualTo("s3://paraglue-demo/raw/dt=2026-11-29/report 2026.md");
    // Message 2 is a test event (fine); message 3's body is not a notification.
    assertThat(failures(response)).containsExactly("1c1a0b3e-0000-4000-8000-000000000003");
  }

  @Test
  void sqs_whenGlueKeepsFailing_returnsTheMessagesForRedelivery() throws IOException {
    glue.otherwise(FakeGlue.Answer.SERVER_ERROR);
    Map<String, Object> response = handler(env()).handle(event("sqs-s3.json"), now.get() + 6_000);
    assertThat(glue.requests.size()).isGreaterThan(1);
    assertThat(failures(response))
        .containsExactly(
            "1c1a0b3e-0000-4000-8000-000000000003", "1c1a0b3e-0000-4000-8000-000000000001");
    assertThat(response.get("runs").toString()).isEqualTo("[]");
  }

  @Test
  void throttlingAndConcurrentRunLimits_areRetried_untilTheRunStarts() throws IOException {
    glue.answer(FakeGlue.Answer.THROTTLE, FakeGlue.Answer.CONCURRENT, FakeGlue.Answer.SERVER_ERROR);
    Map<String, Object> response = handle(env(), event("s3-put.json"));
    assertThat(glue.requests).hasSize(4);
    assertThat(glue.requests).allSatisfy(r -> assertThat(r).isEqualTo(glue.requests.get(0)));
    assertThat(response.get("runs").toString()).contains("jr_4");
  }

  @Test
  void directInvocation_whenTheJobCannotStart_throwsSoLambdaRetries() throws IOException {
    glue.otherwise(FakeGlue.Answer.NOT_FOUND);
    assertThatThrownBy(() -> handle(env(), event("s3-put.json")))
        .hasMessage("Cannot start Glue job paraglue after 1 attempt(s): EntityNotFoundException");
    assertThat(glue.requests).hasSize(1);
  }

  @Test
  void eventBridge_keyWithAComma_goesThroughAManifest() throws IOException {
    Map<String, Object> response = handle(env(), event("eventbridge-object-created.json"));
    JsonNode args = glue.requests.get(0).get("Arguments");
    assertThat(args.has("--source_paths")).isFalse();
    String manifest = args.get("--source_manifest").asText();
    assertThat(manifest).startsWith("s3://paraglue-demo/manifests/manifest-").endsWith(".txt");
    assertThat(manifests)
        .containsEntry(manifest, "s3://paraglue-demo/raw/dt=2026-11-29/notes, final.txt\n");
    assertThat(response.get("runs").toString()).contains("manifest=" + manifest);
  }

  @Test
  void moreKeysThanTheLimit_useAManifest_namedByItsContent() throws IOException {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      keys.add("raw/batch/doc-" + i + ".txt");
      keys.add("00A" + i);
    }
    byte[] payload = s3Event("ObjectCreated:Put", keys.toArray(new String[0]));
    Map<String, String> env = env(TriggerConfig.MAX_KEYS_PER_RUN, "5");
    handle(env, payload);
    handle(env, payload); // a redelivery rewrites the same manifest
    String first = glue.requests.get(0).get("Arguments").get("--source_manifest").asText();
    String second = glue.requests.get(1).get("Arguments").get("--source_manifest").asText();
    assertThat(second).isEqualTo(first);
    assertThat(manifests).hasSize(1);
    assertThat(manifests.get(first).lines()).hasSize(6);
  }

  @Test
  void duplicates_collapse_andTheNewestSequencerWins() throws IOException {
    // Created, then removed: the older event comes first; the newer is written two digits shorter,
    // so only a right-aligned comparison orders them. One source per key; the removal wins.
    handle(
        env(),
        sqs(
            body(s3Event("ObjectCreated:Put", "raw/a.txt", "55AED6DCD90281E5")),
            body(s3Event("ObjectCreated:Put", "raw/b.md", "01")),
            body(s3Event("ObjectRemoved:Delete", "raw/a.txt", "0055AED6DCD90281F0"))));
    JsonNode removedLast = glue.starts().get(0).get("Arguments");
    assertThat(removedLast.get("--source_paths").asText())
        .isEqualTo("s3://paraglue-demo/raw/a.txt,s3://paraglue-demo/raw/b.md");
    assertThat(removedLast.path("--remove_missing").asText()).isEqualTo("true");

    // Removed, then created again, the newer event first this time: the creation wins.
    handle(
        env(),
        sqs(
            body(s3Event("ObjectCreated:Put", "raw/a.txt", "0055AED6DCD90281F0")),
            body(s3Event("ObjectRemoved:Delete", "raw/a.txt", "55AED6DCD90281E5"))));
    JsonNode createdLast = glue.starts().get(1).get("Arguments");
    assertThat(createdLast.get("--source_paths").asText())
        .isEqualTo("s3://paraglue-demo/raw/a.txt");
    assertThat(createdLast.has("--remove_missing")).as("nothing to remove").isFalse();
  }

  @Test
  void redeliveredAndOutOfOrderEvents_eachStartARun_soNoKeyIsDropped() throws IOException {
    byte[] newer = s3Event("ObjectCreated:Put", "raw/a.txt", "0055AED6DCD90281F0");
    byte[] older = s3Event("ObjectCreated:Put", "raw/a.txt", "0055AED6DCD90281E5");
    handle(env(), newer);
    handle(env(), newer); // S3 delivers at least once
    handle(env(), older); // and in no particular order
    // Every delivery starts a run for the key: the job reads the object as it is now and skips it
    // when the ledger already has that version, so a repeat costs a no-op run, never a lost key.
    assertThat(glue.requests).hasSize(3);
    assertThat(glue.requests)
        .allSatisfy(
            r ->
                assertThat(r.get("Arguments").get("--source_paths").asText())
                    .isEqualTo("s3://paraglue-demo/raw/a.txt"));
  }

  @Test
  void glueThrottlingPastTheInvocationsTime_throwsForADirectInvocation_andFailsTheSqsMessages()
      throws IOException {
    glue.otherwise(FakeGlue.Answer.THROTTLE);
    long deadline = now.get() + 3_000;
    assertThatThrownBy(() -> handler(env()).handle(event("s3-put.json"), deadline))
        .hasMessageContaining("Cannot start Glue job paraglue after")
        .hasMessageContaining("ThrottlingException");
    assertThat(now.get())
        .as("gave up within the invocation, keeping time to answer")
        .isLessThanOrEqualTo(deadline - GlueStarter.RESERVE_MILLIS);
    assertThat(glue.requests.size()).isGreaterThan(1);

    Map<String, Object> response = handler(env()).handle(event("sqs-s3.json"), now.get() + 3_000);
    assertThat(response.get("runs").toString()).isEqualTo("[]");
    assertThat(failures(response)).contains("1c1a0b3e-0000-4000-8000-000000000001");
  }

  @Test
  void keysThatAreNotSources_areIgnoredWithAReason_andNothingStarts() throws IOException {
    byte[] payload =
        s3Event(
            "ObjectCreated:Put",
            "raw/folder/",
            "01",
            "raw/_out/documents/x.txt",
            "02",
            "raw/image.png",
            "03",
            "elsewhere/x.txt",
            "04");
    Map<String, Object> response = handle(env(), payload);
    assertThat(glue.requests).isEmpty();
    assertThat(response.get("ignored").toString())
        .contains("folder marker")
        .contains("under the output prefix s3://paraglue-demo/raw/_out/")
        .contains("suffix not accepted (.txt,.md,.text,.gz,.bz2)")
        .contains("outside the watched prefix s3://paraglue-demo/raw/");
  }

  @Test
  void unknownShape_namesWhatArrived_withoutEchoingThePayload() {
    byte[] payload =
        "{\"hello\":\"secret document text\",\"n\":1}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> handle(env(), payload))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read event: unknown shape with top-level fields [hello, n]");
  }

  @Test
  void missingJobName_isAConfigurationError() {
    Map<String, String> env = env();
    env.remove(TriggerConfig.JOB_NAME);
    assertThatThrownBy(() -> TriggerConfig.fromEnvironment(env))
        .hasMessage("Cannot start runs: PARAGLUE_JOB_NAME is not set");
  }
}
