package dev.paraglue.text;

/**
 * A document rejected as a whole: the reason, the byte offset in the decompressed input where it
 * was found, and a short detail that never contains document text.
 */
public record Rejection(RejectReason reason, long offset, String detail) {
  /** The longest detail kept: enough to name the failure, short enough for a table cell. */
  public static final int MAX_DETAIL_CHARS = 200;

  /** The detail of a document that could not be read: the exception's type and message, cut. */
  public static String detailOf(Exception e) {
    String message = e.getMessage();
    String detail = e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    return Cut.atMost(detail, MAX_DETAIL_CHARS);
  }

  @Override
  public String toString() {
    return reason.code() + " at byte " + offset + (detail.isEmpty() ? "" : ": " + detail);
  }
}
