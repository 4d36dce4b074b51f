package dev.paraglue.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paraglue.lambda.BlobStore;
import dev.paraglue.lambda.JsonLog;
import dev.paraglue.lambda.Memo;
import dev.paraglue.lambda.S3BlobStore;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphSplitter;
import dev.paraglue.text.Reassembler;
import dev.paraglue.text.RejectReason;
import dev.paraglue.text.Rejection;
import dev.paraglue.text.SourceEncoding;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The HTTP API in front of the pipeline (API Gateway HTTP API, payload format 2.0):
 *
 * <ul>
 *   <li>{@code POST /documents} stores the UTF-8 body as a new object under the watched prefix, so
 *       the upload trigger starts the job exactly as for any other upload, and answers 202 with the
 *       generated id;
 *   <li>{@code GET /documents/{doc_id}} answers 200 with the reassembled text, 202 while pending,
 *       422 with the reason when the job rejected it, 404 when it was never submitted;
 *   <li>{@code GET /documents/{doc_id}/paragraphs} answers the paragraph rows as JSON.
 * </ul>
 *
 * <p>Reads are single object GETs: the published document, the job's rejection record under {@code
 * _rejected/}, the source. Paragraph rows are recomputed from the unchanged source with the job's
 * own splitter and served only when their reassembly equals the published document, which is
 * cheaper than a table query per request (Athena: seconds and a charge) and than a per-document
 * JSON object the job would write for every document of every run.
 */
public final class DocumentApi implements RequestStreamHandler {
  /** A Lambda response carries at most 6 MB; stay below it with the JSON envelope. */
  static final int RESPONSE_LIMIT = 6_000_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON_TYPE = "application/json";

  /** The serializers the Java Lambda runtime uses for these classes. */
  public static final PojoSerializer<APIGatewayV2HTTPEvent> EVENTS =
      LambdaEventSerializers.serializerFor(
          APIGatewayV2HTTPEvent.class, DocumentApi.class.getClassLoader());

  public static final PojoSerializer<APIGatewayV2HTTPResponse> RESPONSES =
      LambdaEventSerializers.serializerFor(
          APIGatewayV2HTTPResponse.class, DocumentApi.class.getClassLoader());

  private final Supplier<ApiConfig> config;
  private final Supplier<BlobStore> store;
  private final Clock clock;
  private final JsonLog log;

  /** The Lambda runtime's constructor: configuration from the environment, S3 client lazily. */
  public DocumentApi() {
    this(
        Memo.of(() -> ApiConfig.fromEnvironment(System.getenv())),
        Memo.of(
            () ->
                new S3BlobStore(
                    S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build())),
        Clock.systemUTC(),
        new JsonLog(System.out));
  }

  public DocumentApi(ApiConfig config, BlobStore store, Clock clock, JsonLog log) {
    this(() -> config, () -> store, clock, log);
  }

