package dev.paraglue.pipeline;

import dev.paraglue.source.SourceDocument;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Packs many documents into few read tasks, the way Spark packs file splits: each file weighs its
 * size plus an open cost, and bins fill up to {@code min(maxBytes, max(openCost, total /
 * parallelism))}, largest files first.
 */
public final class DocumentPacker {
  public static final long MAX_BIN_BYTES_DEFAULT = 128L * 1024 * 1024;
  public static final long OPEN_COST_BYTES_DEFAULT = 4L * 1024 * 1024;

  private DocumentPacker() {}

  public static List<List<SourceDocument>> pack(
      List<SourceDocument> docs, int parallelism, long maxBinBytes, long openCostBytes) {
    long total = 0;
    for (SourceDocument d : docs) {
      total += d.getSize() + openCostBytes;
    }
    long target = Math.min(maxBinBytes, Math.max(openCostBytes, total / Math.max(1, parallelism)));
    List<SourceDocument> sorted = new ArrayList<>(docs);
    sorted.sort(Comparator.comparingLong(SourceDocument::getSize).reversed());
    List<List<SourceDocument>> bins = new ArrayList<>();
    List<SourceDocument> current = new ArrayList<>();
    long currentBytes = 0;
    for (SourceDocument d : sorted) {
      long weight = d.getSize() + openCostBytes;
      if (!current.isEmpty() && currentBytes + weight > target) {
        bins.add(current);
        current = new ArrayList<>();
        currentBytes = 0;
      }
      current.add(d);
      currentBytes += weight;
    }
    if (!current.isEmpty()) {
      bins.add(current);
    }
    return bins;
  }
}
