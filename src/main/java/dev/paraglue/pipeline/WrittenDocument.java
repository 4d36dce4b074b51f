package dev.paraglue.pipeline;

import java.io.Serializable;

/** What the reassemble stage wrote for one document: digest, stored length, or an error. */
public final class WrittenDocument implements Serializable {
  private static final long serialVersionUID = 1L;

  private String docId;
  private int paragraphs;
  private long outputBytes;
  private long checksum;
  private long storedBytes;
  private String error;

  public WrittenDocument() {}

  public WrittenDocument(
      String docId,
      int paragraphs,
      long outputBytes,
      long checksum,
      long storedBytes,
      String error) {
    this.docId = docId;
    this.paragraphs = paragraphs;
    this.outputBytes = outputBytes;
    this.checksum = checksum;
    this.storedBytes = storedBytes;
    this.error = error;
  }

  public String getDocId() {
    return docId;
  }

  public void setDocId(String docId) {
    this.docId = docId;
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

  public long getStoredBytes() {
    return storedBytes;
  }

  public void setStoredBytes(long storedBytes) {
    this.storedBytes = storedBytes;
  }

  public String getError() {
    return error;
  }

  public void setError(String error) {
    this.error = error;
  }
}
