package dev.paraglue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** conf/paraglue.template.json: references resolve, policies are narrow, no trigger loops. */
class TemplateTest {
  private static JsonNode template;
  private static final Set<String> PSEUDO =
      Set.of(
          "AWS::AccountId",
          "AWS::Region",
          "AWS::Partition",
          "AWS::NoValue",
          "AWS::StackName",
          "AWS::URLSuffix");

  @BeforeAll
  static void load() throws IOException {
    template = new ObjectMapper().readTree(Path.of("conf/paraglue.template.json").toFile());
  }

  private static Set<String> names(String section) {
    Set<String> out = new HashSet<>();
    template.path(section).fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static void walk(JsonNode n, List<JsonNode> out) {
    out.add(n);
    n.elements().forEachRemaining(c -> walk(c, out));
  }

  @Test
  void maintenance_runsDaily_withTheMaintainClass_onTheJobsTables() {
    JsonNode resources = template.path("Resources");
    JsonNode job = resources.path("MaintainJob").path("Properties");
    JsonNode args = job.path("DefaultArguments");
    assertThat(args.path("--class").asText()).isEqualTo("dev.paraglue.job.MaintainJob");
    JsonNode runArgs = resources.path("GlueJob").path("Properties").path("DefaultArguments");
    for (String table : List.of("--paragraph_table", "--documents_table", "--conf")) {
      assertThat(args.path(table)).as(table).isEqualTo(runArgs.path(table));
    }
    JsonNode schedule = resources.path("MaintainSchedule");
    assertThat(schedule.path("Type").asText()).isEqualTo("AWS::Glue::Trigger");
    assertThat(schedule.path("Properties").path("Type").asText()).isEqualTo("SCHEDULED");
    assertThat(schedule.path("Properties").path("Schedule").asText()).matches("cron\\(.+\\)");
    assertThat(
            schedule.path("Properties").path("Actions").get(0).path("JobName").path("Ref").asText())
        .isEqualTo("MaintainJob");
  }

  @Test
  void everyRefGetAttAndSubVariable_resolves() {
    Set<String> params = names("Parameters");
    Set<String> resources = names("Resources");
    List<JsonNode> nodes = new ArrayList<>();
    walk(template, nodes);
    Pattern var = Pattern.compile("\\$\\{([^}!]+)}");
    int checked = 0;
    for (JsonNode n : nodes) {
      if (!n.isObject()) {
        continue;
      }
      if (n.has("Ref")) {
        String r = n.get("Ref").asText();
        assertThat(params.contains(r) || resources.contains(r) || PSEUDO.contains(r))
            .as("Ref %s", r)
            .isTrue();
        checked++;
      }
      if (n.has("Fn::GetAtt")) {
        assertThat(resources).contains(n.get("Fn::GetAtt").get(0).asText());
        checked++;
      }
      if (n.has("Fn::Sub")) {
        Matcher m = var.matcher(n.get("Fn::Sub").asText());
        while (m.find()) {
          String v = m.group(1).split("\\.")[0];
          assertThat(params.contains(v) || resources.contains(v) || PSEUDO.contains(v))
              .as("${%s}", v)
              .isTrue();
          checked++;
        }
      }
      if (n.has("Condition") && n.get("Condition").isTextual()) {
        assertThat(names("Conditions")).contains(n.get("Condition").asText());
      }
    }
    assertThat(checked).isGreaterThan(30);
  }

  @Test
  void policies_grantNoWildcardActions_andWildcardResourcesOnlyWhereAwsHasNoArn() {
    List<JsonNode> nodes = new ArrayList<>();
    walk(template.get("Resources"), nodes);
    int statements = 0;
    for (JsonNode n : nodes) {
      if (!n.isObject() || !n.has("Effect") || !n.has("Action")) {
        continue;
      }
      statements++;
      List<String> actions = new ArrayList<>();
      n.get("Action").forEach(a -> actions.add(a.asText()));
      if (n.get("Action").isTextual()) {
        actions.add(n.get("Action").asText());
      }
      assertThat(actions).noneMatch(a -> a.equals("*") || a.endsWith(":*"));
      if (n.has("Resource")
          && n.get("Resource").isTextual()
          && n.get("Resource").asText().equals("*")) {
        assertThat(actions).as("actions on *").containsOnly("cloudwatch:PutMetricData");
        assertThat(n.has("Condition")).isTrue();
      }
    }
    assertThat(statements).isGreaterThan(8);
  }

  @Test
  void notification_sendsCreatedAndRemovedObjectsUnderTheRawPrefix_toTheQueue() {
    JsonNode configs =
        template.at(
            "/Resources/DocumentsBucket/Properties/NotificationConfiguration/QueueConfigurations");
    assertThat(template.at("/Resources/DocumentsBucket/Properties/NotificationConfiguration"))
        .hasSize(1);
    String env =
        template
            .at("/Resources/TriggerFunction/Properties/Environment/Variables/PARAGLUE_SUFFIXES")
            .asText();
    Set<String> pairs = new HashSet<>();
    for (JsonNode c : configs) {
      assertThat(c.at("/Queue/Fn::GetAtt/0").asText()).isEqualTo("UploadsQueue");
      JsonNode rules = c.at("/Filter/S3Key/Rules");
      assertThat(rules.get(0).get("Name").asText()).isEqualTo("prefix");
      assertThat(rules.get(0).get("Value").get("Ref").asText()).isEqualTo("RawPrefix");
      pairs.add(c.get("Event").asText() + " " + rules.get(1).get("Value").asText());
    }
    Set<String> expected = new HashSet<>();
    for (String suffix : env.split(",")) {
      expected.add("s3:ObjectCreated:* " + suffix);
      expected.add("s3:ObjectRemoved:* " + suffix);
    }
    assertThat(pairs).isEqualTo(expected);
    assertThat(configs).hasSize(expected.size());
    // S3 checks that it may send to the queue when the notification is set: the policy first.
    assertThat(template.at("/Resources/DocumentsBucket/DependsOn").toString())
        .contains("UploadsQueuePolicy");
    JsonNode allow =
        template.at("/Resources/UploadsQueuePolicy/Properties/PolicyDocument/Statement/0");
    assertThat(allow.at("/Principal/Service").asText()).isEqualTo("s3.amazonaws.com");
    assertThat(allow.get("Action").asText()).isEqualTo("sqs:SendMessage");
    assertThat(allow.at("/Condition/ArnLike/aws:SourceArn/Fn::Sub").asText())
        .endsWith(":s3:::${BucketName}");
    // Nothing invokes the trigger but the queue.
    assertThat(template.at("/Resources/TriggerPermission").isMissingNode()).isTrue();

    // An existing bucket gets the same notifications through the custom resource, and only then.
    assertThat(template.at("/Resources/DocumentsBucket/Condition").asText())
        .isEqualTo("CreatesBucket");
    JsonNode existing = template.at("/Resources/ExistingBucketNotifications");
    assertThat(existing.path("Condition").asText()).isEqualTo("UsesExistingBucket");
    assertThat(existing.at("/Properties/Prefix/Ref").asText()).isEqualTo("RawPrefix");
    assertThat(existing.at("/Properties/QueueArn/Fn::GetAtt/0").asText()).isEqualTo("UploadsQueue");
    assertThat(existing.at("/DependsOn").toString()).contains("UploadsQueuePolicy");
    List<String> existingSuffixes = new ArrayList<>();
    existing.at("/Properties/Suffixes").forEach(n -> existingSuffixes.add(n.asText()));
    assertThat(existingSuffixes).containsExactlyInAnyOrder(env.split(","));
    String handler = template.at("/Resources/NotificationsFunction/Properties/Handler").asText();
    try {
      assertThat(Class.forName(handler.substring(0, handler.indexOf("::")))).isNotNull();
    } catch (ClassNotFoundException e) {
      throw new AssertionError(handler, e);
    }
    String raw = template.at("/Parameters/RawPrefix/Default").asText();
    String out = template.at("/Parameters/OutputPrefix/Default").asText();
    assertThat(out.startsWith(raw) || raw.startsWith(out)).isFalse();
    // And the trigger itself ignores the output prefix, should a user nest it under raw.
    assertThat(
            template
                .at(
                    "/Resources/TriggerFunction/Properties/Environment/Variables/PARAGLUE_OUTPUT_PREFIX")
                .isMissingNode())
        .isFalse();
  }

  @Test
  void queue_batchesForTheTrigger_withADeadLetterQueue_andAVisibilityTimeoutPastSixInvocations() {
    JsonNode queue = template.at("/Resources/UploadsQueue/Properties");
    JsonNode redrive = queue.get("RedrivePolicy");
    assertThat(redrive.at("/deadLetterTargetArn/Fn::GetAtt/0").asText())
        .isEqualTo("UploadsDeadLetterQueue");
    assertThat(redrive.get("maxReceiveCount").asInt()).isBetween(3, 10);
    assertThat(template.at("/Resources/UploadsDeadLetterQueue/Type").asText())
        .isEqualTo("AWS::SQS::Queue");
    int timeout = template.at("/Resources/TriggerFunction/Properties/Timeout").asInt();
    int maxWindow = template.at("/Parameters/BatchWindowSeconds/MaxValue").asInt();
    // AWS's rule for SQS event sources: at least six times the function's timeout (and, when
    // batching, the window on top).
    assertThat(queue.get("VisibilityTimeout").asInt())
        .isGreaterThanOrEqualTo(6 * timeout + maxWindow);

    JsonNode mapping = template.at("/Resources/TriggerEventSource");
    assertThat(mapping.get("Type").asText()).isEqualTo("AWS::Lambda::EventSourceMapping");
    JsonNode p = mapping.get("Properties");
    assertThat(p.at("/EventSourceArn/Fn::GetAtt/0").asText()).isEqualTo("UploadsQueue");
    assertThat(p.at("/FunctionName/Ref").asText()).isEqualTo("TriggerFunction");
    assertThat(p.get("BatchSize").asInt()).isEqualTo(10_000);
    assertThat(p.at("/MaximumBatchingWindowInSeconds/Ref").asText())
        .isEqualTo("BatchWindowSeconds");
    assertThat(template.at("/Parameters/BatchWindowSeconds/Default").asInt()).isEqualTo(60);
    assertThat(p.get("FunctionResponseTypes").toString())
        .isEqualTo("[\"ReportBatchItemFailures\"]");

    List<JsonNode> nodes = new ArrayList<>();
    walk(template.at("/Resources/TriggerRole/Properties/Policies"), nodes);
    assertThat(nodes.toString())
        .contains("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes");
  }

  @Test
  void coalescedRuns_theTriggerSeesWaitingRuns_andTheJobRetiresOnlyPendingManifests() {
    JsonNode env = template.at("/Resources/TriggerFunction/Properties/Environment/Variables");
    assertThat(env.at("/PARAGLUE_PENDING_PREFIX/Fn::Sub").asText())
        .isEqualTo("s3://${BucketName}/${ManifestPrefix}pending/");
    List<JsonNode> trigger = new ArrayList<>();
    walk(template.at("/Resources/TriggerRole/Properties/Policies"), trigger);
    assertThat(trigger.toString()).contains("glue:StartJobRun", "glue:GetJobRuns");
    List<JsonNode> job = new ArrayList<>();
    walk(template.at("/Resources/GlueJobRole/Properties/Policies"), job);
    boolean retires = false;
    for (JsonNode n : job) {
      if (n.isObject() && "RetireTakenPendingManifests".equals(n.path("Sid").asText())) {
        retires = true;
        assertThat(n.get("Action").toString()).isEqualTo("[\"s3:DeleteObject\"]");
        assertThat(n.at("/Resource/0/Fn::Sub").asText())
            .endsWith(":s3:::${BucketName}/${ManifestPrefix}pending/*");
      }
    }
    assertThat(retires).isTrue();
  }

  @Test
  void someoneIsTold_ofDeadLetters_failedRuns_triggerErrors_andLag_onTheDashboardToo() {
    JsonNode r = template.get("Resources");
    assertThat(r.at("/AlarmTopic/Type").asText()).isEqualTo("AWS::SNS::Topic");
    assertThat(r.at("/AlarmEmailSubscription/Condition").asText()).isEqualTo("HasAlarmEmail");
    assertThat(r.at("/AlarmEmailSubscription/Properties/Endpoint/Ref").asText())
        .isEqualTo("AlarmEmail");
    assertThat(template.at("/Parameters/AlarmEmail/Default").asText()).isEmpty();

    Map<String, String> watched = new java.util.TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().path("Type").asText().equals("AWS::CloudWatch::Alarm")) {
        JsonNode p = e.getValue().get("Properties");
        assertThat(p.at("/AlarmActions/0/Ref").asText()).as(e.getKey()).isEqualTo("AlarmTopic");
        watched.put(e.getKey(), p.get("Namespace").asText() + " " + p.get("MetricName").asText());
      }
    }
    assertThat(watched)
        .containsEntry("DeadLetterAlarm", "AWS/SQS ApproximateNumberOfMessagesVisible")
        .containsEntry("TriggerErrorsAlarm", "AWS/Lambda Errors")
        .containsEntry("TriggerFailuresAlarm", "paraglue Failures")
        .containsEntry("UploadLagAlarm", "AWS/SQS ApproximateAgeOfOldestMessage")
        .containsEntry("PublishLagAlarm", "paraglue PublishLagSeconds");
    assertThat(r.at("/DeadLetterAlarm/Properties/Dimensions/0/Value/Fn::GetAtt/0").asText())
        .isEqualTo("UploadsDeadLetterQueue");
    assertThat(r.at("/DeadLetterAlarm/Properties/Threshold").asInt()).isZero();
    assertThat(r.at("/UploadLagAlarm/Properties/Threshold/Ref").asText())
        .isEqualTo("LagAlarmSeconds");

