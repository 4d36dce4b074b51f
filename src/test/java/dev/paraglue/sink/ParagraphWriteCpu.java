package dev.paraglue.sink;

import com.sun.management.OperatingSystemMXBean;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphReader;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;

/**
 * The paragraph table's writer alone ({@link ParagraphFiles}), timed by CPU: the paragraphs of the
 * first DOCS documents of a corpus are split into memory once, then written ROUNDS times through
 * the same code the tasks run into one local data file per round. Prints the writing thread's and
 * the whole process's CPU seconds per round and their medians, the data file's Iceberg metrics, and
 * a digest of its rows read back (checked against the paragraphs written).
 *
 * <pre>
 * java -Xmx3g -cp target/test-classes:target/classes:CLASSPATH dev.paraglue.sink.ParagraphWriteCpu \
 *   CORPUS DOCS ROUNDS OUT [property=value ...]
 * </pre>
 *
 * The properties are set on the table (after {@link TableDdl}'s own), those named {@code conf:KEY}
 * on the Hadoop configuration its files are written with. OUT is deleted first; the first (warm-up)
 * round's file is kept as OUT/table/data/checked.parquet. Its SHA-256 is the same from run to run
 * only up to Parquet's footer, which lists each column chunk's encodings in a hash set's order (it
 * varies with the JVM); the rows' digest does not vary.
 */
public final class ParagraphWriteCpu {
  private ParagraphWriteCpu() {}

  /** One document and its paragraphs. */
  private record Doc(SourceDocument doc, List<Paragraph> paragraphs) {}

  public static void main(String[] args) throws Exception {
    Path corpus = Path.of(args[0]);
    int docCount = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    Path out = Path.of(args[3]);
    Map<String, String> extra = new LinkedHashMap<>();
    Configuration conf = new Configuration();
    for (String a : Arrays.asList(args).subList(4, args.length)) {
      String k = a.substring(0, a.indexOf('='));
      String v = a.substring(a.indexOf('=') + 1);
      if (k.startsWith("conf:")) {
        conf.set(k.substring("conf:".length()), v);
      } else {
        extra.put(k, v);
      }
    }
    List<Doc> docs = split(corpus, docCount);
    long paragraphs = docs.stream().mapToLong(d -> d.paragraphs().size()).sum();
    long bytes = docs.stream().mapToLong(d -> d.doc().getSize()).sum();
    System.out.printf(
        Locale.ROOT,
        "writer bench: %d documents, %d paragraphs, %.1f MB, properties %s%n",
        docs.size(),
        paragraphs,
        bytes / 1e6,
        extra);
    deleteTree(out);
    Table table = ParagraphTables.create(out.resolve("table").toString(), extra, conf);
    ParagraphFiles sink = new ParagraphFiles(table, List.of(), Map.of(), "bench-run");
    double[] thread = new double[rounds];
    double[] process = new double[rounds];
    for (int r = -1; r < rounds; r++) { // round -1 warms up
      long[] cpu = cpuNow();
      List<DataFile> files = write(sink, docs, r + 1);
      long[] used = cpuNow();
      if (r >= 0) {
        thread[r] = (used[0] - cpu[0]) / 1e9;
        process[r] = (used[1] - cpu[1]) / 1e9;
        System.out.printf(
            Locale.ROOT, "round %d: thread %.2f CPU-s, process %.2f%n", r, thread[r], process[r]);
      } else {
        check(table, files, docs);
      }
      for (DataFile f : files) {
        table.io().deleteFile(f.location());
      }
    }
    System.out.printf(
        Locale.ROOT,
        "median of %d rounds: thread %.2f CPU-s, process %.2f CPU-s (%.0f MB of text per thread"
            + " CPU-s)%n",
        rounds,
        median(thread),
        median(process),
        bytes / 1e6 / median(thread));
  }

