package dev.paraglue.notifications;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paraglue.lambda.JsonLog;
import dev.paraglue.lambda.Memo;
import dev.paraglue.text.Cut;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Event;
import software.amazon.awssdk.services.s3.model.FilterRule;
import software.amazon.awssdk.services.s3.model.FilterRuleName;
import software.amazon.awssdk.services.s3.model.GetBucketNotificationConfigurationResponse;
import software.amazon.awssdk.services.s3.model.LambdaFunctionConfiguration;
import software.amazon.awssdk.services.s3.model.NotificationConfiguration;
import software.amazon.awssdk.services.s3.model.NotificationConfigurationFilter;
import software.amazon.awssdk.services.s3.model.QueueConfiguration;
import software.amazon.awssdk.services.s3.model.S3KeyFilter;

/**
 * A CloudFormation custom resource that points an existing bucket's notifications (objects created
 * and removed under the prefix, one entry per suffix) at the trigger's SQS queue. S3 keeps one
 * notification configuration per bucket, and CloudFormation can only set it on a bucket it creates;
 * writing it whole would drop what others configured. So this reads the configuration, replaces
 * only its own entries (ids {@code paraglue-<name>-<n>}) and writes it back; Delete removes them.
 * It always answers CloudFormation, with the reason when it fails, so a stack never waits for an
 * hour.
 *
 * <p>Properties: {@code Bucket}, {@code QueueArn}, {@code Prefix}, {@code Suffixes} (list), and
 * {@code Name} (distinguishes stacks sharing a bucket).
 */
public final class BucketNotifications implements RequestStreamHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<S3Client> s3;
  private final JsonLog log;

  public BucketNotifications() {
    this(
        Memo.of(() -> S3Client.builder().httpClient(UrlConnectionHttpClient.create()).build()),
        new JsonLog(System.out));
  }

  BucketNotifications(Supplier<S3Client> s3, JsonLog log) {
    this.s3 = s3;
    this.log = log;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    JsonNode event = JSON.readTree(input);
    Map<String, Object> response = new LinkedHashMap<>();
    JsonNode props = event.path("ResourceProperties");
    String bucket = props.path("Bucket").asText();
    String name = props.path("Name").asText("paraglue");
    response.put("PhysicalResourceId", "paraglue-notifications-" + bucket + "-" + name);
    response.put("StackId", event.path("StackId").asText());
    response.put("RequestId", event.path("RequestId").asText());
    response.put("LogicalResourceId", event.path("LogicalResourceId").asText());
    String type = event.path("RequestType").asText();
    try {
      int ours = apply(type, props, bucket, name);
      response.put("Status", "SUCCESS");
      log.info("notifications_" + type.toLowerCase(java.util.Locale.ROOT), "configurations", ours);
    } catch (RuntimeException e) {
      String reason =
          "Cannot " + type + " notifications of bucket " + bucket + ": " + e.getMessage();
      response.put("Status", "FAILED");
      response.put("Reason", Cut.atMost(reason, 1000));
      log.warn("notifications_failed", "reason", reason);
    }
    respond(event.path("ResponseURL").asText(), JSON.writeValueAsBytes(response));
  }

  /**
   * Rewrites the bucket's configuration with this stack's entries replaced; returns their count.
   */
  int apply(String type, JsonNode props, String bucket, String name) {
    String idPrefix = "paraglue-" + name + "-";
    GetBucketNotificationConfigurationResponse current =
        s3.get().getBucketNotificationConfiguration(b -> b.bucket(bucket));
    // Someone else's entries stay; ours (also the Lambda entries of earlier versions) are replaced.
    List<LambdaFunctionConfiguration> lambdas = new ArrayList<>();
    for (LambdaFunctionConfiguration c : current.lambdaFunctionConfigurations()) {
      if (c.id() == null || !c.id().startsWith(idPrefix)) {
        lambdas.add(c);
      }
    }
    List<QueueConfiguration> queues = new ArrayList<>();
    for (QueueConfiguration c : current.queueConfigurations()) {
      if (c.id() == null || !c.id().startsWith(idPrefix)) {
        queues.add(c);
      }
    }
    int ours = 0;
    if (!"Delete".equals(type)) {
      for (Event event : List.of(Event.S3_OBJECT_CREATED, Event.S3_OBJECT_REMOVED)) {
        for (JsonNode suffix : props.path("Suffixes")) {
          queues.add(
              QueueConfiguration.builder()
                  .id(idPrefix + ours++)
                  .queueArn(props.path("QueueArn").asText())
                  .events(event)
                  .filter(filter(props.path("Prefix").asText(), suffix.asText()))
                  .build());
        }
      }
    }
    NotificationConfiguration.Builder next =
        NotificationConfiguration.builder()
            .lambdaFunctionConfigurations(lambdas)
            .queueConfigurations(queues)
            .topicConfigurations(current.topicConfigurations());
    if (current.eventBridgeConfiguration() != null) {
      next.eventBridgeConfiguration(current.eventBridgeConfiguration());
    }
    s3.get()
        .putBucketNotificationConfiguration(
            b -> b.bucket(bucket).notificationConfiguration(next.build()));
    return ours;
  }

  private static NotificationConfigurationFilter filter(String prefix, String suffix) {
    return NotificationConfigurationFilter.builder()
        .key(
            S3KeyFilter.builder()
                .filterRules(
                    FilterRule.builder().name(FilterRuleName.PREFIX).value(prefix).build(),
                    FilterRule.builder().name(FilterRuleName.SUFFIX).value(suffix).build())
                .build())
        .build();
  }

  /** PUTs the answer to CloudFormation's pre-signed URL (no content type: it is signed without). */
  static void respond(String url, byte[] body) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
      c.setRequestMethod("PUT");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "");
      c.setFixedLengthStreamingMode(body.length);
      try (OutputStream o = c.getOutputStream()) {
        o.write(body);
      }
      int status = c.getResponseCode();
      if (status / 100 != 2) {
        throw new IOException("HTTP " + status);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot answer CloudFormation: " + e.getMessage(), e);
    }
  }
}
