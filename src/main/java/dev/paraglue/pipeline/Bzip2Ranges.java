package dev.paraglue.pipeline;

import dev.paraglue.text.RejectReason;
import java.util.List;

/**
 * Pass 1 measures each range of a bzip2 document without knowing where its text starts (that
 * depends on every block before it); this puts the ranges' text one after the other.
 */
final class Bzip2Ranges {
  private Bzip2Ranges() {}

  /**
   * Sets each range's text start from the text owned by the ranges before it, and moves the offsets
   * pass 1 reported from {@link ReadUnits#UNPLACED_TEXT_START} to it. Returns false when the ranges
   * cannot be trusted to tile the document, and it is to be read whole instead: a range could not
   * be decoded, neighbours disagree on where a block starts (a false block marker at a range
   * start), or a later range's text would start where a byte order mark could still be.
   */
  static boolean place(List<DocumentSummary> ranges) {
    long textStart = 0;
    for (int k = 0; k < ranges.size(); k++) {
      DocumentSummary r = ranges.get(k);
      if (!r.ok() && RejectReason.UNREADABLE.code().equals(r.getReason())) {
        return false;
      }
      if (k > 0 && r.getFirstBlock() != ranges.get(k - 1).getNextBlock()) {
        return false;
      }
      if (k > 0) {
        if (r.getOwnedBytes() != 0 && textStart < ReadUnits.UNPLACED_TEXT_START) {
          return false;
        }
        long shift = textStart - ReadUnits.UNPLACED_TEXT_START;
        if (r.getReasonOffset() != null) {
          r.setReasonOffset(r.getReasonOffset() + shift);
        }
        r.setBytesRead(r.getBytesRead() + shift);
      }
      r.setTextStart(textStart);
      if (!r.ok()) {
        return true; // the document is rejected here: the ranges after it do not count
      }
      if (r.getOwnedBytes() < 0) {
        return false;
      }
      textStart += r.getOwnedBytes();
    }
    return true;
  }
}
