package dev.paraglue.pipeline;

/**
 * A document's rows or reassembled output disagree with what the split produced (docs/contract.md
 * §2). Thrown in the task, it fails the table commit, so nothing is committed for the document.
 */
public final class VerificationException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public static final String PREFIX = "Cannot verify document ";

  public VerificationException(String docId, String reason) {
    super(PREFIX + docId + ": " + reason);
  }
}