  private DocumentApi(
      Supplier<ApiConfig> config, Supplier<BlobStore> store, Clock clock, JsonLog log) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.log = log;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    RESPONSES.toJson(handle(EVENTS.fromJson(input)), output);
  }

  /** Routes one request by its route key, as API Gateway matched it. */
  public APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
    String route = event.getRouteKey() == null ? "" : event.getRouteKey();
    Map<String, String> path =
        event.getPathParameters() == null ? Map.of() : event.getPathParameters();
    try {
      return switch (route) {
        case "POST /documents" -> submit(event);
        case "GET /documents/{doc_id}" -> document(path.get("doc_id"), false);
        case "GET /documents/{doc_id}/paragraphs" -> document(path.get("doc_id"), true);
        case "DELETE /documents/{doc_id}" -> delete(path.get("doc_id"));
        default -> error(404, "no route " + route);
      };
    } catch (SdkException | UncheckedIOException e) {
      // Storage trouble (BlobStore's): the detail goes to the log, the client may retry. Any other
      // exception is a bug and fails the invocation, where the function's errors are counted.
      log.warn("request_failed", "route", route, "reason", e.getMessage());
      return error(503, "cannot reach the document store now; retry later");
    }
  }

  private APIGatewayV2HTTPResponse submit(APIGatewayV2HTTPEvent event) {
    ApiConfig cfg = config.get();
    byte[] body;
    Optional<String> name;
    try {
      body = acceptedBody(event, cfg);
      name = documentName(event);
    } catch (Refused r) {
      return error(r.status, r.getMessage());
    }
    ApiDocument doc = ApiDocument.generate(LocalDate.now(clock.withZone(ZoneOffset.UTC)));
    String source = cfg.sourceUri(doc);
    Map<String, String> metadata =
        name.map(n -> Map.of("name", URLEncoder.encode(n, StandardCharsets.UTF_8)))
            .orElse(Map.of());
    store.get().put(source, body, TEXT, metadata);
    log.info("document_submitted", "doc_id", doc.id(), "bytes", body.length);
    return submitted(cfg, doc, name, body.length);
  }

  /** A request the API answers with {@code status} and the message, before storing anything. */
  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    private final int status;

    Refused(int status, String reason) {
      super(reason);
      this.status = status;
    }
  }

  /**
   * The request's body as the UTF-8 bytes the job will accept: a text body as it is, a base64 one
   * decoded from the charset its Content-Type names; neither empty, nor over the size limit, nor
   * invalid UTF-8 by the job's own validator.
   */
  private static byte[] acceptedBody(APIGatewayV2HTTPEvent event, ApiConfig cfg) throws Refused {
    if (event.getBody() == null || event.getBody().isEmpty()) {
      throw new Refused(400, "empty body: send the text as the request body");
    }
    byte[] body =
        event.getIsBase64Encoded()
            ? inCharset(base64Body(event, cfg), event.getHeaders())
            : textBody(event, cfg);
    if (body.length == 0) {
      throw new Refused(400, "empty body: send the text as the request body");
    }
    if (body.length > cfg.maxBodyBytes()) {
      throw new Refused(413, tooLarge(body.length, cfg.maxBodyBytes()));
    }
    // The job's own validator: what the API accepts as UTF-8 is what the job will.
    Optional<Rejection> rejection = ParagraphSplitter.split(body).outcome().rejectionIfAny();
    if (rejection.isPresent() && rejection.get().reason() == RejectReason.INVALID_UTF8) {
      throw new Refused(400, "body is not valid UTF-8 at byte " + rejection.get().offset());
    }
    return body;
  }

  /** A base64 body's bytes, as the client sent them; refused before decoding when too long. */
  private static byte[] base64Body(APIGatewayV2HTTPEvent event, ApiConfig cfg) throws Refused {
    if (event.getBody().length() > (cfg.maxBodyBytes() + 2L) / 3 * 4 + 4) {
      throw new Refused(413, tooLarge((long) event.getBody().length() / 4 * 3, cfg.maxBodyBytes()));
    }
    try {
      return Base64.getDecoder().decode(event.getBody());
    } catch (IllegalArgumentException e) {
      throw new Refused(400, "body is marked base64 but is not: " + e.getMessage());
    }
  }

  /** The bytes in UTF-8, decoded from the charset the Content-Type names, if it names one. */
  private static byte[] inCharset(byte[] body, Map<String, String> headers) throws Refused {
    Optional<String> charset = charset(headers);
    if (charset.isEmpty()) {
      return body;
    }
    String encoding;
    SourceEncoding.Decoded d;
    try {
      encoding = SourceEncoding.canonical(charset.get());
      d = SourceEncoding.toUtf8(body, encoding);
    } catch (IllegalArgumentException e) {
      throw new Refused(400, "Cannot use charset '" + charset.get() + "': " + e.getMessage());
    }
    if (d.rejection() != null) {
      throw new Refused(400, "body is not valid " + encoding + ": " + d.rejection());
    }
    return d.utf8();
  }

  /** A text body's UTF-8 bytes; refused when too long or holding an unpaired surrogate. */
  private static byte[] textBody(APIGatewayV2HTTPEvent event, ApiConfig cfg) throws Refused {
    if (event.getBody().length() > cfg.maxBodyBytes()) {
      throw new Refused(413, tooLarge(event.getBody().length(), cfg.maxBodyBytes()));
    }
    return strictUtf8(event.getBody())
        .orElseThrow(
            () -> new Refused(400, "body is not valid UTF-8: it holds an unpaired surrogate"));
  }

  /** The {@code name} query parameter, if given: at most 255 characters, no control characters. */
  private static Optional<String> documentName(APIGatewayV2HTTPEvent event) throws Refused {
    Map<String, String> params =
        event.getQueryStringParameters() == null ? Map.of() : event.getQueryStringParameters();
    String name = params.get("name");
    if (name != null && (name.length() > 255 || name.chars().anyMatch(Character::isISOControl))) {
      throw new Refused(400, "name must be at most 255 characters without control characters");
    }
    return Optional.ofNullable(name);
  }

  /** The 202 answer to a submission: where the document, its result and paragraphs will be. */
  private static APIGatewayV2HTTPResponse submitted(
      ApiConfig cfg, ApiDocument doc, Optional<String> name, int bytes) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("doc_id", doc.id());
    out.put("status", "pending");
    name.ifPresent(n -> out.put("name", n));
    out.put("bytes", bytes);
    out.put("source_uri", cfg.sourceUri(doc));
    out.put("table_doc_id", cfg.docId(doc));
    out.put("result_uri", cfg.resultUri(doc));
    out.put("result", "/documents/" + doc.id());
    out.put("paragraphs", "/documents/" + doc.id() + "/paragraphs");
    APIGatewayV2HTTPResponse r = json(202, out);
    r.getHeaders().put("location", "/documents/" + doc.id());
    return r;
  }

  private APIGatewayV2HTTPResponse document(String id, boolean paragraphs) {
    Optional<ApiDocument> parsed = ApiDocument.parse(id);
    if (parsed.isEmpty()) {
      return error(400, "not a document id: ids look like 20261129-<32 hex digits>");
    }
    ApiConfig cfg = config.get();
    ApiDocument doc = parsed.get();
    Optional<byte[]> result;
    try {
      result = store.get().get(cfg.resultUri(doc), ApiConfig.MAX_BODY_BYTES_LIMIT + 1L);
    } catch (BlobStore.TooLargeException e) {
      return error(413, "the result is " + e.size() + " bytes; read " + cfg.resultUri(doc));
    }
    if (result.isPresent()) {
      return paragraphs ? paragraphs(cfg, doc, result.get()) : text(result.get());
    }
    Optional<byte[]> rejection = store.get().get(cfg.rejectionUri(doc), 1 << 20);
    if (rejection.isPresent()) {
      return json(422, rejected(doc, rejection.get()));
    }
    if (store.get().exists(cfg.sourceUri(doc))) {
      return json(202, Map.of("doc_id", doc.id(), "status", "pending"));
    }
    return error(404, "no document " + doc.id());
  }

  /**
   * Deletes a submitted document's source (only ever under the API's own prefix: the URI is built
   * from it) and answers 202: the removal event starts a run that removes its rows, its published
   * document and its rejection record; GET then answers 404. Repeated while the removal is pending,
   * 202 again; for a document that is not there, 404.
   */
  private APIGatewayV2HTTPResponse delete(String id) {
    Optional<ApiDocument> parsed = ApiDocument.parse(id);
    if (parsed.isEmpty()) {
      return error(400, "not a document id: ids look like 20261129-<32 hex digits>");
    }
    ApiConfig cfg = config.get();
    ApiDocument doc = parsed.get();
    boolean deleted = store.get().delete(cfg.sourceUri(doc));
    if (!deleted
        && !store.get().exists(cfg.resultUri(doc))
        && !store.get().exists(cfg.rejectionUri(doc))) {
      return error(404, "no document " + doc.id());
    }
    log.info("document_deleted", "doc_id", doc.id(), "source_was_there", deleted);
    return json(202, Map.of("doc_id", doc.id(), "status", "removing"));
  }

  /**
   * The rows of a processed document: the job's splitter over the unchanged source, served only
   * when they reassemble to exactly the published document.
   */
  private APIGatewayV2HTTPResponse paragraphs(ApiConfig cfg, ApiDocument doc, byte[] published) {
    Optional<byte[]> source = store.get().get(cfg.sourceUri(doc), ApiConfig.MAX_BODY_BYTES_LIMIT);
    if (source.isEmpty()) {
      return error(409, "the source of " + doc.id() + " is gone; its rows are in the table");
    }
    ParagraphSplitter.Split split = ParagraphSplitter.split(source.get());
    if (split.outcome().isRejected()
        || !Arrays.equals(Reassembler.reassemble(split.texts()), published)) {
      return error(409, "the source of " + doc.id() + " changed after it was processed");
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Paragraph p : split.paragraphs()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("paragraph_index", p.index());
      row.put("text", p.text());
      row.put("line_number", p.lineNumber());
      row.put("byte_offset", p.byteOffset());
      row.put("byte_length", p.byteLength());
      row.put("char_count", p.charCount());
      rows.add(row);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("doc_id", doc.id());
    out.put("table_doc_id", cfg.docId(doc));
    out.put("paragraph_count", rows.size());
    out.put("paragraphs", rows);
    return json(200, out);
  }

  /** The job's rejection record, told in the API's terms: its id first, the table's beside it. */
  private static Map<String, Object> rejected(ApiDocument doc, byte[] record) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("doc_id", doc.id());
    out.put("status", "rejected");
    try {
      JsonNode r = JSON.readTree(record);
      out.put("table_doc_id", r.path("doc_id").asText(null));
      out.put("reason", r.path("reason").asText(null));
      out.put(
          "reason_offset",
          r.path("reason_offset").isNumber() ? r.get("reason_offset").asLong() : null);
      out.put("reason_detail", r.path("reason_detail").asText(null));
      out.put("run_id", r.path("run_id").asText(null));
    } catch (IOException e) {
      out.put("reason", "unknown: the rejection record cannot be read");
    }
    return out;
  }

  private static APIGatewayV2HTTPResponse text(byte[] utf8) {
    return raw(200, TEXT, utf8);
  }

  private static APIGatewayV2HTTPResponse json(int status, Object body) {
    try {
      return raw(status, JSON_TYPE, JSON.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot render a response", e);
    }
  }

  private static APIGatewayV2HTTPResponse error(int status, String reason) {
    return json(status, Map.of("error", reason));
  }

  private static APIGatewayV2HTTPResponse raw(int status, String type, byte[] body) {
    if (body.length > RESPONSE_LIMIT) {
      return error(
          413, "the response would be " + body.length + " bytes, more than Lambda can return");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", type);
    return APIGatewayV2HTTPResponse.builder()
        .withStatusCode(status)
        .withHeaders(headers)
        .withBody(new String(body, StandardCharsets.UTF_8))
        .withIsBase64Encoded(false)
        .build();
  }

  private static String tooLarge(long bytes, int max) {
    return "body is " + bytes + " bytes; the limit is " + max + " bytes of UTF-8 text";
  }

  /** The {@code charset} parameter of a {@code Content-Type} header, when there is one. */
  static Optional<String> charset(Map<String, String> headers) {
    if (headers == null) {
      return Optional.empty();
    }
    for (Map.Entry<String, String> h : headers.entrySet()) {
      if (h.getKey().equalsIgnoreCase("content-type") && h.getValue() != null) {
        for (String param : h.getValue().split(";")) {
          String t = param.strip();
          if (t.regionMatches(true, 0, "charset=", 0, 8)) {
            return Optional.of(t.substring(8).replace("\"", "").strip());
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The UTF-8 bytes of a string, or empty when it holds an unpaired surrogate. */
  private static Optional<byte[]> strictUtf8(String s) {
    try {
      ByteBuffer b =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(s));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return Optional.of(out);
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
