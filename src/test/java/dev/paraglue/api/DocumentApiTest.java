package dev.paraglue.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.paraglue.lambda.BlobStore;
import dev.paraglue.lambda.StackVariables;
import dev.paraglue.local.LocalBlobStore;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphSplitter;
import dev.paraglue.text.Reassembler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The HTTP API handler on real API Gateway payload 2.0 events (jobs/events/api-*.json) passed
 * through the Lambda runtime's serializers, over a local folder store. Every status it answers.
 */
class DocumentApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private ApiConfig config;
  private DocumentApi api;
  private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

  /** A response as the runtime serialized it. */
  record Answer(int status, Map<String, String> headers, String body) {
    JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  @BeforeEach
  void setUp() {
    config = TestApi.config(dir, 64);
    api = api(config, new LocalBlobStore());
  }

  private DocumentApi api(ApiConfig cfg, BlobStore store) {
    return TestApi.api(cfg, store, logs);
  }

  private static ObjectNode event(String file) throws IOException {
    return (ObjectNode) JSON.readTree(Files.readAllBytes(Path.of("jobs/events", file)));
  }

  private static ObjectNode post(String text) throws IOException {
    ObjectNode e = event("api-post.json");
    e.put("body", text);
    return e;
  }

  private static ObjectNode postBytes(byte[] body) throws IOException {
    ObjectNode e = event("api-post.json");
    e.put("body", Base64.getEncoder().encodeToString(body));
    e.put("isBase64Encoded", true);
    return e;
  }

  private static ObjectNode get(String id, boolean paragraphs) throws IOException {
    ObjectNode e = event("api-get.json");
    String route = paragraphs ? "GET /documents/{doc_id}/paragraphs" : "GET /documents/{doc_id}";
    e.put("routeKey", route);
    e.put("rawPath", "/documents/" + id + (paragraphs ? "/paragraphs" : ""));
    ((ObjectNode) e.get("pathParameters")).put("doc_id", id);
    return e;
  }

  private Answer call(DocumentApi handler, ObjectNode event) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out, null);
    var r = DocumentApi.RESPONSES.fromJson(new ByteArrayInputStream(out.toByteArray()));
    assertThat(r.getIsBase64Encoded()).isFalse();
    return new Answer(r.getStatusCode(), r.getHeaders(), r.getBody());
  }

  private Answer call(ObjectNode event) throws IOException {
    return call(api, event);
  }

  private List<Path> stored() throws IOException {
    if (!Files.exists(dir.resolve("raw"))) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir.resolve("raw"))) {
      return s.filter(Files::isRegularFile).toList();
    }
  }

  /** What the job leaves for a processed document: its reassembly under documents/. */
  private void processed(ApiDocument d) throws IOException {
    byte[] source = Files.readAllBytes(Path.of(URI.create(config.sourceUri(d))));
    Path result = Path.of(URI.create(config.resultUri(d)));
    Files.createDirectories(result.getParent());
    Files.write(result, Reassembler.reassemble(ParagraphSplitter.split(source).texts()));
  }

  private ApiDocument submitted(Answer a) throws IOException {
    return ApiDocument.parse(a.json().path("doc_id").asText()).orElseThrow();
  }

  @Test
  void post_storesTheBodyUnderTheWatchedPrefix_andAnswers202WithWhereTheResultWillBe()
      throws IOException {
    Answer a = call(post("First paragraph,\r\nits second line.\n\n\nSecond.\n"));

    assertThat(a.status()).isEqualTo(202);
    JsonNode body = a.json();
    String id = body.path("doc_id").asText();
    assertThat(id).matches("20261129-[0-9a-f]{32}");
    String hex = id.substring(9);
    assertThat(body.path("status").asText()).isEqualTo("pending");
    assertThat(body.path("name").asText()).isEqualTo("meeting notes.txt");
    assertThat(body.path("table_doc_id").asText()).isEqualTo("dt=2026-11-29/api/" + hex + ".txt");
    assertThat(body.path("source_uri").asText())
        .isEqualTo(config.sourcePrefix() + "dt=2026-11-29/api/" + hex + ".txt");
    assertThat(body.path("result_uri").asText())
        .isEqualTo(config.outputPrefix() + "documents/dt=2026-11-29/api/" + hex + ".txt");
    assertThat(a.headers()).containsEntry("location", "/documents/" + id);
    assertThat(stored()).hasSize(1);
    assertThat(Files.readString(stored().get(0)))
        .isEqualTo("First paragraph,\r\nits second line.\n\n\nSecond.\n");
    assertThat(logs.toString(UTF_8)).contains("document_submitted").doesNotContain("Second.");
  }

  @Test
  void post_base64Body_isStoredByteForByte_andEachSubmissionGetsItsOwnId() throws IOException {
    byte[] bytes = {
      (byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'a', '\r', '\n', (byte) 0xE4, (byte) 0xB8, (byte) 0xAD
    };
    Answer first = call(postBytes(bytes));
    Answer second = call(postBytes(bytes));

    assertThat(first.status()).isEqualTo(202);
    assertThat(second.json().path("doc_id").asText())
        .isNotEqualTo(first.json().path("doc_id").asText());
    assertThat(Files.readAllBytes(Path.of(URI.create(first.json().path("source_uri").asText()))))
        .isEqualTo(bytes);
  }

  @Test
  void post_withACharset_isDecodedStrictly_andStoredAsUtf8() throws IOException {
    String text = "第一段\r\n\n第二段 😀";
    java.nio.charset.Charset gb = java.nio.charset.Charset.forName("GB18030");
    ObjectNode good = postBytes(text.getBytes(gb));
    ((ObjectNode) good.get("headers")).put("content-type", "text/plain; charset=\"gb18030\"");
    Answer stored = call(good);
    assertThat(stored.status()).isEqualTo(202);
    assertThat(Files.readAllBytes(Path.of(URI.create(stored.json().path("source_uri").asText()))))
        .isEqualTo(text.getBytes(UTF_8));

    ByteArrayOutputStream half = new ByteArrayOutputStream();
    half.writeBytes("第一段\n".getBytes(gb));
    half.writeBytes(new byte[] {(byte) 0x81, 0x20});
    ObjectNode bad = postBytes(half.toByteArray());
    ((ObjectNode) bad.get("headers")).put("content-type", "text/plain;charset=GB18030");
    Answer invalid = call(bad);
    assertThat(invalid.status()).isEqualTo(400);
    assertThat(invalid.json().path("error").asText())
        .isEqualTo(
            "body is not valid GB18030: invalid-encoding at byte 7: malformed input (1 bytes) in"
                + " GB18030");
    ObjectNode unknown = postBytes(text.getBytes(gb));
    ((ObjectNode) unknown.get("headers")).put("content-type", "text/plain; charset=klingon");
    assertThat(call(unknown).json().path("error").asText())
        .startsWith("Cannot use charset 'klingon': not a charset this JVM knows");
    assertThat(stored()).hasSize(1);
  }

  @Test
  void post_badBodies_get400or413WithAReason_andNothingIsStored() throws IOException {
    Answer empty = call(post(""));
    assertThat(empty.status()).isEqualTo(400);
    assertThat(empty.json().path("error").asText()).contains("empty body");

    Answer latin1 = call(postBytes(new byte[] {'o', 'k', ' ', (byte) 0xE9, 't', 'e'}));
    assertThat(latin1.status()).isEqualTo(400);
    assertThat(latin1.json().path("error").asText()).isEqualTo("body is not valid UTF-8 at byte 3");

    Answer overlong = call(postBytes(new byte[] {(byte) 0xC0, (byte) 0xAF}));
    assertThat(overlong.status()).isEqualTo(400);

    Answer surrogate = call(post("lone \uD800 surrogate"));
    assertThat(surrogate.status()).isEqualTo(400);

    Answer notBase64 = call(post("%%%").put("isBase64Encoded", true));
    assertThat(notBase64.status()).isEqualTo(400);

    Answer big = call(post("x".repeat(65)));
    assertThat(big.status()).isEqualTo(413);
    assertThat(big.json().path("error").asText())
        .isEqualTo("body is 65 bytes; the limit is 64 bytes of UTF-8 text");
    Answer bigMultibyte = call(post("é".repeat(33)));
    assertThat(bigMultibyte.status()).as("66 bytes of UTF-8 in 33 chars").isEqualTo(413);
    Answer bigBase64 = call(postBytes(new byte[65]));
    assertThat(bigBase64.status()).isEqualTo(413);

    ObjectNode badName = post("fine\n");
    ((ObjectNode) badName.get("queryStringParameters")).put("name", "a\nb");
    assertThat(call(badName).status()).isEqualTo(400);

    assertThat(stored()).isEmpty();
    assertThat(call(post("x".repeat(64))).status()).as("exactly at the limit").isEqualTo(202);
  }

  private static ObjectNode delete(String id) throws IOException {
    ObjectNode e = get(id, false);
    e.put("routeKey", "DELETE /documents/{doc_id}");
    ((ObjectNode) e.get("requestContext").get("http")).put("method", "DELETE");
    return e;
  }

  @Test
  void delete_removesTheSubmittedSource_answers202_andAfterTheRunGetAnswers404()
      throws IOException {
    ApiDocument d = submitted(call(post("to be removed\n")));
    processed(d);
    Path source = Path.of(URI.create(config.sourceUri(d)));
    Path result = Path.of(URI.create(config.resultUri(d)));

    Answer deleted = call(delete(d.id()));
    assertThat(deleted.status()).isEqualTo(202);
    assertThat(deleted.json().path("status").asText()).isEqualTo("removing");
    assertThat(source).doesNotExist();
    assertThat(stored()).isEmpty();
    // Until the removal's run: the published document is still served; deleting again is 202.
    assertThat(call(get(d.id(), false)).status()).isEqualTo(200);
    assertThat(call(delete(d.id())).status()).isEqualTo(202);

    Files.delete(result); // what the run that the removal event starts does
    assertThat(call(get(d.id(), false)).status()).isEqualTo(404);
    assertThat(call(delete(d.id())).status()).isEqualTo(404);
    assertThat(call(delete("../../etc/passwd")).status()).isEqualTo(400);
    assertThat(logs.toString(UTF_8)).contains("document_deleted").doesNotContain("to be removed");
  }

  @Test
  void get_isPendingUntilTheJobPublishes_thenTheReassembledText() throws IOException {
    ApiDocument d = submitted(call(post("  Indented first,\r\nsecond line  \n \t\n\n段落二\n")));

    Answer pending = call(get(d.id(), false));
    assertThat(pending.status()).isEqualTo(202);
    assertThat(pending.json().path("status").asText()).isEqualTo("pending");
    assertThat(call(get(d.id(), true)).status()).isEqualTo(202);

    processed(d);
    Answer done = call(get(d.id(), false));
    assertThat(done.status()).isEqualTo(200);
    assertThat(done.headers()).containsEntry("content-type", "text/plain; charset=utf-8");
    assertThat(done.body()).isEqualTo("  Indented first,\nsecond line  \n\n段落二\n");
  }

  @Test
  void paragraphs_areTheSplitOfTheSource_andRefusedWhenTheSourceNoLongerMatches()
      throws IOException {
    String text = "\uFEFFOne\r\ntwo\n\n\n三\n";
    ApiDocument d = submitted(call(post(text)));
    processed(d);

    Answer a = call(get(d.id(), true));
    assertThat(a.status()).isEqualTo(200);
    JsonNode body = a.json();
    assertThat(body.path("paragraph_count").asInt()).isEqualTo(2);
    List<Paragraph> expected = ParagraphSplitter.split(text.getBytes(UTF_8)).paragraphs();
    List<String> texts = new ArrayList<>();
    for (JsonNode row : body.path("paragraphs")) {
      Paragraph p = expected.get(row.path("paragraph_index").asInt());
      assertThat(row.path("line_number").asLong()).isEqualTo(p.lineNumber());
      assertThat(row.path("byte_offset").asLong()).isEqualTo(p.byteOffset());
      assertThat(row.path("byte_length").asInt()).isEqualTo(p.byteLength());
      assertThat(row.path("char_count").asInt()).isEqualTo(p.charCount());
      texts.add(row.path("text").asText());
    }
    assertThat(texts).containsExactly("One\ntwo", "三");
    assertThat(body.path("paragraphs").get(0).path("byte_offset").asLong()).isEqualTo(3);
    assertThat(body.path("paragraphs").get(1).path("line_number").asLong()).isEqualTo(5);

    // Someone replaced the source after the run: the rows would not be the table's.
    Files.writeString(Path.of(URI.create(config.sourceUri(d))), "different\n");
    Answer changed = call(get(d.id(), true));
    assertThat(changed.status()).isEqualTo(409);
    assertThat(changed.json().path("error").asText()).contains("changed after it was processed");
  }

  @Test
  void get_aRejectedDocument_answers422WithTheJobsReason() throws IOException {
    ApiDocument d = submitted(call(post("has a \u0000 in it\n")));
    Path record = Path.of(URI.create(config.rejectionUri(d)));
    Files.createDirectories(record.getParent());
    Files.writeString(
        record,
        "{\"doc_id\":\""
            + config.docId(d)
            + "\",\"status\":\"rejected\",\"reason\":\"binary-content\","
            + "\"reason_offset\":6,\"run_id\":\"jr_1\"}");

    Answer a = call(get(d.id(), false));
    assertThat(a.status()).isEqualTo(422);
    assertThat(a.json().path("doc_id").asText()).isEqualTo(d.id());
    assertThat(a.json().path("table_doc_id").asText()).isEqualTo(config.docId(d));
    assertThat(a.json().path("status").asText()).isEqualTo("rejected");
    assertThat(a.json().path("run_id").asText()).isEqualTo("jr_1");
    assertThat(a.json().path("reason").asText()).isEqualTo("binary-content");
    assertThat(a.json().path("reason_offset").asLong()).isEqualTo(6);
    assertThat(call(get(d.id(), true)).status()).isEqualTo(422);
  }

  @Test
  void get_unknownIdsAre404_andAnythingThatIsNotAnIdIs400() throws IOException {
    Answer unknown = call(get("20261129-0123456789abcdef0123456789abcdef", false));
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().path("error").asText()).contains("no document");

    for (String bad :
        List.of(
            "../../etc/passwd",
            "20261129-0123456789abcdef0123456789abcdef/../x",
            "..%2F..%2Fsecret",
            "20261129-0123456789ABCDEF0123456789ABCDEF",
            "20261399-0123456789abcdef0123456789abcdef",
            "dt=2026-11-29/api/0123456789abcdef0123456789abcdef.txt",
            "")) {
      Answer a = call(get(bad, false));
      assertThat(a.status()).as(bad).isEqualTo(400);
      assertThat(a.json().path("error").asText()).as(bad).startsWith("not a document id");
    }
    ObjectNode none = event("api-get.json");
    none.remove("pathParameters");
    assertThat(call(none).status()).isEqualTo(400);

    ObjectNode other = event("api-get.json");
    other.put("routeKey", "PUT /documents/{doc_id}");
    assertThat(call(other).status()).isEqualTo(404);
  }

  @Test
  void storageTrouble_answers503WithoutDetails_andLogsTheReason() throws IOException {
    RuntimeException denied =
        S3Exception.builder().message("Access Denied (Service: S3, Status Code: 403)").build();
    DocumentApi failing = api(config, store(denied));
    Answer a = call(failing, post("text\n"));
    assertThat(a.status()).isEqualTo(503);
    assertThat(a.body()).doesNotContain("Access Denied");
    assertThat(logs.toString(UTF_8)).contains("request_failed", "Access Denied");
    assertThat(call(failing, get("20261129-0123456789abcdef0123456789abcdef", false)).status())
        .isEqualTo(503);
    RuntimeException unreadable =
        new UncheckedIOException("Cannot read x", new IOException("disk gone"));
    assertThat(call(api(config, store(unreadable)), post("text\n")).status()).isEqualTo(503);

    // A bug is not storage trouble: it fails the invocation (Lambda's Errors), not "retry later".
    RuntimeException bug = new IllegalStateException("a bug in the handler");
    ObjectNode request = post("text\n");
    assertThatThrownBy(() -> call(api(config, store(bug)), request)).isSameAs(bug);
  }

  /** A store whose every call but {@code exists} throws {@code e}. */
  private static BlobStore store(RuntimeException e) {
    return new BlobStore() {
      @Override
      public void put(String uri, byte[] body, String type, Map<String, String> meta) {
        throw e;
      }

      @Override
      public Optional<byte[]> get(String uri, long maxBytes) {
        throw e;
      }

      @Override
      public boolean exists(String uri) {
        return false;
      }

      @Override
      public boolean delete(String uri) {
        throw e;
      }
    };
  }

  @Test
  void config_comesFromTheTriggersVariables_andNamesDocumentsLikeTheJob() {
    ApiConfig fromTable =
        ApiConfig.fromEnvironment(
            Map.of(
                StackVariables.SOURCE_PREFIX, "s3://b/raw",
                StackVariables.OUTPUT_PREFIX, "s3://b/out/",
                StackVariables.SOURCE_TABLE, "raw.docs"));
    ApiDocument d = ApiDocument.parse("20261129-0123456789abcdef0123456789abcdef").orElseThrow();
    assertThat(fromTable.sourceUri(d))
        .isEqualTo("s3://b/raw/dt=2026-11-29/api/0123456789abcdef0123456789abcdef.txt");
    assertThat(fromTable.resultUri(d))
        .isEqualTo("s3://b/out/documents/dt=2026-11-29/api/0123456789abcdef0123456789abcdef.txt");
    assertThat(fromTable.rejectionUri(d))
        .isEqualTo(
            "s3://b/out/_rejected/dt=2026-11-29/api/0123456789abcdef0123456789abcdef.txt.json");
    ApiConfig fromPaths =
        ApiConfig.fromEnvironment(
            Map.of(
                StackVariables.SOURCE_PREFIX,
                "s3://b/raw/",
                StackVariables.OUTPUT_PREFIX,
                "s3://b/out"));
    assertThat(fromPaths.resultUri(d))
        .isEqualTo("s3://b/out/documents/0123456789abcdef0123456789abcdef.txt");

    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    ApiConfig.fromEnvironment(Map.of(StackVariables.SOURCE_PREFIX, "s3://b/raw/"))))
        .hasMessage("Cannot serve documents: PARAGLUE_OUTPUT_PREFIX is not set");
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    ApiConfig.fromEnvironment(
                        Map.of(
                            StackVariables.SOURCE_PREFIX, "s3://b/raw/",
                            StackVariables.OUTPUT_PREFIX, "s3://b/out/",
                            ApiConfig.MAX_BODY_BYTES, "9999999"))))
        .hasMessageContaining("must be between 1 and 4194304");
  }
}
