package dev.paraglue.pipeline;

import java.util.Optional;

/**
 * The per-document check of SPEC section 2: the reassembled object and the rows it was built from
 * agree with what the split produced (count, order-sensitive checksum, stored length).
 */
public final class Verification {
  private Verification() {}

  /** A reason the document fails the check, or empty when it passes. */
  public static Optional<String> mismatch(DocumentSummary split, WrittenDocument written) {
    if (written == null) {
      return split.getParagraphs() == 0
          ? Optional.empty()
          : Optional.of("no reassembled output for " + split.getParagraphs() + " paragraphs");
    }
    if (written.getError() != null) {
      return Optional.of(written.getError());
    }
    if (written.getParagraphs() != split.getParagraphs()) {
      return Optional.of(
          "split produced "
              + split.getParagraphs()
              + " paragraphs, rows hold "
              + written.getParagraphs());
    }
    if (written.getChecksum() != split.getChecksum()
        || written.getOutputBytes() != split.getOutputBytes()) {
      return Optional.of("checksum of rows and output differs from the split");
    }
    if (written.getStoredBytes() != split.getOutputBytes()) {
      return Optional.of(
          "stored object has "
              + written.getStoredBytes()
              + " bytes, expected "
              + split.getOutputBytes());
    }
    return Optional.empty();
  }
}
