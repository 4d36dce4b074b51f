package dev.paraglue.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;

/**
 * A few {@code doc_id} ranges that take in every row of some documents, so that a scan for them
 * reads only the data files whose {@code doc_id} bounds (Iceberg's column metrics) overlap the
 * ranges instead of the whole table. Each data file whose bounds take in some of the documents
 * gives the range from the least to the greatest of those; overlapping ranges are merged, and more
 * than {@link #MAX_RANGES} are joined in order, so the predicate stays small whatever the number of
 * documents. A run whose documents are new (names after the table's) reads nothing.
 *
 * <p>Why it holds every row: a row of document {@code d} lies in some data file, whose bounds take
 * in {@code d}, so {@code d} lies in that file's range. A file without bounds makes the whole table
 * the place to look ({@link Optional#empty()}).
 *
 * @param ranges sorted, disjoint {@code [low, high]} pairs of doc ids; none when no data file can
 *     hold one of the documents
 */
record DocIdRanges(List<Range> ranges) {
  static final int MAX_RANGES = 32;
  private static final String COLUMN = "doc_id";
  private static final Comparator<CharSequence> ORDER = Comparators.charSequences();

  /** Doc ids from {@code low} to {@code high}, both included. */
  record Range(String low, String high) {}

  /** A data file's lower and upper {@code doc_id} bounds; null where the file has none. */
  record Bounds(CharSequence lower, CharSequence upper) {}

  /** The ranges of {@code docIds} in the data files of {@code snapshotId}. */
  static Optional<DocIdRanges> of(Table t, long snapshotId, Collection<String> docIds) {
    int field = t.schema().findField(COLUMN).fieldId();
    List<Bounds> files = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        t.newScan().useSnapshot(snapshotId).includeColumnStats().planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile f = task.file();
        files.add(
            new Bounds(
                bound(f.lowerBounds() == null ? null : f.lowerBounds().get(field)),
                bound(f.upperBounds() == null ? null : f.upperBounds().get(field))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan " + t.name() + ": " + e.getMessage(), e);
    }
    return of(docIds, files);
  }

  private static CharSequence bound(ByteBuffer b) {
    return b == null ? null : Conversions.fromByteBuffer(Types.StringType.get(), b);
  }

  /** The ranges of {@code docIds} in data files of these bounds; empty when one has none. */
  static Optional<DocIdRanges> of(Collection<String> docIds, List<Bounds> files) {
    String[] ids = docIds.stream().distinct().sorted(ORDER).toArray(String[]::new);
    List<Range> hits = new ArrayList<>();
    for (Bounds b : files) {
      if (b.lower() == null || b.upper() == null) {
        return Optional.empty();
      }
      int from = firstAtLeast(ids, b.lower());
      int to = firstAtLeast(ids, b.upper());
      if (to < ids.length && ORDER.compare(ids[to], b.upper()) == 0) {
        to++; // the upper bound is inclusive
      }
      if (from < to) {
        hits.add(new Range(ids[from], ids[to - 1]));
      }
    }
    return Optional.of(new DocIdRanges(bounded(merged(hits))));
  }

  private static int firstAtLeast(String[] ids, CharSequence value) {
    int lo = 0;
    int hi = ids.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ORDER.compare(ids[mid], value) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static List<Range> merged(List<Range> hits) {
    hits.sort(Comparator.comparing(Range::low, ORDER));
    List<Range> out = new ArrayList<>();
    for (Range r : hits) {
      Range last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && ORDER.compare(r.low(), last.high()) <= 0) {
        String high = ORDER.compare(r.high(), last.high()) > 0 ? r.high() : last.high();
        out.set(out.size() - 1, new Range(last.low(), high));
      } else {
        out.add(r);
      }
    }
    return out;
  }

  /** At most {@link #MAX_RANGES}: consecutive ranges joined into groups of about equal count. */
  private static List<Range> bounded(List<Range> ranges) {
    if (ranges.size() <= MAX_RANGES) {
      return ranges;
    }
    List<Range> out = new ArrayList<>();
    for (int g = 0; g < MAX_RANGES; g++) {
      int from = (int) ((long) g * ranges.size() / MAX_RANGES);
      int to = (int) ((long) (g + 1) * ranges.size() / MAX_RANGES);
      out.add(new Range(ranges.get(from).low(), ranges.get(to - 1).high()));
    }
    return out;
  }

  /** True when no data file can hold one of the documents. */
  boolean none() {
    return ranges.isEmpty();
  }

  /** The ranges as a Spark SQL predicate on {@code doc_id}: a few literals, never the ids. */
  String sql() {
    return ranges.stream()
        .map(r -> "(doc_id >= " + literal(r.low()) + " AND doc_id <= " + literal(r.high()) + ")")
        .collect(Collectors.joining(" OR ", "(", ")"));
  }

  /** The ranges as an Iceberg filter, to count the data files a scan plans. */
  Expression expression() {
    Expression e = Expressions.alwaysFalse();
    for (Range r : ranges) {
      e =
          Expressions.or(
              e,
              Expressions.and(
                  Expressions.greaterThanOrEqual(COLUMN, r.low()),
                  Expressions.lessThanOrEqual(COLUMN, r.high())));
    }
    return e;
  }

  /** How many data files of the snapshot a scan within the ranges plans. */
  long files(Table t, long snapshotId) {
    long n = 0;
    try (CloseableIterable<FileScanTask> tasks =
        t.newScan().useSnapshot(snapshotId).filter(expression()).planFiles()) {
      for (FileScanTask ignored : tasks) {
        n++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan " + t.name() + ": " + e.getMessage(), e);
    }
    return n;
  }

  /** A Spark SQL string literal: backslash and quote escaped, as Spark's parser reads them. */
  static String literal(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  @Override
  public String toString() {
    return Arrays.toString(ranges.toArray());
  }
}
