package dev.paraglue.pipeline;

import dev.paraglue.text.Paragraph;
import java.io.Serializable;
import java.util.List;

/**
 * One record of the explode stage: a paragraph of a document, or (with {@code paragraphIndex == -1}
 * and a {@link DocumentSummary}) the trailer that ends a document's records. A Java bean for
 * Spark's encoder.
 */
public final class ParagraphRecord implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final int TRAILER = -1;

  private String docId;
  private int paragraphIndex;
  private String text;
  private long lineNumber;
  private long byteOffset;
  private int byteLength;
  private int charCount;
  private List<String> partitionValues;
  private DocumentSummary summary;
  private int rangeIndex;

  public ParagraphRecord() {}

  /**
   * A paragraph as its reader saw it; for one byte range of a document, index and line number are
   * relative to the range until the pipeline makes them global.
   */
  public static ParagraphRecord paragraph(
      String docId, Paragraph p, List<String> partitionValues, int rangeIndex) {
    ParagraphRecord r = new ParagraphRecord();
    r.rangeIndex = rangeIndex;
    r.docId = docId;
    r.paragraphIndex = p.index();
    r.text = p.text();
    r.lineNumber = p.lineNumber();
    r.byteOffset = p.byteOffset();
    r.byteLength = p.byteLength();
    r.charCount = p.charCount();
    r.partitionValues = partitionValues;
    return r;
  }

  public static ParagraphRecord trailer(
      String docId, DocumentSummary summary, List<String> partitionValues) {
    ParagraphRecord r = new ParagraphRecord();
    r.rangeIndex = summary.getRangeIndex();
    r.docId = docId;
    r.paragraphIndex = TRAILER;
    r.summary = summary;
    r.partitionValues = partitionValues;
    return r;
  }

  public String getDocId() {
    return docId;
  }

  public void setDocId(String docId) {
    this.docId = docId;
  }

  public int getParagraphIndex() {
    return paragraphIndex;
  }

  public void setParagraphIndex(int paragraphIndex) {
    this.paragraphIndex = paragraphIndex;
  }

  public String getText() {
    return text;
  }

  public void setText(String text) {
    this.text = text;
  }

  public long getLineNumber() {
    return lineNumber;
  }

  public void setLineNumber(long lineNumber) {
    this.lineNumber = lineNumber;
  }

  public long getByteOffset() {
    return byteOffset;
  }

  public void setByteOffset(long byteOffset) {
    this.byteOffset = byteOffset;
  }

  public int getByteLength() {
    return byteLength;
  }

  public void setByteLength(int byteLength) {
    this.byteLength = byteLength;
  }

  public int getCharCount() {
    return charCount;
  }

  public void setCharCount(int charCount) {
    this.charCount = charCount;
  }

  public List<String> getPartitionValues() {
    return partitionValues;
  }

  public void setPartitionValues(List<String> partitionValues) {
    this.partitionValues = partitionValues;
  }

  public int getRangeIndex() {
    return rangeIndex;
  }

  public void setRangeIndex(int rangeIndex) {
    this.rangeIndex = rangeIndex;
  }

  public DocumentSummary getSummary() {
    return summary;
  }

  public void setSummary(DocumentSummary summary) {
    this.summary = summary;
  }
}
