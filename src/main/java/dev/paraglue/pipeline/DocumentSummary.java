package dev.paraglue.pipeline;

import dev.paraglue.text.DocumentOutcome;
import dev.paraglue.text.Rejection;
import java.io.Serializable;

/**
 * What the split found in one document: its status and digest, or the rejection. Carried by the
 * trailer record that ends each document's records; a Java bean for Spark's encoder.
 */
public final class DocumentSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String OK = "ok";
  public static final String REJECTED = "rejected";

  private String status;
  private String reason;
  private Long reasonOffset;
  private String reasonDetail;
  private int paragraphs;
  private long outputBytes;
  private long checksum;
  private long bytesRead;

  public DocumentSummary() {}

  public static DocumentSummary of(DocumentOutcome outcome) {
    DocumentSummary s = new DocumentSummary();
    s.bytesRead = outcome.bytesRead();
    if (outcome.isRejected()) {
      s.reject(outcome.rejection());
    } else {
      s.status = OK;
      s.paragraphs = outcome.digest().paragraphs();
      s.outputBytes = outcome.digest().outputBytes();
      s.checksum = outcome.digest().checksum();
    }
    return s;
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

  public boolean ok() {
    return OK.equals(status);
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
}
