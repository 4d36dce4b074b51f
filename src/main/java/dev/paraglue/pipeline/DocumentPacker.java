package dev.paraglue.pipeline;

import dev.paraglue.source.SourceDocument;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Packs read units into few, even tasks: each unit weighs its size plus an open cost; the number of
 * tasks is the smallest multiple of the parallelism that keeps every task under {@code
 * maxBinBytes}; units go, largest first, to the least-loaded task. Few big tasks matter here
 * because every task also writes one Parquet data file.
 */
public final class DocumentPacker {
  public static final long MAX_BIN_BYTES_DEFAULT = 512L * 1024 * 1024;
  public static final long OPEN_COST_BYTES_DEFAULT = 64L * 1024;

  private DocumentPacker() {}

  public static List<List<SourceDocument>> pack(
      List<SourceDocument> docs, int parallelism, long maxBinBytes, long openCostBytes) {
    if (docs.isEmpty()) {
      return List.of();
    }
    int cores = Math.max(1, parallelism);
    long total = 0;
    for (SourceDocument d : docs) {
      total += weight(d, openCostBytes);
    }
    long rounds =
        Math.max(1, (total + (long) cores * maxBinBytes - 1) / ((long) cores * maxBinBytes));
    int binCount = (int) Math.min(docs.size(), Math.min(Integer.MAX_VALUE, rounds * cores));
    List<SourceDocument> sorted = new ArrayList<>(docs);
    sorted.sort(
        Comparator.comparingLong((SourceDocument d) -> weight(d, openCostBytes)).reversed());
    List<List<SourceDocument>> bins = new ArrayList<>(binCount);
    PriorityQueue<Bin> lightestFirst =
        new PriorityQueue<>(Comparator.comparingLong(Bin::load).thenComparingInt(Bin::index));
    for (int i = 0; i < binCount; i++) {
      bins.add(new ArrayList<>());
      lightestFirst.add(new Bin(i, 0));
    }
    for (SourceDocument d : sorted) {
      Bin lightest = lightestFirst.poll();
      bins.get(lightest.index()).add(d);
      lightestFirst.add(new Bin(lightest.index(), lightest.load() + weight(d, openCostBytes)));
    }
    return bins;
  }

  /** A bin by its index in the result and the bytes packed into it so far. */
  private record Bin(int index, long load) {}

  private static long weight(SourceDocument d, long openCostBytes) {
    long size = d.ranged() ? d.getRangeEnd() - d.getRangeStart() : d.getSize();
    return size + openCostBytes;
  }
}
