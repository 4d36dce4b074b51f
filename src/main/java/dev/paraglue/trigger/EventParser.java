package dev.paraglue.trigger;

import com.amazonaws.services.lambda.runtime.events.S3Event;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.events.models.s3.S3EventNotification;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Recognises an event by its shape and reads it with the serializers the Java Lambda runtime uses
 * for its event classes: S3 notifications, SQS messages carrying them, S3 events delivered by
 * EventBridge, and S3's test event.
 */
final class EventParser {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EventParser() {}

  static EventBatch parse(byte[] payload) {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "Cannot read event: not JSON (" + payload.length + " bytes)", e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("Cannot read event: expected a JSON object");
    }
    if (isTestEvent(root)) {
      return new EventBatch(EventBatch.Shape.TEST, List.of(), List.of(), true);
    }
    String source = root.path("source").asText("");
    if ("aws.s3".equals(source) && root.has("detail-type")) {
      return new EventBatch(EventBatch.Shape.EVENTBRIDGE, eventBridge(payload), List.of(), false);
    }
    JsonNode records = root.path("Records");
    if (records.isArray() && records.size() > 0) {
      String first = records.get(0).path("eventSource").asText("");
      if ("aws:sqs".equals(first)) {
        return sqs(payload);
      }
      if ("aws:s3".equals(first)) {
        return new EventBatch(
            EventBatch.Shape.S3,
            s3(
                serializer(S3Event.class)
                    .fromJson(new String(payload, java.nio.charset.StandardCharsets.UTF_8)),
                null),
            List.of(),
            false);
      }
    }
    throw new IllegalArgumentException(
        "Cannot read event: unknown shape with top-level fields " + fieldNames(root));
  }

  private static boolean isTestEvent(JsonNode n) {
    return "s3:TestEvent".equals(n.path("Event").asText(""));
  }

  private static <T> PojoSerializer<T> serializer(Class<T> type) {
    return LambdaEventSerializers.serializerFor(type, EventParser.class.getClassLoader());
  }

  private static List<ObjectEvent> s3(S3EventNotification n, String messageId) {
    List<ObjectEvent> out = new ArrayList<>();
    if (n.getRecords() == null) {
      return out;
    }
    for (S3EventNotification.S3EventNotificationRecord r : n.getRecords()) {
      S3EventNotification.S3Entity s3 = r.getS3();
      String name = r.getEventName() == null ? "" : r.getEventName();
      out.add(
          new ObjectEvent(
              s3.getBucket().getName(),
              s3.getObject().getUrlDecodedKey(),
              name.startsWith("ObjectRemoved"),
              s3.getObject().getSequencer(),
              messageId));
    }
    return out;
  }

  private static EventBatch sqs(byte[] payload) {
    SQSEvent event =
        serializer(SQSEvent.class)
            .fromJson(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
    List<ObjectEvent> events = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    boolean test = false;
    for (SQSEvent.SQSMessage m : event.getRecords()) {
      JsonNode body;
      try {
        body = JSON.readTree(m.getBody() == null ? "" : m.getBody());
      } catch (IOException e) {
        unreadable.add(m.getMessageId());
        continue;
      }
      if (body != null && isTestEvent(body)) {
        test = true;
        continue;
      }
      JsonNode records = body == null ? null : body.path("Records");
      if (records == null
          || !records.isArray()
          || records.size() == 0
          || !"aws:s3".equals(records.get(0).path("eventSource").asText(""))) {
        unreadable.add(m.getMessageId());
        continue;
      }
      events.addAll(s3(serializer(S3Event.class).fromJson(m.getBody()), m.getMessageId()));
    }
    return new EventBatch(EventBatch.Shape.SQS, events, unreadable, test && events.isEmpty());
  }

  private static List<ObjectEvent> eventBridge(byte[] payload) {
    ScheduledEvent e =
        serializer(ScheduledEvent.class)
            .fromJson(new String(payload, java.nio.charset.StandardCharsets.UTF_8));
    Map<String, Object> detail = e.getDetail();
    Object bucket = detail == null ? null : detail.get("bucket");
    Object object = detail == null ? null : detail.get("object");
    if (!(bucket instanceof Map<?, ?> b) || !(object instanceof Map<?, ?> o)) {
      throw new IllegalArgumentException(
          "Cannot read EventBridge event " + e.getId() + ": no detail.bucket or detail.object");
    }
    boolean removal = !"Object Created".equals(e.getDetailType());
    // EventBridge carries the key as stored, not URL-encoded.
    return List.of(
        new ObjectEvent(
            String.valueOf(b.get("name")),
            String.valueOf(o.get("key")),
            removal,
            o.get("sequencer") == null ? null : String.valueOf(o.get("sequencer")),
            null));
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = n.fieldNames(); it.hasNext() && names.size() < 10; ) {
      names.add(it.next());
    }
    return names;
  }
}