    // The job's own lag: it sends its metrics to the namespace its role may write, by job name.
    JsonNode jobArgs = r.at("/GlueJob/Properties/DefaultArguments");
    assertThat(jobArgs.get("--metrics_namespace").asText()).isEqualTo("paraglue");
    assertThat(r.at("/PublishLagAlarm/Properties/Dimensions/0/Name").asText()).isEqualTo("JobName");
    assertThat(r.at("/PublishLagAlarm/Properties/Dimensions/0/Value/Ref").asText())
        .isEqualTo("JobName");
    assertThat(r.at("/PublishLagAlarm/Properties/Threshold/Ref").asText())
        .isEqualTo("PublishLagAlarmSeconds");
    assertThat(r.at("/GlueJobRole/Properties").toString())
        .contains("\"cloudwatch:namespace\":[\"Glue\",\"paraglue\"]");

    // Glue runs that fail or time out: EventBridge's Glue Job State Change, to the topic.
    JsonNode rule = r.at("/GlueRunFailedRule/Properties");
    assertThat(rule.at("/EventPattern/source/0").asText()).isEqualTo("aws.glue");
    assertThat(rule.at("/EventPattern/detail-type/0").asText()).isEqualTo("Glue Job State Change");
    assertThat(rule.at("/EventPattern/detail/jobName/0/Ref").asText()).isEqualTo("JobName");
    assertThat(rule.at("/EventPattern/detail/state").toString())
        .contains("FAILED", "TIMEOUT", "ERROR");
    assertThat(rule.at("/Targets/0/Arn/Ref").asText()).isEqualTo("AlarmTopic");
    assertThat(
            r.at("/AlarmTopicPolicy/Properties/PolicyDocument/Statement/0/Principal/Service")
                .asText())
        .isEqualTo("events.amazonaws.com");

