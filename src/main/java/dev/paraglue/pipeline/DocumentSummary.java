package dev.paraglue.pipeline;

import dev.paraglue.text.DocumentDigest;
import dev.paraglue.text.DocumentOutcome;
import dev.paraglue.text.RangeOutcome;
import dev.paraglue.text.RejectReason;
import dev.paraglue.text.Rejection;
import java.io.Serializable;

/**
 * What the split found in one document (or one byte range of it): its status and digest, or the
 * rejection. Tasks hand it back to the driver (the validation stage's rows, the write's
 * accumulator); a Java bean for Spark's encoder.
 */
public final class DocumentSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String OK = "ok";
  public static final String REJECTED = "rejected";

  private String docId;
  private long indexBase;
  private long lineBase;
  private String status;
  private String reason;
  private Long reasonOffset;
  private String reasonDetail;
  private int paragraphs;
  private long outputBytes;
  private long checksum;
  private long bytesRead;
  private long textBytes;
  private long lineFeeds;
  private int rangeIndex;
  private int rangeCount = 1;
  private long ownedBytes = -1;
  private long firstBlock = -1;
  private long nextBlock = -1;
  private long textStart = -1;

  public DocumentSummary() {}

  public static DocumentSummary of(DocumentOutcome outcome) {
    DocumentSummary s = new DocumentSummary();
    s.bytesRead = outcome.bytesRead();
    if (outcome.isRejected()) {
      s.reject(outcome.rejection());
    } else {
      s.status = OK;
      s.paragraphs = outcome.digest().paragraphs();
      s.textBytes = outcome.digest().textBytes();
      s.outputBytes = outcome.digest().outputBytes();
      s.checksum = outcome.digest().checksum();
    }
    return s;
  }

  /** The summary of one byte range of a document. */
  public static DocumentSummary ofRange(RangeOutcome range, int index, int count) {
    DocumentSummary s = of(range.outcome());
    s.lineFeeds = range.lineFeeds();
    s.rangeIndex = index;
    s.rangeCount = count;
    return s;
  }

  /** Back to the splitter's terms, for combining ranges. */
  public RangeOutcome toRangeOutcome() {
    DocumentOutcome outcome =
        ok()
            ? DocumentOutcome.ok(new DocumentDigest(paragraphs, textBytes, checksum), bytesRead)
            : DocumentOutcome.rejected(
                new Rejection(RejectReason.fromCode(reason), reasonOffset, reasonDetail),
                bytesRead);
    return new RangeOutcome(outcome, lineFeeds);
  }

  public static DocumentSummary rejected(Rejection rejection) {
    DocumentSummary s = new DocumentSummary();
    s.reject(rejection);
    return s;
  }

  private void reject(Rejection r) {
    status = REJECTED;
    reason = r.reason().code();
    reasonOffset = r.offset();
    reasonDetail = r.detail();
    paragraphs = 0;
  }

  /** True when two summaries of one unit say the same about it (status, digest, rejection). */
  public boolean sameFindings(DocumentSummary o) {
    return java.util.Objects.equals(status, o.status)
        && java.util.Objects.equals(reason, o.reason)
        && java.util.Objects.equals(reasonOffset, o.reasonOffset)
        && paragraphs == o.paragraphs
        && textBytes == o.textBytes
        && checksum == o.checksum
        && bytesRead == o.bytesRead;
  }

  public boolean ok() {
    return OK.equals(status);
  }

  public String getDocId() {
    return docId;
  }

  public void setDocId(String docId) {
    this.docId = docId;
  }

  /** For a byte range: paragraphs owned by the ranges before it (set once all are validated). */
  public long getIndexBase() {
    return indexBase;
  }

  public void setIndexBase(long indexBase) {
    this.indexBase = indexBase;
  }

  /** For a byte range: line feeds before its owned span (set once all are validated). */
  public long getLineBase() {
    return lineBase;
  }

  public void setLineBase(long lineBase) {
    this.lineBase = lineBase;
  }

  /** The digest this summary promises. */
  public DocumentDigest digest() {
    return new DocumentDigest(paragraphs, textBytes, checksum);
  }

  public long getTextBytes() {
    return textBytes;
  }

  public void setTextBytes(long textBytes) {
    this.textBytes = textBytes;
  }

  public long getLineFeeds() {
    return lineFeeds;
  }

  public void setLineFeeds(long lineFeeds) {
    this.lineFeeds = lineFeeds;
  }

  public int getRangeIndex() {
    return rangeIndex;
  }

  public void setRangeIndex(int rangeIndex) {
    this.rangeIndex = rangeIndex;
  }

  public int getRangeCount() {
    return rangeCount;
  }

  public void setRangeCount(int rangeCount) {
    this.rangeCount = rangeCount;
  }

  public String getStatus() {
    return status;
  }

  public void setStatus(String status) {
    this.status = status;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public Long getReasonOffset() {
    return reasonOffset;
  }

  public void setReasonOffset(Long reasonOffset) {
    this.reasonOffset = reasonOffset;
  }

  public String getReasonDetail() {
    return reasonDetail;
  }

  public void setReasonDetail(String reasonDetail) {
    this.reasonDetail = reasonDetail;
  }

  public int getParagraphs() {
    return paragraphs;
  }

  public void setParagraphs(int paragraphs) {
    this.paragraphs = paragraphs;
  }

  public long getOutputBytes() {
    return outputBytes;
  }

  public void setOutputBytes(long outputBytes) {
    this.outputBytes = outputBytes;
  }

  public long getChecksum() {
    return checksum;
  }

  public void setChecksum(long checksum) {
    this.checksum = checksum;
  }

  public long getBytesRead() {
    return bytesRead;
  }

  public void setBytesRead(long bytesRead) {
    this.bytesRead = bytesRead;
  }

  /** For a range of a bzip2 document: decompressed bytes of the blocks it owns (-1: unknown). */
  public long getOwnedBytes() {
    return ownedBytes;
  }

  public void setOwnedBytes(long ownedBytes) {
    this.ownedBytes = ownedBytes;
  }

  /** For a range of a bzip2 document: where the first block at or after its start begins. */
  public long getFirstBlock() {
    return firstBlock;
  }

  public void setFirstBlock(long firstBlock) {
    this.firstBlock = firstBlock;
  }

  /** For a range of a bzip2 document: where the first block at or after its end begins. */
  public long getNextBlock() {
    return nextBlock;
  }

  public void setNextBlock(long nextBlock) {
    this.nextBlock = nextBlock;
  }

  /**
   * For a range of a bzip2 document: the decompressed offset of its text (set once the ranges
   * before it are measured).
   */
  public long getTextStart() {
    return textStart;
  }

  public void setTextStart(long textStart) {
    this.textStart = textStart;
  }
}
