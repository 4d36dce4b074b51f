package dev.paraglue.trigger;

/**
 * One object named by an event: bucket and (decoded) key, whether it was created or removed, its S3
 * sequencer (orders events for one key), and the SQS message it came in, if any.
 */
public record ObjectEvent(
    String bucket, String key, boolean removal, String sequencer, String messageId) {

  public String uri() {
    return "s3://" + bucket + "/" + key;
  }

  /** True when this event is newer than {@code other} for the same key (S3's sequencer order). */
  boolean newerThan(ObjectEvent other) {
    return compareSequencers(sequencer, other.sequencer) > 0;
  }

  /** Sequencers are hex strings of varying length: compare them right-aligned. */
  static int compareSequencers(String a, String b) {
    String x = a == null ? "" : a.toUpperCase(java.util.Locale.ROOT);
    String y = b == null ? "" : b.toUpperCase(java.util.Locale.ROOT);
    int width = Math.max(x.length(), y.length());
    return "0"
        .repeat(width - x.length())
        .concat(x)
        .compareTo("0".repeat(width - y.length()).concat(y));
  }
}
