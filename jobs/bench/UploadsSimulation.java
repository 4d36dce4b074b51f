import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paraglue.lambda.JsonLog;
import dev.paraglue.trigger.JobStarter;
import dev.paraglue.trigger.ManifestStore;
import dev.paraglue.trigger.TriggerConfig;
import dev.paraglue.trigger.UploadTrigger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Issue 15 item 5: a day of uploads, delivered as the SQS event source mapping would (batching
 * window, 10,000 messages or 6 MB per batch), through the real trigger handler (coalescing on),
 * against a model of Glue (queued runs, MaxConcurrentRuns 1, start-up 30-60 s, run time from the
 * local benchmark's per-byte cost). Prints one Markdown table row per scenario and window.
 *
 * <p>Run by jobs/bench/uploads on target/paraglue-trigger.jar. Simulated time only: no sleeps.
 */
public final class UploadsSimulation {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String BUCKET = "paraglue-sim";

  // The model's figures (jobs/bench/RESULTS.md, "Uploads at production rates").
  static final double STARTUP_MIN_S = 30;
  static final double STARTUP_MAX_S = 60;
  static final double RUN_FIXED_S = 20; // catalog, Iceberg commit, ledger, report
  static final double BYTES_PER_S = 32.5e6; // the local benchmark's "many" scenario, 2 cores
  static final int DPUS = 2; // G.1X x 2 workers
  static final double MIN_BILLED_S = 60;
  static final long OBJECT_BYTES = 50_000;
  static final int BATCH_MESSAGES = 10_000;
  static final int BATCH_BYTES = 6_000_000;

  /** One Glue run in the model. */
  static final class Run {
    final String id;
    final double submitted;
    double listedAt = Double.NaN; // when it took the pending manifests (start-up over)
    double endedAt = Double.NaN;
    final List<Integer> uploads = new ArrayList<>();

    Run(String id, double submitted) {
      this.id = id;
      this.submitted = submitted;
    }
  }

  /** Glue, queued runs, MaxConcurrentRuns 1; also the pending/ folder the runs take. */
  static final class GlueModel implements JobStarter, ManifestStore {
    final List<Run> runs = new ArrayList<>();
    final Map<String, List<Integer>> pending = new LinkedHashMap<>();
    final Map<String, Double> writtenAt = new HashMap<>();
    final Map<String, Integer> uploadOf;
    final double[] published;
    double now;
    double prevEnd = 0;
    int listed = 0;

    GlueModel(Map<String, Integer> uploadOf, int uploads) {
      this.uploadOf = uploadOf;
      this.published = new double[uploads];
      Arrays.fill(published, Double.NaN);
    }

    @Override
    public void put(String uri, String content) {
      List<Integer> ids = new ArrayList<>();
      for (String line : content.split("\n")) {
        if (!line.isBlank()) {
          ids.add(uploadOf.get(line));
        }
      }
      pending.put(uri, ids);
      writtenAt.put(uri, now);
    }

    @Override
    public String start(String jobName, Map<String, String> arguments, long deadline) {
      Run r = new Run("jr_" + (runs.size() + 1), now);
      runs.add(r);
      return r.id;
    }

    @Override
    public Optional<String> waitingRun(String jobName, long deadline) {
      advance(now);
      return listed < runs.size() ? Optional.of(runs.get(listed).id) : Optional.empty();
    }

    /** Moves Glue on to time {@code t}: queued runs start, take what is pending, end. */
    void advance(double t) {
      while (listed < runs.size()) {
        Run r = runs.get(listed);
        // Each run's start-up is drawn once, from its own seed: the same however often we look.
        double startup =
            STARTUP_MIN_S
                + new Random(1_000L + listed).nextDouble() * (STARTUP_MAX_S - STARTUP_MIN_S);
        double at = Math.max(r.submitted, prevEnd) + startup;
        if (at > t) {
          return; // still waiting in Glue's queue, or starting
        }
        r.listedAt = at;
        for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
          var m = it.next();
          if (writtenAt.get(m.getKey()) <= at) {
            r.uploads.addAll(m.getValue());
            it.remove();
          }
        }
        long bytes = (long) r.uploads.size() * OBJECT_BYTES;
        r.endedAt = at + RUN_FIXED_S + bytes / BYTES_PER_S;
        for (int u : r.uploads) {
          if (Double.isNaN(published[u])) {
            published[u] = r.endedAt;
          }
        }
        prevEnd = r.endedAt;
        listed++;
      }
    }
  }

  /** One S3 notification record for an upload, as S3 writes it into the queue. */
  static String notificationBody(ObjectNode template, String key, int seq) throws Exception {
    ObjectNode r = template.deepCopy();
    ((ObjectNode) r.get("s3").get("bucket")).put("name", BUCKET);
    ObjectNode o = (ObjectNode) r.get("s3").get("object");
    o.put("key", key);
    o.put("size", OBJECT_BYTES);
    o.put("sequencer", String.format("%018X", seq));
    ObjectNode root = JSON.createObjectNode();
    root.putArray("Records").add(r);
    return JSON.writeValueAsString(root);
  }

  static byte[] sqsEvent(List<String> bodies, int firstId) throws Exception {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode records = root.putArray("Records");
    for (int i = 0; i < bodies.size(); i++) {
      ObjectNode m = records.addObject();
      m.put("messageId", "m" + (firstId + i));
      m.put("receiptHandle", "rh" + (firstId + i));
      m.put("body", bodies.get(i));
      m.putObject("attributes").put("ApproximateReceiveCount", "1");
      m.putObject("messageAttributes");
      m.put("eventSource", "aws:sqs");
      m.put("eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:paraglue-uploads");
      m.put("awsRegion", "us-east-1");
    }
    return JSON.writeValueAsBytes(root);
  }

  record Result(
      int uploads,
      int invocations,
      int runs,
      double p50,
      double p99,
      double max,
      double dpuHours,
      int notPublished) {}

  static Result simulate(double[] arrivals, double windowS, ObjectNode template) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put(TriggerConfig.JOB_NAME, "paraglue");
    env.put(TriggerConfig.SOURCE_TABLE, "paraglue.raw_documents");
    env.put(TriggerConfig.SOURCE_PREFIX, "s3://" + BUCKET + "/raw/");
    env.put(TriggerConfig.OUTPUT_PREFIX, "s3://" + BUCKET + "/output/");
    env.put(TriggerConfig.MANIFEST_PREFIX, "s3://" + BUCKET + "/manifests/");
    env.put(TriggerConfig.PENDING_PREFIX, "s3://" + BUCKET + "/manifests/pending/");
    Map<String, Integer> uploadOf = new HashMap<>();
    List<String> bodies = new ArrayList<>();
    for (int i = 0; i < arrivals.length; i++) {
      String key = String.format("raw/dt=2026-12-03/u%07d.txt", i);
      uploadOf.put("s3://" + BUCKET + "/" + key, i);
      bodies.add(notificationBody(template, key, i + 1));
    }
    GlueModel glue = new GlueModel(uploadOf, arrivals.length);
    UploadTrigger trigger =
        new UploadTrigger(
            TriggerConfig.fromEnvironment(env),
            glue,
            glue,
            new JsonLog(new PrintStream(OutputStream.nullOutputStream(), true)));
    int invocations = 0;
    int i = 0;
    while (i < arrivals.length) {
      // The mapping gathers from the first waiting message until the window ends or a batch is
      // full (messages or payload).
      double closes = arrivals[i] + windowS;
      int j = i;
      long bytes = 0;
      while (j < arrivals.length
          && arrivals[j] <= closes
          && j - i < BATCH_MESSAGES
          && bytes + bodies.get(j).length() + 400 <= BATCH_BYTES) {
        bytes += bodies.get(j).length() + 400; // the SQS record around the body
        j++;
      }
      boolean full = j - i == BATCH_MESSAGES || j < arrivals.length && arrivals[j] <= closes;
      double at = full ? arrivals[j - 1] : closes; // a full batch goes at once
      glue.now = at;
      glue.advance(at);
      byte[] event = sqsEvent(bodies.subList(i, j), i);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      trigger.handleRequest(new ByteArrayInputStream(event), out, null);
      if (JSON.readTree(out.toByteArray()).path("batchItemFailures").size() > 0) {
        throw new IllegalStateException("Cannot simulate: the trigger failed messages");
      }
      invocations++;
      i = j;
    }
    glue.advance(Double.MAX_VALUE);
    double[] latency = new double[arrivals.length];
    int notPublished = 0;
    for (int u = 0; u < arrivals.length; u++) {
      if (Double.isNaN(glue.published[u])) {
        notPublished++;
      }
      latency[u] = glue.published[u] - arrivals[u];
    }
    Arrays.sort(latency);
    double dpuSeconds = 0;
    for (Run r : glue.runs) {
      dpuSeconds += DPUS * Math.max(MIN_BILLED_S, r.endedAt - r.listedAt);
    }
    return new Result(
        arrivals.length,
        invocations,
        glue.runs.size(),
        latency[(int) (0.50 * (latency.length - 1))],
        latency[(int) Math.ceil(0.99 * (latency.length - 1))],
        latency[latency.length - 1],
        dpuSeconds / 3600,
        notPublished);
  }

  static double[] steady(int perDay, long seed) {
    Random r = new Random(seed);
    double[] a = new double[perDay];
    double t = 0;
    for (int i = 0; i < perDay; i++) {
      t += -Math.log(1 - r.nextDouble()) * 86_400.0 / perDay; // Poisson arrivals
      a[i] = t;
    }
    return a;
  }

  static double[] burst(int n, double seconds) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = i * seconds / n;
    }
    return a;
  }

  public static void main(String[] args) throws Exception {
    ObjectNode template =
        (ObjectNode)
            JSON.readTree(java.nio.file.Files.readAllBytes(java.nio.file.Path.of(args[0])))
                .get("Records")
                .get(0);
    Map<String, double[]> scenarios = new LinkedHashMap<>();
    scenarios.put("steady 100,000/day", steady(100_000, 15));
    scenarios.put("burst 10,000 in 1 min", burst(10_000, 60));
    scenarios.put("trickle 1 per 10 min", burst(144, 86_400));
    double[] windows = {10, 60, 300};
    System.out.println(
        "| scenario | window s | uploads | invocations | runs | p50 s | p99 s | longest s |"
            + " DPU-hours | unpublished |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (var s : scenarios.entrySet()) {
      for (double w : windows) {
        Result r = simulate(s.getValue(), w, template);
        System.out.println(
            String.format(
                Locale.ROOT,
                "| %s | %.0f | %,d | %,d | %,d | %.0f | %.0f | %.0f | %.2f | %d |",
                s.getKey(),
                w,
                r.uploads(),
                r.invocations(),
                r.runs(),
                r.p50(),
                r.p99(),
                r.max(),
                r.dpuHours(),
                r.notPublished()));
      }
    }
  }
}
