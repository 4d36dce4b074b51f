package dev.paraglue.text;

import java.util.Optional;

/**
 * How a document ended: split whole (with the digest of its paragraphs), or rejected. {@code
 * bytesRead} is the number of decompressed bytes consumed.
 */
public record DocumentOutcome(DocumentDigest digest, Rejection rejection, long bytesRead) {

  public static DocumentOutcome ok(DocumentDigest digest, long bytesRead) {
    return new DocumentOutcome(digest, null, bytesRead);
  }

  public static DocumentOutcome rejected(Rejection rejection, long bytesRead) {
    return new DocumentOutcome(null, rejection, bytesRead);
  }

  public boolean isRejected() {
    return rejection != null;
  }

  public Optional<Rejection> rejectionIfAny() {
    return Optional.ofNullable(rejection);
  }
}
