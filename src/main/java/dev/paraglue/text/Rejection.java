package dev.paraglue.text;

/**
 * A document rejected as a whole: the reason, the byte offset in the decompressed input where it
 * was found, and a short detail that never contains document text.
 */
public record Rejection(RejectReason reason, long offset, String detail) {
  @Override
  public String toString() {
    return reason.code() + " at byte " + offset + (detail.isEmpty() ? "" : ": " + detail);
  }
}
