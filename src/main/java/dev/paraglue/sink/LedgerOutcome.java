package dev.paraglue.sink;

/**
 * How one document ended, in the documents table's terms (docs/contract.md §2, Outputs): the {@code
 * status} column's value and the columns that go with it. The job translates what the split found
 * into this, so the ledger needs nothing from the pipeline.
 */
public record LedgerOutcome(
    String status,
    String reason,
    Long reasonOffset,
    String reasonDetail,
    int paragraphs,
    long outputBytes,
    long checksum) {

  /** Processed: its rows are in the paragraph table and its document is published. */
  public static final String OK = "ok";

  /** Rejected: no rows, no document, a rejection record. */
  public static final String REJECTED = "rejected";

  /** Its source is gone: rows, document and rejection record were removed (--remove_missing). */
  public static final String REMOVED = "removed";

  public static LedgerOutcome ok(int paragraphs, long outputBytes, long checksum) {
    return new LedgerOutcome(OK, null, null, null, paragraphs, outputBytes, checksum);
  }

  public static LedgerOutcome rejected(String reason, Long reasonOffset, String reasonDetail) {
    return new LedgerOutcome(REJECTED, reason, reasonOffset, reasonDetail, 0, 0, 0);
  }

  public static LedgerOutcome removed() {
    return new LedgerOutcome(REMOVED, null, null, null, 0, 0, 0);
  }

  boolean isOk() {
    return OK.equals(status);
  }
}
