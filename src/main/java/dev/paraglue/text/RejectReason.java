package dev.paraglue.text;

/** Why a document was rejected as a whole (docs/contract.md §1). */
public enum RejectReason {
  INVALID_UTF8("invalid-utf8"),
  /** Not valid in the document's declared charset (docs/contract.md §1, "Other encodings"). */
  INVALID_ENCODING("invalid-encoding"),
  BINARY_CONTENT("binary-content"),
  PARAGRAPH_TOO_LARGE("paragraph-too-large"),
  UNREADABLE("unreadable"),
  /** Two sources map to one output key (docs/contract.md §2): an error for both. */
  OUTPUT_CONFLICT("output-conflict");

  private final String code;

  RejectReason(String code) {
    this.code = code;
  }

  /** The reason with this code; {@code IllegalArgumentException} for an unknown code. */
  public static RejectReason fromCode(String code) {
    for (RejectReason r : values()) {
      if (r.code.equals(code)) {
        return r;
      }
    }
    throw new IllegalArgumentException("Cannot read reject reason '" + code + "': unknown");
  }

  /** The reason as written to the documents table and the run report. */
  public String code() {
    return code;
  }
}
