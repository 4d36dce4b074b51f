package dev.paraglue.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.paraglue.LoopbackSdk;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.glue.GlueClient;

/**
 * A loopback HTTP server that speaks Glue's JSON protocol for StartJobRun, answering from a script
 * (success, ThrottlingException, ConcurrentRunsExceededException, 500s) and recording requests, and
 * for GetJobRuns: the runs it started, queued (WAITING) until the test moves them on.
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
  private final Map<String, String> runs = new LinkedHashMap<>();
  private final HttpServer server;

  FakeGlue() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
          targets.add(target);
          requests.add(JSON.readTree(body));
          if ("AWSGlue.GetJobRuns".equals(target)) {
            reply(exchange, 200, jobRuns());
            return;
          }
          Answer a;
          synchronized (script) {
            a = script.isEmpty() ? otherwise : script.poll();
          }
          int status;
          String reply;
          switch (a) {
            case OK -> {
              status = 200;
              String id = "jr_" + requests.size();
              synchronized (runs) {
                runs.put(id, "WAITING"); // JobRunQueuingEnabled: queued until Glue starts it
              }
              reply = "{\"JobRunId\":\"" + id + "\"}";
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
          reply(exchange, status, reply);
        });
    server.start();
  }

  private static void reply(HttpExchange exchange, int status, String reply) throws IOException {
    byte[] out = reply.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
    exchange.sendResponseHeaders(status, out.length);
    exchange.getResponseBody().write(out);
    exchange.close();
  }

  /** GetJobRuns' answer: every run started here, newest first, in the state the test set. */
  private String jobRuns() throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("JobRuns");
    synchronized (runs) {
      List<String> ids = new ArrayList<>(runs.keySet());
      Collections.reverse(ids);
      for (String id : ids) {
        list.addObject().put("Id", id).put("JobName", "paraglue").put("JobRunState", runs.get(id));
      }
    }
    return JSON.writeValueAsString(root);
  }

  /** Moves a started run to {@code state} (RUNNING, SUCCEEDED, FAILED, ...), as Glue would. */
  FakeGlue state(String runId, String state) {
    synchronized (runs) {
      runs.put(runId, state);
    }
    return this;
  }

  /** Moves every run that is not finished yet to {@code state}. */
  FakeGlue states(String state) {
    synchronized (runs) {
      runs.replaceAll((id, s) -> List.of("WAITING", "STARTING", "RUNNING").contains(s) ? state : s);
    }
    return this;
  }

  /** The StartJobRun requests, in order. */
  List<JsonNode> starts() {
    List<JsonNode> out = new ArrayList<>();
    for (int i = 0; i < requests.size(); i++) {
      if ("AWSGlue.StartJobRun".equals(targets.get(i))) {
        out.add(requests.get(i));
      }
    }
    return out;
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
    return LoopbackSdk.client(GlueClient.builder(), server.getAddress().getPort());
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