  private static List<Doc> split(Path corpus, int count) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(corpus)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> !corpus.relativize(p).toString().startsWith("."))
              .sorted(Comparator.comparing(Path::toString))
              .limit(count)
              .toList();
    }
    List<Doc> docs = new ArrayList<>();
    for (Path f : files) {
      String id = corpus.relativize(f).toString();
      SourceDocument d = new SourceDocument(id, f.toUri().toString(), Files.size(f), 0, List.of());
      List<Paragraph> ps = new ArrayList<>();
      try (InputStream in = Files.newInputStream(f);
          ParagraphReader reader = new ParagraphReader(in, 16 << 20)) {
        for (Paragraph p = reader.next(); p != null; p = reader.next()) {
          ps.add(p);
        }
      }
      docs.add(new Doc(d, ps));
    }
    return docs;
  }

  private static List<DataFile> write(ParagraphFiles sink, List<Doc> docs, int attempt)
      throws IOException {
    dev.paraglue.pipeline.ParagraphSink.Writer<DataFile> w = sink.open(0, attempt);
    for (Doc d : docs) {
      for (Paragraph p : d.paragraphs()) {
        w.write(d.doc(), p, p.index(), p.lineNumber());
      }
    }
    return w.finish();
  }

  /** [this thread's CPU ns, the process's CPU ns] */
  private static long[] cpuNow() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    return new long[] {threads.getCurrentThreadCpuTime(), os.getProcessCpuTime()};
  }

  /**
   * Reads the files back: the rows must be the paragraphs, in order. Prints metrics and digests.
   */
  private static void check(Table table, List<DataFile> files, List<Doc> docs)
      throws IOException, NoSuchAlgorithmException {
    MessageDigest rows = MessageDigest.getInstance("SHA-256");
    int di = 0;
    int pi = 0;
    long n = 0;
    for (DataFile f : files) {
      System.out.println("file " + Path.of(f.location()).getFileName());
      System.out.println("  records " + f.recordCount() + ", bytes " + f.fileSizeInBytes());
      System.out.println("  column sizes " + f.columnSizes());
      System.out.println("  value counts " + f.valueCounts());
      System.out.println("  null counts " + f.nullValueCounts());
      System.out.println("  nan counts " + f.nanValueCounts());
      System.out.println("  lower bounds " + hex(f.lowerBounds()));
      System.out.println("  upper bounds " + hex(f.upperBounds()));
      System.out.println("  split offsets " + f.splitOffsets());
      System.out.println("  file sha-256 " + sha256(Files.readAllBytes(Path.of(f.location()))));
      Files.copy(Path.of(f.location()), Path.of(f.location()).resolveSibling("checked.parquet"));
      try (CloseableIterable<Record> read =
          Parquet.read(table.io().newInputFile(f.location()))
              .project(table.schema())
              .createReaderFunc(s -> GenericParquetReaders.buildReader(table.schema(), s))
              .build()) {
        for (Record r : read) {
          while (pi == docs.get(di).paragraphs().size()) {
            di++;
            pi = 0;
          }
          Doc d = docs.get(di);
          Paragraph p = d.paragraphs().get(pi++);
          List<Object> expected =
              List.of(
                  d.doc().getDocId(),
                  p.index(),
                  p.text(),
                  p.lineNumber(),
                  p.byteOffset(),
                  p.byteLength(),
                  p.charCount(),
                  "bench-run");
          for (int i = 0; i < expected.size(); i++) {
            if (!expected.get(i).equals(r.get(i))) {
              throw new IllegalStateException(
                  "Row "
                      + n
                      + " column "
                      + i
                      + ": read "
                      + r.get(i)
                      + ", wrote "
                      + expected.get(i));
            }
            rows.update(String.valueOf(r.get(i)).getBytes(StandardCharsets.UTF_8));
            rows.update((byte) 0);
          }
          n++;
        }
      }
    }
    long total = docs.stream().mapToLong(d -> d.paragraphs().size()).sum();
    if (n != total) {
      throw new IllegalStateException("Read " + n + " rows back, wrote " + total);
    }
    System.out.println(
        "read back "
            + n
            + " rows, as written; rows sha-256 "
            + HexFormat.of().formatHex(rows.digest()));
  }

  private static Map<Integer, String> hex(Map<Integer, ByteBuffer> bounds) {
    Map<Integer, String> h = new java.util.TreeMap<>();
    if (bounds != null) {
      bounds.forEach(
          (k, v) -> {
            byte[] b = new byte[v.remaining()];
            v.duplicate().get(b);
            h.put(k, HexFormat.of().formatHex(b));
          });
    }
    return h;
  }

  private static String sha256(byte[] b) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