    // The dashboard shows the trigger's metrics (the names it writes), the queues and the alarms.
    String body = r.at("/Dashboard/Properties/DashboardBody/Fn::Sub").asText();
    assertThat(body)
        .contains(
            "EventsReceived",
            "EventsIgnored",
            "RunsStarted",
            "RunsCoalesced",
            "Throttles",
            "Failures",
            "${UploadsDeadLetterQueue.QueueName}",
            "${DeadLetterAlarm.Arn}",
            "[\"paraglue\",\"DocumentsProcessed\",\"JobName\",\"${JobName}\"",
            "[\"paraglue\",\"PublishLagSeconds\",\"JobName\",\"${JobName}\"",
            "${PublishLagAlarm.Arn}");
  }

  @Test
  void functionAndJob_pointAtClassesThatExist() throws ClassNotFoundException {
    String handler = template.at("/Resources/TriggerFunction/Properties/Handler").asText();
    assertThat(Class.forName(handler.substring(0, handler.indexOf("::")))).isNotNull();
    assertThat(template.at("/Resources/TriggerFunction/Properties/Runtime").asText())
        .isEqualTo("java21");
    JsonNode args = template.at("/Resources/GlueJob/Properties/DefaultArguments");
    assertThat(Class.forName(args.get("--class").asText())).isNotNull();
    assertThat(template.at("/Resources/GlueJob/Properties/GlueVersion").asText()).isEqualTo("5.1");
    assertThat(args.get("--datalake-formats").asText()).isEqualTo("iceberg");
    for (Iterator<Map.Entry<String, JsonNode>> it = args.fields(); it.hasNext(); ) {
      String name = it.next().getKey();
      assertThat(name).startsWith("--");
    }
  }

  @Test
  void httpApi_requiresIamOnEveryRoute_isThrottledAndLogged_andWritesOnlyApiKeys()
      throws ClassNotFoundException {
    JsonNode resources = template.get("Resources");
    Set<String> routes = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
      JsonNode r = it.next().getValue();
      if (r.path("Type").asText().equals("AWS::ApiGatewayV2::Route")) {
        assertThat(r.at("/Properties/AuthorizationType").asText()).isEqualTo("AWS_IAM");
        routes.add(r.at("/Properties/RouteKey").asText());
      }
    }
    // Exactly the routes DocumentApi answers; nothing else reaches the function.
    assertThat(routes)
        .containsExactlyInAnyOrder(
            "POST /documents",
            "GET /documents/{doc_id}",
            "GET /documents/{doc_id}/paragraphs",
            "DELETE /documents/{doc_id}");
    JsonNode stage = resources.at("/ApiStage/Properties");
    assertThat(stage.at("/DefaultRouteSettings/ThrottlingRateLimit/Ref").asText())
        .isEqualTo("ApiRateLimit");
    assertThat(stage.at("/DefaultRouteSettings/ThrottlingBurstLimit/Ref").asText())
        .isEqualTo("ApiBurstLimit");
    assertThat(stage.at("/AccessLogSettings/DestinationArn/Fn::GetAtt/0").asText())
        .isEqualTo("ApiAccessLogGroup");
    assertThat(resources.at("/ApiIntegration/Properties/PayloadFormatVersion").asText())
        .isEqualTo("2.0");
    String handler = resources.at("/ApiFunction/Properties/Handler").asText();
    assertThat(Class.forName(handler.substring(0, handler.indexOf("::")))).isNotNull();

    // The API may write and delete submissions only, never results, the warehouse or other raw
    // keys.
    List<JsonNode> nodes = new ArrayList<>();
    walk(resources.at("/ApiRole/Properties/Policies"), nodes);
    int puts = 0;
    for (JsonNode n : nodes) {
      if (n.isObject()
          && n.has("Action")
          && n.get("Action").toString().matches(".*s3:(PutObject|DeleteObject).*")) {
        puts++;
        assertThat(n.get("Resource")).hasSize(1);
        assertThat(n.get("Resource").get(0).get("Fn::Sub").asText())
            .endsWith("/${RawPrefix}dt=*/api/*");
      }
    }
    assertThat(puts).isEqualTo(1);
  }
}
