package dev.paraglue.local;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.paraglue.api.ApiConfig;
import dev.paraglue.api.ApiDocument;
import dev.paraglue.api.DocumentApi;
import dev.paraglue.cli.Argument;
import dev.paraglue.cli.Command;
import dev.paraglue.lambda.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What {@code jobs/paraglue api} runs: {@link DocumentApi} behind a loopback HTTP server that plays
 * API Gateway's part (matching the four routes, building the payload 2.0 event, passing it through
 * the Lambda runtime's serializers) over a local folder, and S3's notification's part (each stored
 * document is queued for a local job run; runs go one at a time, batching what arrived meanwhile,
 * like Glue's run queuing).
 */
public final class LocalApi implements AutoCloseable {
  /** API Gateway refuses larger payloads before they reach Lambda. */
  static final int GATEWAY_PAYLOAD_LIMIT = 10 * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;
  private final DocumentApi api;
  private final ApiConfig config;
  private final Consumer<String> stored;

  private LocalApi(HttpServer server, DocumentApi api, ApiConfig config, Consumer<String> stored) {
    this.server = server;
    this.api = api;
    this.config = config;
    this.stored = stored;
  }

  /**
   * Serves {@code api} (whose configuration is {@code config}) on a loopback port (0 for any free
   * one); {@code stored} hears the source URI of every accepted submission and every accepted
   * deletion, as S3's notification would.
   */
  public static LocalApi start(int port, DocumentApi api, ApiConfig config, Consumer<String> stored)
      throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    LocalApi local = new LocalApi(server, api, config, stored);
    server.createContext("/", local::exchange);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.start();
    return local;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }

  private void exchange(HttpExchange x) throws IOException {
    try (x) {
      byte[] body = readAtMost(x.getRequestBody(), GATEWAY_PAYLOAD_LIMIT);
      if (body == null) {
        send(x, 413, "application/json", "{\"message\":\"Request Entity Too Large\"}");
        return;
      }
      APIGatewayV2HTTPEvent event = event(x, body);
      if (event == null) {
        send(x, 404, "application/json", "{\"message\":\"Not Found\"}");
        return;
      }
      ByteArrayOutputStream json = new ByteArrayOutputStream();
      DocumentApi.EVENTS.toJson(event, json);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      api.handleRequest(new ByteArrayInputStream(json.toByteArray()), out, null);
      APIGatewayV2HTTPResponse r =
          DocumentApi.RESPONSES.fromJson(new ByteArrayInputStream(out.toByteArray()));
      String type = r.getHeaders() == null ? null : r.getHeaders().get("content-type");
      if (r.getHeaders() != null && r.getHeaders().containsKey("location")) {
        x.getResponseHeaders().set("Location", r.getHeaders().get("location"));
      }
      send(x, r.getStatusCode(), type, r.getBody() == null ? "" : r.getBody());
      if (r.getStatusCode() == 202 && "POST /documents".equals(event.getRouteKey())) {
        stored.accept(JSON.readTree(r.getBody()).path("source_uri").asText());
      } else if (r.getStatusCode() == 202 && event.getRouteKey().startsWith("DELETE ")) {
        // As the removal event would: a run for the deleted source removes the rest.
        ApiDocument doc = ApiDocument.parse(event.getPathParameters().get("doc_id")).orElseThrow();
        stored.accept(config.sourceUri(doc));
      }
    }
  }

  /** The event API Gateway would send for this request, or null when no route matches. */
  private static APIGatewayV2HTTPEvent event(HttpExchange x, byte[] body) {
    String method = x.getRequestMethod();
    String path = x.getRequestURI().getRawPath();
    String route = route(method, path);
    if (route == null) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (route.contains("{doc_id}")) {
      params.put("doc_id", URLDecoder.decode(path.split("/", -1)[2], StandardCharsets.UTF_8));
    }
    String raw = x.getRequestURI().getRawQuery();
    Map<String, String> query = query(raw);
    Map<String, String> headers = new LinkedHashMap<>();
    x.getRequestHeaders()
        .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
    return APIGatewayV2HTTPEvent.builder()
        .withVersion("2.0")
        .withRouteKey(route)
        .withRawPath(path)
        .withRawQueryString(raw == null ? "" : raw)
        .withHeaders(headers)
        .withQueryStringParameters(query.isEmpty() ? null : query)
        .withPathParameters(params.isEmpty() ? null : params)
        .withRequestContext(
            APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRouteKey(route)
                .withStage("$default")
                .withHttp(
                    APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod(method)
                        .withPath(path)
                        .withProtocol(x.getProtocol())
                        .withSourceIp(x.getRemoteAddress().getAddress().getHostAddress())
                        .build())
                .build())
        // Bytes as sent: API Gateway base64-encodes bodies it does not treat as text.
        .withBody(body.length == 0 ? null : Base64.getEncoder().encodeToString(body))
        .withIsBase64Encoded(body.length > 0)
        .build();
  }

  /** A raw query string's parameters, decoded; empty for none. */
  private static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          query.put(
              URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
              URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
    }
    return query;
  }

  /** The route API Gateway would match for the request, or null for none. */
  private static String route(String method, String path) {
    if (path.equals("/documents")) {
      return "POST".equals(method) ? "POST /documents" : null;
    }
    String[] segments = path.split("/", -1);
    if (segments.length < 3 || !segments[1].equals("documents") || segments[2].isEmpty()) {
      return null;
    }
    if (segments.length == 3 && ("GET".equals(method) || "DELETE".equals(method))) {
      return method + " /documents/{doc_id}";
    }
    if (segments.length == 4 && segments[3].equals("paragraphs") && "GET".equals(method)) {
      return "GET /documents/{doc_id}/paragraphs";
    }
    return null;
  }

  private static byte[] readAtMost(InputStream in, int limit) throws IOException {
    byte[] b = in.readNBytes(limit + 1);
    return b.length > limit ? null : b;
  }

  private static void send(HttpExchange x, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (type != null) {
      x.getResponseHeaders().set("Content-Type", type);
    }
    x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream o = x.getResponseBody()) {
        o.write(bytes);
      }
    }
  }

  /**
   * Local job runs, one at a time: each takes every document stored since the last one started and
   * runs {@code jobs/paraglue run --source_paths ... --output_path ...}, its output in a log.
   */
  static final class LocalRuns implements Consumer<String>, AutoCloseable {
    private final List<String> command;
    private final String outputPath;
    private final Path log;
    private final ExecutorService worker = Executors.newSingleThreadExecutor();
    private final Set<String> pending = new LinkedHashSet<>();

    LocalRuns(List<String> command, String outputPath, Path log) {
      this.command = command;
      this.outputPath = outputPath;
      this.log = log;
    }

    @Override
    public void accept(String sourceUri) {
      synchronized (pending) {
        pending.add(sourceUri);
      }
      worker.execute(this::drain);
    }

    private void drain() {
      List<String> batch;
      synchronized (pending) {
        if (pending.isEmpty()) {
          return;
        }
        batch = new ArrayList<>(pending);
        pending.clear();
      }
      List<String> argv = new ArrayList<>(command);
      argv.addAll(
          List.of(
              "run",
              "--source_paths",
              String.join(",", batch),
              "--output_path",
              outputPath,
              // A deleted submission's path is gone: the run removes its rows and outputs.
              "--remove_missing",
              "true"));
      System.err.printf("paraglue api: job run for %d document(s) started%n", batch.size());
      try {
        Files.createDirectories(log.getParent());
        Process p =
            new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        int code = p.waitFor();
        System.err.printf(
            "paraglue api: job run for %d document(s) ended with exit code %d (log: %s)%n",
            batch.size(), code, log);
      } catch (IOException e) {
        System.err.println("paraglue api: cannot start the job: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() throws InterruptedException {
      worker.shutdown();
      worker.awaitTermination(10, TimeUnit.MINUTES);
    }
  }

  /** The table the parser and the help read; {@code jobs/paraglue} passes --home and --runner. */
  static final Command COMMAND =
      new Command(
          "serve the API",
          "jobs/paraglue api [--port N]",
          "Serves the HTTP API's Lambda handler on loopback; each submission is stored under"
              + " $PARAGLUE_HOME/api/raw and queued for a job run.",
          List.of(
              new Argument("port", "N", "8787", "loopback port to serve on (0: any free one)"),
              new Argument(
                  "home",
                  "DIR",
                  ".paraglue",
                  "submissions under DIR/api/raw, results under DIR/output (jobs/paraglue passes"
                      + " $PARAGLUE_HOME)"),
              Argument.of(
                  "runner",
                  "PATH",
                  "command that runs the job on stored submissions (jobs/paraglue passes itself);"
                      + " none: store only")),
          List.of(),
          List.of("Job runs go one at a time; their output goes to DIR/api/runs.log."));

  /** {@code LocalApi [--port N] --home DIR [--runner jobs/paraglue]}. */
  public static void main(String[] args) throws Exception {
    if (Command.asksForHelp(args)) {
      System.out.print(COMMAND.help());
      return;
    }
    int port;
    Path home;
    String runner;
    try {
      Command.Parsed parsed = COMMAND.parse(args);
      port = port(parsed.get("port"));
      home = Path.of(parsed.get("home"));
      runner = parsed.get("runner");
    } catch (IllegalArgumentException e) {
      System.err.println("paraglue api: " + e.getMessage());
      System.exit(2);
      return;
    }
    home = home.toAbsolutePath().normalize();
    String output = home.resolve("output").toUri().toString();
    ApiConfig cfg =
        new ApiConfig(
            home.resolve("api/raw").toUri().toString(),
            output,
            false,
            ApiConfig.MAX_BODY_BYTES_LIMIT);
    DocumentApi api =
        new DocumentApi(cfg, new LocalBlobStore(), Clock.systemUTC(), new JsonLog(System.err));
    Consumer<String> stored =
        runner == null
            ? uri -> System.err.println("paraglue api: stored " + uri + " (no job runner)")
            : new LocalRuns(List.of(runner), output, home.resolve("api/runs.log"));
    LocalApi local = start(port, api, cfg, stored);
    System.err.printf(
        "paraglue api: serving http://127.0.0.1:%d/documents (documents under %s, results under"
            + " %s)%n",
        local.port(), cfg.sourcePrefix(), output);
    Runtime.getRuntime().addShutdownHook(new Thread(local::close));
    Thread.currentThread().join();
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // the message below says what is expected
    }
    throw new IllegalArgumentException(
        "Cannot use --port '" + value + "': expected a port number from 0 to 65535");
  }
}
