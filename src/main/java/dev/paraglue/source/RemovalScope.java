package dev.paraglue.source;

import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * Where a run with {@code --remove_missing} looks for documents whose source is gone: a document
 * the ledger holds lies under one of {@link #prefixes} (the locations of the table's listed
 * partitions, a listed prefix, a named path that no longer exists) or is one of {@link #objects}
 * (manifest entries that no longer exist), and was not listed. {@link #candidate} turns a ledger
 * row (doc id, source URI) into a document, or nothing when no listing could have given it (a
 * hidden name, the job's own output); {@link #within} keeps those inside the partition filter.
 */
public record RemovalScope(
    List<String> prefixes,
    List<String> objects,
    BiFunction<String, String, Optional<SourceDocument>> candidate,
    UnaryOperator<List<SourceDocument>> within) {

  public RemovalScope {
    prefixes = List.copyOf(prefixes);
    objects = List.copyOf(objects);
  }

  /** No removal: the run was not asked to remove anything. */
  public static RemovalScope none() {
    return new RemovalScope(
        List.of(), List.of(), (id, uri) -> Optional.empty(), UnaryOperator.identity());
  }

  public boolean isEmpty() {
    return prefixes.isEmpty() && objects.isEmpty();
  }
}
