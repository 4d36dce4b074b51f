package dev.paraglue.source;

import dev.paraglue.text.RejectReason;
import dev.paraglue.text.Rejection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Documents listed twice, and documents whose outputs would collide. */
final class OutputConflicts {
  private OutputConflicts() {}

  /** The documents, each source once, in first-listed order. */
  static List<SourceDocument> dedupe(List<SourceDocument> docs) {
    Map<String, SourceDocument> byUri = new LinkedHashMap<>();
    for (SourceDocument d : docs) {
      byUri.putIfAbsent(d.getUri(), d);
    }
    return new ArrayList<>(byUri.values());
  }

  /**
   * Two sources with one output key are an error for both (docs/contract.md §2), not an overwrite:
   * they leave {@code docs} for {@code refused}.
   */
  static void refuse(List<SourceDocument> docs, Map<SourceDocument, Rejection> refused) {
    Map<String, List<SourceDocument>> byKey = new HashMap<>();
    for (SourceDocument d : docs) {
      byKey.computeIfAbsent(d.getOutputKey(), k -> new ArrayList<>()).add(d);
    }
    for (List<SourceDocument> group : byKey.values()) {
      if (group.size() > 1) {
        for (SourceDocument d : group) {
          List<String> others =
              group.stream().filter(o -> o != d).map(SourceDocument::getUri).toList();
          refused.put(
              d,
              new Rejection(
                  RejectReason.OUTPUT_CONFLICT,
                  0,
                  "output key " + d.getOutputKey() + " also written by " + others));
        }
        docs.removeAll(group);
      }
    }
  }
}
