package dev.paraglue.text;

import java.util.ArrayList;
import java.util.List;

/**
 * What one byte range of a document found: its outcome (digest of the paragraphs it owns, or a
 * rejection) and the line feeds it consumed. Ranges in order combine into the document's outcome
 * and the offsets that make range-local indexes and line numbers global (see {@link
 * ParagraphReader}).
 */
public record RangeOutcome(DocumentOutcome outcome, long lineFeeds) {

  /**
   * The whole document's outcome: the first rejecting range's rejection, else the digests joined.
   */
  public static DocumentOutcome combine(List<RangeOutcome> ranges) {
    DocumentDigest digest = DocumentDigest.EMPTY;
    long bytesRead = 0;
    for (RangeOutcome r : ranges) {
      bytesRead = Math.max(bytesRead, r.outcome().bytesRead());
      if (r.outcome().isRejected()) {
        // Ranges cover the document in order, so the first one to reject found the first problem.
        return DocumentOutcome.rejected(r.outcome().rejection(), bytesRead);
      }
      digest = digest.concat(r.outcome().digest());
    }
    return DocumentOutcome.ok(digest, bytesRead);
  }

  /** For each range, the number of paragraphs owned by the ranges before it. */
  public static List<Integer> indexBases(List<RangeOutcome> ranges) {
    List<Integer> out = new ArrayList<>();
    int base = 0;
    for (RangeOutcome r : ranges) {
      out.add(base);
      base += r.outcome().isRejected() ? 0 : r.outcome().digest().paragraphs();
    }
    return out;
  }

  /** For each range, the number of line feeds before its owned span (its line number offset). */
  public static List<Long> lineBases(List<RangeOutcome> ranges) {
    List<Long> out = new ArrayList<>();
    long base = 0;
    for (RangeOutcome r : ranges) {
      out.add(base);
      base += r.lineFeeds();
    }
    return out;
  }
}
