package dev.paraglue.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.glue.GlueClient;

/**
 * A loopback HTTP server that speaks Glue's JSON protocol for StartJobRun, answering from a script
 * (success, ThrottlingException, ConcurrentRunsExceededException, 500s) and recording requests.
 */
final class FakeGlue implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the server answers next. */
  enum Answer {
    OK,
    THROTTLE,
    CONCURRENT,
    SERVER_ERROR,
    NOT_FOUND
  }

  final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  final List<String> targets = new CopyOnWriteArrayList<>();
  private final Deque<Answer> script = new ArrayDeque<>();
  private Answer otherwise = Answer.OK;
  private final HttpServer server;

  FakeGlue() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          targets.add(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
          requests.add(JSON.readTree(body));
          Answer a;
          synchronized (script) {
            a = script.isEmpty() ? otherwise : script.poll();
          }
          int status;
          String reply;
          switch (a) {
            case OK -> {
              status = 200;
              reply = "{\"JobRunId\":\"jr_" + requests.size() + "\"}";
            }
            case THROTTLE -> {
              status = 400;
              reply = "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}";
            }
            case CONCURRENT -> {
              status = 400;
              reply =
                  "{\"__type\":\"ConcurrentRunsExceededException\",\"message\":\"Concurrent runs exceeded\"}";
            }
            case NOT_FOUND -> {
              status = 400;
              reply = "{\"__type\":\"EntityNotFoundException\",\"message\":\"Job not found\"}";
            }
            default -> {
              status = 500;
              reply = "{\"__type\":\"InternalServiceException\",\"message\":\"boom\"}";
            }
          }
          byte[] out = reply.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
          exchange.sendResponseHeaders(status, out.length);
          exchange.getResponseBody().write(out);
          exchange.close();
        });
    server.start();
  }

  FakeGlue answer(Answer... answers) {
    synchronized (script) {
      script.addAll(List.of(answers));
    }
    return this;
  }

  FakeGlue otherwise(Answer a) {
    otherwise = a;
    return this;
  }

  /** A real SDK client pointed at this server, with the SDK's own retries off. */
  GlueClient client() {
    return GlueClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
