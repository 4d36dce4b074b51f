package dev.paraglue.source;

import dev.paraglue.text.SourceEncoding;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One input object: its identity ({@code docId}, relative to its source root), where it is, what it
 * looked like when listed, and the source table's partition values for it. A Java bean so that
 * Spark can encode it.
 */
public final class SourceDocument implements Serializable {
  private static final long serialVersionUID = 1L;

  private String docId;
  private String uri;
  private long size;
  private long modified;
  private String outputKey;
  private List<String> partitionValues = new ArrayList<>();
  private int rangeIndex;
  private int rangeCount = 1;
  private long rangeStart;
  private long rangeEnd = -1;
  private long textStart = -1;
  private String encoding = SourceEncoding.UTF8;

  public SourceDocument() {}

  public SourceDocument(
      String docId, String uri, long size, long modified, List<String> partitionValues) {
    this.docId = docId;
    this.uri = uri;
    this.size = size;
    this.modified = modified;
    this.outputKey = outputKeyOf(docId);
    this.partitionValues = new ArrayList<>(partitionValues);
  }

  /** True when this is one byte range of a document read by several tasks. */
  public boolean ranged() {
    return rangeCount > 1;
  }

  /** True when this is one byte range of a bzip2 document: a range of its compressed bytes. */
  public boolean bzip2Range() {
    return ranged() && uri.endsWith(".bz2");
  }

  /** This range, knowing where its text starts (see {@link #getTextStart}). */
  public SourceDocument placed(long textStart) {
    SourceDocument s = slice(rangeIndex, rangeCount, rangeStart, rangeEnd);
    s.textStart = textStart;
    return s;
  }

  /**
   * The byte range {@code [start, end)} of this document, as range {@code index} of {@code count}.
   */
  public SourceDocument slice(int index, int count, long start, long end) {
    SourceDocument s = new SourceDocument(docId, uri, size, modified, partitionValues);
    s.encoding = encoding;
    s.rangeIndex = index;
    s.rangeCount = count;
    s.rangeStart = start;
    s.rangeEnd = end;
    return s;
  }

  /**
   * This document, declared to be in {@code encoding} (a {@link SourceEncoding#canonical} name).
   */
  public SourceDocument inEncoding(String encoding) {
    SourceDocument s = slice(rangeIndex, rangeCount, rangeStart, rangeEnd);
    s.textStart = textStart;
    s.encoding = encoding;
    return s;
  }

  /** True when the document is read as plain UTF-8, and so may be read in byte ranges. */
  public boolean utf8() {
    return SourceEncoding.isUtf8(encoding);
  }

  /** The key under {@code <output_path>/documents/}: the doc id without a .gz/.bz2 suffix. */
  public static String outputKeyOf(String docId) {
    for (String suffix : new String[] {".gz", ".bz2"}) {
      if (docId.endsWith(suffix) && docId.length() > suffix.length()) {
        return docId.substring(0, docId.length() - suffix.length());
      }
    }
    return docId;
  }

  public String getDocId() {
    return docId;
  }

  public void setDocId(String docId) {
    this.docId = docId;
  }

  public String getUri() {
    return uri;
  }

  public void setUri(String uri) {
    this.uri = uri;
  }

  public long getSize() {
    return size;
  }

  public void setSize(long size) {
    this.size = size;
  }

  public long getModified() {
    return modified;
  }

  public void setModified(long modified) {
    this.modified = modified;
  }

  public String getOutputKey() {
    return outputKey;
  }

  public void setOutputKey(String outputKey) {
    this.outputKey = outputKey;
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

  public int getRangeCount() {
    return rangeCount;
  }

  public void setRangeCount(int rangeCount) {
    this.rangeCount = rangeCount;
  }

  public long getRangeStart() {
    return rangeStart;
  }

  public void setRangeStart(long rangeStart) {
    this.rangeStart = rangeStart;
  }

  public long getRangeEnd() {
    return rangeEnd;
  }

  public void setRangeEnd(long rangeEnd) {
    this.rangeEnd = rangeEnd;
  }

  /**
   * For a range of a bzip2 document: the decompressed offset where the text of its blocks starts,
   * known once the ranges before it have been measured (pass 1); -1 before.
   */
  public long getTextStart() {
    return textStart;
  }

  public void setTextStart(long textStart) {
    this.textStart = textStart;
  }

  /**
   * The charset the document is declared in, as {@link SourceEncoding#canonical} spells it: from
   * {@code --source_encoding}, else its source table (or partition), else UTF-8.
   */
  public String getEncoding() {
    return encoding;
  }

  public void setEncoding(String encoding) {
    this.encoding = encoding;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceDocument d
        && docId.equals(d.docId)
        && uri.equals(d.uri)
        && size == d.size
        && modified == d.modified
        && Objects.equals(partitionValues, d.partitionValues)
        && rangeIndex == d.rangeIndex
        && rangeCount == d.rangeCount;
  }

  @Override
  public int hashCode() {
    return Objects.hash(docId, uri, size, modified, rangeIndex);
  }

  @Override
  public String toString() {
    return docId + " (" + uri + ", " + size + " bytes)";
  }
}
