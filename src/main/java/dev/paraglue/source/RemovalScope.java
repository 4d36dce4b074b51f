package dev.paraglue.source;

import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Where a run with {@code --remove_missing} looks for documents whose source is gone: a document
 * the ledger holds lies under one of {@link #prefixes} (the table's location, a listed prefix, a
 * named path that no longer exists) or is one of {@link #objects} (manifest entries that no longer
 * exist), and was not listed. {@link #within} keeps those inside the run's partition filter, and
 * {@link #document} names one by its ledger doc id and source URI.
 */
public record RemovalScope(
    List<String> prefixes,
    List<String> objects,
    Function<String[], SourceDocument> document,
    UnaryOperator<List<SourceDocument>> within) {

  public RemovalScope {
    prefixes = List.copyOf(prefixes);
    objects = List.copyOf(objects);
  }

  /** No removal: the run was not asked to remove anything. */
  public static RemovalScope none() {
    return new RemovalScope(List.of(), List.of(), a -> null, UnaryOperator.identity());
  }

  public boolean isEmpty() {
    return prefixes.isEmpty() && objects.isEmpty();
  }

  /** The candidate as a document: doc id and source URI, no size, its partition values. */
  public SourceDocument document(String docId, String sourceUri) {
    return document.apply(new String[] {docId, sourceUri});
  }
}
