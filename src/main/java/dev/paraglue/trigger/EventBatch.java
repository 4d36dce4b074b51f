package dev.paraglue.trigger;

import java.util.List;

/**
 * What one invocation received, whatever its shape: the objects named, the SQS messages whose body
 * could not be read, and whether it was S3's test event.
 */
public record EventBatch(
    Shape shape, List<ObjectEvent> events, List<String> unreadableMessages, boolean testEvent) {

  /** The event shapes the handler accepts. */
  public enum Shape {
    S3,
    SQS,
    EVENTBRIDGE,
    TEST
  }
}
