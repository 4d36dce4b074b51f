package dev.paraglue.notifications;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.paraglue.lambda.JsonLog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;

/**
 * The existing-bucket custom resource through the real S3 client against a loopback server that
 * keeps one bucket's notification configuration as S3 does (the XML the SDK writes is what it reads
 * back), and a loopback stand-in for CloudFormation's pre-signed response URL.
 */
class BucketNotificationsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String FOREIGN =
      "<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
          + "<QueueConfiguration><Id>audit</Id>"
          + "<Queue>arn:aws:sqs:us-east-1:123456789012:audit</Queue>"
          + "<Event>s3:ObjectRemoved:*</Event></QueueConfiguration>"
          + "<CloudFunctionConfiguration><Id>thumbnails</Id>"
          + "<CloudFunction>arn:aws:lambda:us-east-1:123456789012:function:thumbs</CloudFunction>"
          + "<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name>"
          + "<Value>images/</Value></FilterRule></S3Key></Filter></CloudFunctionConfiguration>"
          // What an earlier version of this resource wrote: the trigger called by S3 directly.
          + "<CloudFunctionConfiguration><Id>paraglue-paraglue-0</Id>"
          + "<CloudFunction>arn:aws:lambda:us-east-1:123456789012:function:paraglue-trigger"
          + "</CloudFunction><Event>s3:ObjectCreated:*</Event></CloudFunctionConfiguration>"
          + "</NotificationConfiguration>";

  private HttpServer server;
  private S3Client s3;
  private final AtomicReference<String> stored = new AtomicReference<>(FOREIGN);
  private final AtomicReference<String> answer = new AtomicReference<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        x -> {
          byte[] in = x.getRequestBody().readAllBytes();
          String path = x.getRequestURI().getPath();
          byte[] out = new byte[0];
          int status = 200;
          if (path.startsWith("/cfn-response")) {
            answer.set(new String(in, UTF_8));
          } else if (path.startsWith("/locked")) {
            status = 403;
            out =
                "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
                    .getBytes(UTF_8);
          } else if ("PUT".equals(x.getRequestMethod())) {
            stored.set(new String(in, UTF_8));
          } else {
            out = stored.get().getBytes(UTF_8);
          }
          x.getResponseHeaders().set("Content-Type", "application/xml");
          x.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
          if (out.length > 0) {
            x.getResponseBody().write(out);
          }
          x.close();
        });
    server.start();
    s3 =
        S3Client.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
            .forcePathStyle(true)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))
            .httpClient(UrlConnectionHttpClient.create())
            .build();
  }

  @AfterEach
  void stop() {
    s3.close();
    server.stop(0);
  }

  private JsonNode call(String type, String bucket, List<String> suffixes) throws IOException {
    ObjectNode e = JSON.createObjectNode();
    e.put("RequestType", type);
    e.put(
        "ResponseURL",
        "http://127.0.0.1:" + server.getAddress().getPort() + "/cfn-response?X-Amz-Signature=x");
    e.put("StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/paraglue/1");
    e.put("RequestId", "req-1");
    e.put("ResourceType", "Custom::BucketNotifications");
    e.put("LogicalResourceId", "ExistingBucketNotifications");
    ObjectNode props = e.putObject("ResourceProperties");
    props.put("Bucket", bucket);
    props.put("QueueArn", "arn:aws:sqs:us-east-1:123456789012:paraglue-uploads");
    props.put("Prefix", "raw/");
    props.put("Name", "paraglue");
    ArrayNode s = props.putArray("Suffixes");
    suffixes.forEach(s::add);
    new BucketNotifications(
            () -> s3, new JsonLog(new PrintStream(new ByteArrayOutputStream(), true, UTF_8)))
        .handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(e)), null, null);
    return JSON.readTree(answer.get());
  }

  private GetBucketNotificationConfigurationResponse current() {
    return s3.getBucketNotificationConfiguration(b -> b.bucket("docs"));
  }

  private static List<String> ids(GetBucketNotificationConfigurationResponse r) {
    List<String> ids = new ArrayList<>();
    r.lambdaFunctionConfigurations().forEach(c -> ids.add(c.id()));
    r.queueConfigurations().forEach(c -> ids.add(c.id()));
    return ids;
  }

  private static List<String> ours(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("paraglue-paraglue-" + i);
    }
    return ids;
  }

  @Test
  void create_sendsCreatedAndRemovedForEachSuffixToTheQueue_andKeepsWhatOthersConfigured()
      throws IOException {
    JsonNode answered = call("Create", "docs", List.of(".txt", ".md", ".text", ".gz", ".bz2"));

    assertThat(answered.path("Status").asText()).isEqualTo("SUCCESS");
    assertThat(answered.path("PhysicalResourceId").asText())
        .isEqualTo("paraglue-notifications-docs-paraglue");
    assertThat(answered.path("RequestId").asText()).isEqualTo("req-1");
    GetBucketNotificationConfigurationResponse now = current();
    List<String> expected = new ArrayList<>(List.of("thumbnails", "audit"));
    expected.addAll(ours(10));
    assertThat(ids(now)).containsExactlyElementsOf(expected);
    assertThat(now.lambdaFunctionConfigurations()).singleElement().isNotNull();
    List<QueueConfiguration> queues = now.queueConfigurations();
    QueueConfiguration created = queues.get(1);
    QueueConfiguration removed = queues.get(6);
    assertThat(created.queueArn()).endsWith(":paraglue-uploads");
    assertThat(created.eventsAsStrings()).containsExactly("s3:ObjectCreated:*");
    assertThat(removed.eventsAsStrings()).containsExactly("s3:ObjectRemoved:*");
    for (QueueConfiguration q : List.of(created, removed)) {
      assertThat(q.filter().key().filterRules())
          .extracting(r -> r.nameAsString().toLowerCase(java.util.Locale.ROOT) + "=" + r.value())
          .containsExactly("prefix=raw/", "suffix=.txt");
    }
  }

  @Test
  void update_replacesOnlyItsOwnEntries_andDeleteRemovesThem() throws IOException {
    call("Create", "docs", List.of(".txt", ".md", ".text", ".gz", ".bz2"));
    assertThat(call("Update", "docs", List.of(".txt", ".md")).path("Status").asText())
        .isEqualTo("SUCCESS");
    List<String> expected = new ArrayList<>(List.of("thumbnails", "audit"));
    expected.addAll(ours(4));
    assertThat(ids(current())).containsExactlyElementsOf(expected);

    assertThat(call("Delete", "docs", List.of(".txt", ".md")).path("Status").asText())
        .isEqualTo("SUCCESS");
    assertThat(ids(current())).containsExactly("thumbnails", "audit");
  }

  @Test
  void aBucketThatCannotBeChanged_answersFailedWithTheReason_neverLeavesTheStackWaiting()
      throws IOException {
    JsonNode answered = call("Create", "locked", List.of(".txt"));
    assertThat(answered.path("Status").asText()).isEqualTo("FAILED");
    assertThat(answered.path("Reason").asText())
        .startsWith("Cannot Create notifications of bucket locked: ")
        .contains("Access Denied");
  }
}
