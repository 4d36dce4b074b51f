package dev.paraglue.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.sun.net.httpserver.HttpServer;
import dev.paraglue.LoopbackSdk;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.thirdparty.jackson.core.JsonParser;
import software.amazon.awssdk.thirdparty.jackson.core.JsonToken;
import software.amazon.awssdk.thirdparty.jackson.dataformat.cbor.CBORFactory;

/**
 * The job's metrics through the real CloudWatch client to a loopback server that answers
 * PutMetricData (the SDK speaks Smithy RPC v2 CBOR to CloudWatch) and keeps what it was sent.
 */
class RunMetricsTest {
  private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant END = Instant.parse("2026-12-01T10:01:30Z");

  /** A loopback CloudWatch that answers every request with {@code status}. */
  private static final class FakeCloudWatch implements AutoCloseable {
    final List<String> paths = new CopyOnWriteArrayList<>();
    final List<Map<String, Object>> bodies = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    FakeCloudWatch(int status) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/",
          exchange -> {
            paths.add(exchange.getRequestURI().getPath());
            bodies.add(decode(exchange.getRequestBody().readAllBytes()));
            exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
          });
      server.start();
    }

    CloudWatchClient client() {
      return LoopbackSdk.client(CloudWatchClient.builder(), server.getAddress().getPort());
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }

  /** A CBOR body as maps, lists, strings and numbers. */
  static Map<String, Object> decode(byte[] cbor) throws IOException {
    try (JsonParser p = new CBORFactory().createParser(cbor)) {
      p.nextToken();
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) value(p);
      return m;
    }
  }

  private static Object value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      Map<String, Object> m = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        m.put(name, value(p));
      }
      return m;
    }
    if (t == JsonToken.START_ARRAY) {
      List<Object> l = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        l.add(value(p));
      }
      return l;
    }
    return t.isNumeric() ? p.getDoubleValue() : p.getText(); // CBOR sends 7.0 as 7
  }

  private static RunReport finishedRun() {
    RunReport r = new RunReport("jr_1", "paraglue-prod", START);
    r.count("processed", 7);
    r.count("rejected", 2);
    r.count("removed", 3);
    r.count("paragraphs", 140);
    r.count("bytes_in", 65_536);
    r.published(END.minusSeconds(5), START.minusSeconds(600).toEpochMilli());
    r.finish("succeeded", null, END);
    return r;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> byName(Map<String, Object> body, String field) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Object o : (List<Object>) body.get("MetricData")) {
      Map<String, Object> d = (Map<String, Object>) o;
      out.put((String) d.get("MetricName"), d.get(field));
    }
    return out;
  }

  @Test
  void publish_sendsEveryCountAndDuration_inTheNamespace_withTheJobName() throws IOException {
    try (FakeCloudWatch cw = new FakeCloudWatch(200);
        CloudWatchClient client = cw.client()) {
      RunMetrics.publish(client, "paraglue", finishedRun());

      assertThat(cw.paths)
          .containsExactly("/service/GraniteServiceVersion20100801/operation/PutMetricData");
      Map<String, Object> body = cw.bodies.get(0);
      assertThat(body).containsEntry("Namespace", "paraglue");
      assertThat(byName(body, "Value"))
          .containsOnly(
              entry("DocumentsProcessed", 7.0),
              entry("DocumentsRejected", 2.0),
              entry("DocumentsRemoved", 3.0),
              entry("Paragraphs", 140.0),
              entry("BytesIn", 65_536.0),
              entry("RunSeconds", 90.0),
              entry("PublishLagSeconds", 685.0));
      assertThat(byName(body, "Unit"))
          .containsEntry("BytesIn", "Bytes")
          .containsEntry("RunSeconds", "Seconds")
          .containsEntry("PublishLagSeconds", "Seconds")
          .containsEntry("DocumentsProcessed", "Count");
      assertThat(byName(body, "Dimensions").values())
          .allSatisfy(
              d ->
                  assertThat(d)
                      .isEqualTo(List.of(Map.of("Name", "JobName", "Value", "paraglue-prod"))));
    }
  }

  @Test
  void publish_withNothingPublished_sendsNoLag() throws IOException {
    RunReport r = new RunReport("jr_2", "paraglue", START);
    r.finish("succeeded", null, END);
    try (FakeCloudWatch cw = new FakeCloudWatch(200);
        CloudWatchClient client = cw.client()) {
      RunMetrics.publish(client, "paraglue", r);
      assertThat(byName(cw.bodies.get(0), "Value"))
          .containsEntry("DocumentsProcessed", 0.0)
          .doesNotContainKey("PublishLagSeconds");
    }
  }

  @Test
  void publish_whenCloudWatchRefuses_returnsWithoutThrowing() throws IOException {
    try (FakeCloudWatch cw = new FakeCloudWatch(500);
        CloudWatchClient client = cw.client()) {
      RunMetrics.publish(client, "paraglue", finishedRun());
      assertThat(cw.paths).hasSize(1); // it was tried, once, and its failure stayed a warning
    }
  }
}
