package dev.paraglue.source;

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

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceDocument d
        && docId.equals(d.docId)
        && uri.equals(d.uri)
        && size == d.size
        && modified == d.modified
        && Objects.equals(partitionValues, d.partitionValues);
  }

  @Override
  public int hashCode() {
    return Objects.hash(docId, uri, size, modified);
  }

  @Override
  public String toString() {
    return docId + " (" + uri + ", " + size + " bytes)";
  }
}
