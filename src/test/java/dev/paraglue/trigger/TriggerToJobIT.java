package dev.paraglue.trigger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paraglue.api.ApiConfig;
import dev.paraglue.api.DocumentApi;
import dev.paraglue.fault.Failpoint;
import dev.paraglue.it.PausedRun;
import dev.paraglue.it.S3MockServer;
import dev.paraglue.job.JobRunner;
import dev.paraglue.job.RunResult;
import dev.paraglue.lambda.JsonLog;
import dev.paraglue.lambda.S3BlobStore;
import dev.paraglue.text.ParagraphSplitter;
import dev.paraglue.text.Reassembler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * End to end on this machine: documents put into S3Mock, the S3 event for them, the handler (Glue
 * at the wire on loopback, manifests to S3Mock), and then the job run locally with exactly the
 * arguments the handler sent, plus the ones a Glue job definition holds.
 */
class TriggerToJobIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "paraglue-e2e";
  private static S3MockServer server;
  private static S3Client s3;
  private static SparkSession spark;

  @BeforeAll
  static void start() throws Exception {
    server = S3MockServer.inTempDir(BUCKET, "paraglue-e2e");
    s3 = server.client();
    spark = server.session();
    spark.sql("CREATE DATABASE e2e LOCATION 's3a://" + BUCKET + "/warehouse/e2e.db'");
    spark.sql(
        "CREATE EXTERNAL TABLE e2e.raw (line string) PARTITIONED BY (dt string)"
            + " STORED AS TEXTFILE LOCATION 's3a://"
            + BUCKET
            + "/raw'");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (server != null) {
      server.close();
    }
  }

  /** An S3 notification of uploads of these keys, encoded the way S3 encodes them. */
  private static byte[] notification(List<String> keys) throws Exception {
    return notification("ObjectCreated:Put", keys);
  }

  /** An S3 notification of {@code eventName} for these keys. */
  private static byte[] notification(String eventName, List<String> keys) throws Exception {
    ObjectNode root =
        (ObjectNode) JSON.readTree(Files.readAllBytes(Path.of("jobs/events/s3-put.json")));
    ArrayNode records = (ArrayNode) root.get("Records");
    ObjectNode template = (ObjectNode) records.get(0).deepCopy();
    records.removeAll();
    int seq = 0;
    for (String key : keys) {
      ObjectNode r = template.deepCopy();
      r.put("eventName", eventName);
      ((ObjectNode) r.get("s3").get("bucket")).put("name", BUCKET);
      ObjectNode object = (ObjectNode) r.get("s3").get("object");
      object.put("key", URLEncoder.encode(key, UTF_8).replace("%2F", "/"));
      object.put("sequencer", String.format("%018X", ++seq));
      records.add(r);
    }
    return JSON.writeValueAsBytes(root);
  }

  private static Map<String, String> startArguments(Map<String, String> env, byte[] event)
      throws Exception {
    try (FakeGlue glue = new FakeGlue()) {
      UploadTrigger handler =
          new UploadTrigger(
              TriggerConfig.fromEnvironment(env),
              new GlueStarter(glue.client()),
              new S3ManifestStore(s3),
              new JsonLog(new PrintStream(new ByteArrayOutputStream(), true, UTF_8)));
      handler.handle(event, System.currentTimeMillis() + 10_000);
      assertThat(glue.requests).hasSize(1);
      JsonNode args = glue.requests.get(0).get("Arguments");
      Map<String, String> out = new HashMap<>();
      for (Iterator<String> it = args.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        out.put(name, args.get(name).asText());
      }
      return out;
    }
  }

  private static RunResult runJob(Map<String, String> sent, String runId) {
    List<String> argv = new ArrayList<>();
    sent.forEach(
        (k, v) -> {
          argv.add(k);
          argv.add(v);
        });
    // What the Glue job definition's DefaultArguments add to every run.
    argv.addAll(
        List.of(
            "--output_path",
            "s3://" + BUCKET + "/out",
            "--paragraph_table",
            "e2e.paragraphs",
            "--documents_table",
            "e2e.documents",
            "--JOB_RUN_ID",
            runId));
    return new JobRunner(spark).run(argv.toArray(new String[0]));
  }

  private static Map<String, String> env(String... extra) {
    Map<String, String> env = new HashMap<>();
    env.put(TriggerConfig.JOB_NAME, "paraglue");
    env.put(TriggerConfig.SOURCE_TABLE, "e2e.raw");
    env.put(TriggerConfig.SOURCE_PREFIX, "s3://" + BUCKET + "/raw/");
    env.put(TriggerConfig.OUTPUT_PREFIX, "s3://" + BUCKET + "/out/");
    env.put(TriggerConfig.MANIFEST_PREFIX, "s3://" + BUCKET + "/manifests/");
    for (int i = 0; i + 1 < extra.length; i += 2) {
      env.put(extra[i], extra[i + 1]);
    }
    return env;
  }

  private static void put(String key, String body) {
    s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromString(body, UTF_8));
  }

  private static String get(String key) {
    return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String();
  }

  @Test
  void upload_event_handler_job_findsTheDocumentsAndRows() throws Exception {
    Map<String, String> docs = new HashMap<>();
    docs.put("raw/dt=2026-11-29/notes one.txt", "first paragraph\n\nsecond one\r\n");
    docs.put("raw/dt=2026-11-29/中文+plus.md", "中文\n\n段落\n");
    docs.forEach(TriggerToJobIT::put);
    put("raw/dt=2026-11-29/picture.png", "not text");
    List<String> keys = new ArrayList<>(docs.keySet());
    keys.add("raw/dt=2026-11-29/picture.png");

    Map<String, String> sent = startArguments(env(), notification(keys));
    assertThat(sent).containsEntry("--source_table", "e2e.raw").containsKey("--source_paths");

    RunResult r = runJob(sent, "jr_e2e_1");
    assertThat(r.exitCode()).as(r.message()).isZero();
    assertThat(r.report().get().count("processed")).isEqualTo(2);
    for (Map.Entry<String, String> d : docs.entrySet()) {
      String expected =
          new String(
              Reassembler.reassemble(ParagraphSplitter.split(d.getValue().getBytes(UTF_8)).texts()),
              UTF_8);
      assertThat(get("out/documents/" + d.getKey().substring(4))).isEqualTo(expected);
    }
    assertThat(spark.sql("SELECT * FROM e2e.paragraphs WHERE run_id = 'jr_e2e_1'").count())
        .isEqualTo(4);

    // One source is deleted: its removal event starts a run that removes its rows and document.
    String gone = "raw/dt=2026-11-29/notes one.txt";
    s3.deleteObject(b -> b.bucket(BUCKET).key(gone));
    Map<String, String> removal =
        startArguments(env(), notification("ObjectRemoved:Delete", List.of(gone)));
    assertThat(removal).containsEntry("--remove_missing", "true");
    RunResult removed = runJob(removal, "jr_e2e_rm");
    assertThat(removed.exitCode()).as(removed.message()).isZero();
    assertThat(removed.report().get().count("removed")).isEqualTo(1);
    assertThat(
            spark
                .sql("SELECT doc_id FROM e2e.paragraphs WHERE doc_id LIKE 'dt=2026-11-29/%'")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .containsOnly("dt=2026-11-29/中文+plus.md");
    assertThat(
            s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("out/documents/dt=2026-11-29/notes"))
                .contents())
        .isEmpty();
  }

  @Test
  void aBatchOverTheKeyLimit_goesThroughAManifestOnS3_andTheJobReadsIt() throws Exception {
    put("raw/dt=2026-11-30/a.txt", "alpha\n");
    put("raw/dt=2026-11-30/b, with comma.txt", "beta\n\ngamma\n");
    byte[] event =
        notification(List.of("raw/dt=2026-11-30/a.txt", "raw/dt=2026-11-30/b, with comma.txt"));

    Map<String, String> sent = startArguments(env(TriggerConfig.MAX_KEYS_PER_RUN, "1"), event);
    String manifest = sent.get("--source_manifest");
    assertThat(manifest).startsWith("s3://" + BUCKET + "/manifests/manifest-");
    assertThat(get(manifest.substring(("s3://" + BUCKET + "/").length())).lines()).hasSize(2);

    RunResult r = runJob(sent, "jr_e2e_2");
    assertThat(r.exitCode()).as(r.message()).isZero();
    assertThat(r.report().get().count("processed")).isEqualTo(2);
    assertThat(get("out/documents/dt=2026-11-30/b, with comma.txt")).isEqualTo("beta\n\ngamma\n");
  }

  private static Map<String, String> arguments(JsonNode request) {
    JsonNode args = request.get("Arguments");
    Map<String, String> out = new HashMap<>();
    args.fieldNames().forEachRemaining(n -> out.put(n, args.get(n).asText()));
    return out;
  }

  private static List<String> pending() {
    return s3.listObjectsV2(b -> b.bucket(BUCKET).prefix("manifests/pending/")).contents().stream()
        .map(o -> o.key())
        .filter(k -> !k.endsWith("/")) // S3A leaves a folder marker when it deletes the last one
        .toList();
  }

  @Test
  void coalescedRuns_failedSlowAndOverlapping_takeEveryPendingManifestOnce(@TempDir Path dir)
      throws Exception {
    Map<String, String> env =
        env(TriggerConfig.PENDING_PREFIX, "s3://" + BUCKET + "/manifests/pending/");
    String day = "raw/dt=2026-12-01/";
    try (FakeGlue glue = new FakeGlue()) {
      UploadTrigger trigger =
          new UploadTrigger(
              TriggerConfig.fromEnvironment(env),
              new GlueStarter(glue.client()),
              new S3ManifestStore(s3),
              new JsonLog(new PrintStream(new ByteArrayOutputStream(), true, UTF_8)));
      long deadline = System.currentTimeMillis() + 60_000;
      for (String name : List.of("c1.txt", "c2.txt")) {
        put(day + name, name + " text\n");
        trigger.handle(notification(List.of(day + name)), deadline);
      }
      // The second batch found the first run waiting in Glue's queue: one run, two manifests.
      assertThat(glue.starts()).hasSize(1);
      assertThat(pending()).hasSize(2);
      Map<String, String> sent = arguments(glue.starts().get(0));
      assertThat(sent).containsEntry("--source_manifest", "s3://" + BUCKET + "/manifests/pending/");

      // That run fails before its commit: it retires nothing.
      glue.states("RUNNING");
      System.setProperty(Failpoint.POINTS, "commit.before@jr_c1=fail-first-attempt");
      RunResult failed;
      try {
        failed = runJob(sent, "jr_c1");
      } finally {
        System.clearProperty(Failpoint.POINTS);
      }
      assertThat(failed.exitCode()).as(failed.message()).isNotZero();
      assertThat(pending()).hasSize(2);
      glue.states("FAILED");

      // The next batch starts a run. It is slow: while it runs, past its listing, a batch arrives
      // and, finding no run waiting, starts a third.
      put(day + "c3.txt", "c3.txt text\n");
      trigger.handle(notification(List.of(day + "c3.txt")), deadline);
      assertThat(glue.starts()).hasSize(2);
      glue.states("RUNNING");
      RunResult slow =
          PausedRun.at(
              "resolve.after@jr_c2",
              dir,
              () -> runJob(arguments(glue.starts().get(1)), "jr_c2"),
              () -> {
                put(day + "c4.txt", "c4.txt text\n");
                trigger.handle(notification(List.of(day + "c4.txt")), deadline);
              });
      assertThat(slow.exitCode()).as(slow.message()).isZero();
      assertThat(slow.report().get().count("processed")).isEqualTo(3);
      assertThat(glue.starts()).hasSize(3);
      // It retired the three it took, not the one written while it ran: the third run takes that.
      assertThat(pending()).hasSize(1);
      assertThat(get(pending().get(0))).isEqualTo("s3://" + BUCKET + "/" + day + "c4.txt\n");
      for (String name : List.of("c1.txt", "c2.txt", "c3.txt")) {
        assertThat(get("out/documents/dt=2026-12-01/" + name)).isEqualTo(name + " text\n");
      }
    }
  }

  /** API Gateway's payload 2.0 event, through the runtime's serializers, into the handler. */
  private static JsonNode call(DocumentApi api, String route, String docId, String body)
      throws Exception {
    ObjectNode e =
        (ObjectNode)
            JSON.readTree(
                Files.readAllBytes(
                    Path.of(
                        "jobs/events",
                        route.startsWith("POST") ? "api-post.json" : "api-get.json")));
    e.put("routeKey", route);
    if (docId != null) {
      ((ObjectNode) e.get("pathParameters")).put("doc_id", docId);
    }
    if (body != null) {
      e.put("body", body);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    api.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(e)), out, null);
    return JSON.readTree(out.toByteArray());
  }

  @Test
  void api_post_uploadEvent_job_get_returnsTheReassembly_theRowsAndTheRejection() throws Exception {
    Map<String, String> env = env();
    DocumentApi api =
        new DocumentApi(
            ApiConfig.fromEnvironment(env),
            new S3BlobStore(s3),
            java.time.Clock.systemUTC(),
            new JsonLog(new PrintStream(new ByteArrayOutputStream(), true, UTF_8)));
    String text = "\uFEFF  Title line\r\nwith two lines  \r\n\r\n \u3000\t\n\n段落 two\n\n\n";
    JsonNode accepted = call(api, "POST /documents", null, text);
    JsonNode refused = call(api, "POST /documents", null, "bad \u0000 byte\n");
    assertThat(accepted.path("statusCode").asInt()).isEqualTo(202);
    JsonNode okBody = JSON.readTree(accepted.path("body").asText());
    JsonNode badBody = JSON.readTree(refused.path("body").asText());
    String okId = okBody.path("doc_id").asText();
    String badId = badBody.path("doc_id").asText();
    String prefix = "s3://" + BUCKET + "/";
    String okKey = okBody.path("source_uri").asText().substring(prefix.length());
    String badKey = badBody.path("source_uri").asText().substring(prefix.length());
    assertThat(okKey).startsWith("raw/dt=").contains("/api/");
    assertThat(get(okKey)).isEqualTo(text);
    assertThat(call(api, "GET /documents/{doc_id}", okId, null).path("statusCode").asInt())
        .isEqualTo(202);

    Map<String, String> sent = startArguments(env, notification(List.of(okKey, badKey)));
    RunResult r = runJob(sent, "jr_api_1");
    assertThat(r.exitCode()).as(r.message()).isZero();

    // docs/contract.md §1 by hand: BOM dropped, CRLF made LF, blank and whitespace-only lines gone.
    JsonNode done = call(api, "GET /documents/{doc_id}", okId, null);
    assertThat(done.path("statusCode").asInt()).isEqualTo(200);
    assertThat(done.path("body").asText()).isEqualTo("  Title line\nwith two lines  \n\n段落 two\n");

    JsonNode rows =
        JSON.readTree(
            call(api, "GET /documents/{doc_id}/paragraphs", okId, null).path("body").asText());
    List<org.apache.spark.sql.Row> table =
        spark
            .sql(
                "SELECT paragraph_index, text, line_number, byte_offset, byte_length, char_count"
                    + " FROM e2e.paragraphs WHERE doc_id = '"
                    + okBody.path("table_doc_id").asText()
                    + "' ORDER BY paragraph_index")
            .collectAsList();
    assertThat(table).hasSize(2);
    assertThat(rows.path("paragraphs")).hasSize(2);
    for (org.apache.spark.sql.Row t : table) {
      JsonNode row = rows.path("paragraphs").get(t.getInt(0));
      assertThat(row.path("text").asText()).isEqualTo(t.getString(1));
      assertThat(row.path("line_number").asLong()).isEqualTo(t.getLong(2));
      assertThat(row.path("byte_offset").asLong()).isEqualTo(t.getLong(3));
      assertThat(row.path("byte_length").asInt()).isEqualTo(t.getInt(4));
      assertThat(row.path("char_count").asInt()).isEqualTo(t.getInt(5));
    }

    JsonNode rejected = call(api, "GET /documents/{doc_id}", badId, null);
    assertThat(rejected.path("statusCode").asInt()).isEqualTo(422);
    JsonNode reason = JSON.readTree(rejected.path("body").asText());
    assertThat(reason.path("reason").asText()).isEqualTo("binary-content");
    assertThat(reason.path("reason_offset").asLong()).isEqualTo(4);
    assertThat(reason.path("run_id").asText()).isEqualTo("jr_api_1");
    assertThat(
            call(api, "GET /documents/{doc_id}", "20261129-0123456789abcdef0123456789abcdef", null)
                .path("statusCode")
                .asInt())
        .isEqualTo(404);
    // DELETE: the source goes at once (202); its removal event's run removes the rest; then 404.
    assertThat(call(api, "DELETE /documents/{doc_id}", okId, null).path("statusCode").asInt())
        .isEqualTo(202);
    assertThat(s3.listObjectsV2(b -> b.bucket(BUCKET).prefix(okKey)).contents()).isEmpty();
    RunResult removal =
        runJob(
            startArguments(env, notification("ObjectRemoved:Delete", List.of(okKey))), "jr_api_rm");
    assertThat(removal.report().get().count("removed")).as(removal.message()).isEqualTo(1);
    assertThat(call(api, "GET /documents/{doc_id}", okId, null).path("statusCode").asInt())
        .isEqualTo(404);
  }
}
