package dev.paraglue.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.holdenkarau.spark.testing.JavaDatasetSuiteBase;
import dev.paraglue.TestBytes;
import dev.paraglue.job.JobSettings;
import dev.paraglue.sink.DocumentWriter;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphSplitter;
import dev.paraglue.text.Reassembler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each pipeline stage on a few real rows, one SparkSession for the class. */
class PipelineStagesTest extends JavaDatasetSuiteBase {
  private static final byte[] CRLF = "one\r\ntwo\r\n\r\nthree\r\n".getBytes(UTF_8);
  private static final byte[] CJK = "\uFEFF第一段\n\n\u3000\n第二段 😀".getBytes(UTF_8);
  private static final byte[] BAD = {'o', 'k', '\n', (byte) 0xC0, (byte) 0xAF};

  @TempDir Path dir;

  /** Paragraph bytes a task may hold; whole documents past it are read twice. */
  private long bufferBytes = JobSettings.BUFFER_BYTES_DEFAULT;

  private CollectionAccumulator<DocumentSummary> found;

  @Override
  public SparkConf conf() {
    return new SparkConf()
        .setMaster("local[2]")
        .setAppName("PipelineStagesTest")
        .set("spark.ui.enabled", "false")
        .set("spark.sql.shuffle.partitions", "3")
        .set("spark.unsafe.exceptionOnMemoryLeak", "true")
        .set("spark.driver.host", "127.0.0.1");
  }

  @Override
  public boolean enableHiveSupport() {
    return false;
  }

  @BeforeEach
  void startSpark() {
    runBefore();
    found = sc().collectionAccumulator("found");
  }

  @AfterAll
  static void stopSpark() {
    runAfterClass();
  }

  private Broadcast<HadoopConf> hadoopConf() {
    return new JavaSparkContext(sc()).broadcast(new HadoopConf(sc().hadoopConfiguration()));
  }

  private SourceDocument write(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
    return new SourceDocument(name, p.toUri().toString(), content.length, 0, List.of("2026-11-01"));
  }

  private static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(b);
    }
    return out.toByteArray();
  }

  private Map<String, DocumentSummary> validate(List<SourceDocument> units) {
    return ValidateStage.validate(
            spark().createDataset(units, Encoders.bean(SourceDocument.class)).repartition(2),
            hadoopConf(),
            1024)
        .collectAsList()
        .stream()
        .collect(Collectors.toMap(ReadUnits::keyOf, Function.identity()));
  }

  /** CRLF, CJK with a BOM, gzip, and invalid UTF-8 at byte 3. */
  private List<SourceDocument> mixed() throws IOException {
    return List.of(
        write("a/crlf.txt", CRLF),
        write("b/cjk.txt", CJK),
        write("c/packed.txt.gz", gzip(CRLF)),
        write("d/bad.txt", BAD));
  }

  @Test
  void validate_yieldsOneSummaryPerUnit_withDigestOrRejection() throws IOException {
    Map<String, DocumentSummary> s = validate(mixed());

    assertThat(s).containsOnlyKeys("a/crlf.txt", "b/cjk.txt", "c/packed.txt.gz", "d/bad.txt");
    assertThat(s.get("a/crlf.txt").digest())
        .isEqualTo(ParagraphSplitter.split(CRLF).outcome().digest());
    assertThat(s.get("c/packed.txt.gz").digest()).isEqualTo(s.get("a/crlf.txt").digest());
    assertThat(s.get("b/cjk.txt").getParagraphs()).isEqualTo(2);
    assertThat(s.get("d/bad.txt").ok()).isFalse();
    assertThat(s.get("d/bad.txt").getReason()).isEqualTo("invalid-utf8");
    assertThat(s.get("d/bad.txt").getReasonOffset()).isEqualTo(3L);
  }

  @Test
  void validate_missingObject_isUnreadable() {
    SourceDocument gone =
        new SourceDocument("gone.txt", dir.resolve("gone.txt").toUri().toString(), 5, 0, List.of());
    assertThat(validate(List.of(gone)).get("gone.txt").getReason()).isEqualTo("unreadable");
  }

  private List<Row> explode(
      List<SourceDocument> units, Map<String, DocumentSummary> expected, String run) {
    return explode(
        units, expected, run, new DocumentWriter(dir.resolve("out").toUri().toString(), run));
  }

  private List<Row> explode(
      List<SourceDocument> units,
      Map<String, DocumentSummary> expected,
      String run,
      StagedOutput writer) {
    JavaSparkContext jsc = new JavaSparkContext(sc());
    return new java.util.ArrayList<>(
        ExplodeStage.write(
                spark().createDataset(units, Encoders.bean(SourceDocument.class)).coalesce(1),
                new ExplodeStage.Context(
                    hadoopConf(),
                    jsc.broadcast(new HashMap<>(expected)),
                    found,
                    writer,
                    1024,
                    bufferBytes,
                    4,
                    1 << 20),
                new RowSink(run))
            .collect());
  }

  /**
   * A sink that hands each paragraph back as a row of the paragraph table's columns, text as a
   * string, then the first partition value.
   */
  static final class RowSink implements ParagraphSink<Row> {
    private static final long serialVersionUID = 1L;
    private final String run;

    RowSink(String run) {
      this.run = run;
    }

    @Override
    public ParagraphSink.Writer<Row> open(int partitionId, long taskAttemptId) {
      List<Row> rows = new java.util.ArrayList<>();
      return new ParagraphSink.Writer<>() {
        @Override
        public void write(SourceDocument doc, Paragraph p, int index, long lineNumber) {
          rows.add(
              org.apache.spark.sql.RowFactory.create(
                  doc.getDocId(),
                  index,
                  p.text(),
                  lineNumber,
                  p.byteOffset(),
                  p.byteLength(),
                  p.charCount(),
                  run,
                  doc.getPartitionValues().isEmpty() ? null : doc.getPartitionValues().get(0)));
        }

        @Override
        public List<Row> finish() {
          return rows;
        }

        @Override
        public void abort() {
          rows.clear();
        }
      };
    }
  }

  @Test
  void explode_emitsTheSplittersRows_andWritesTheReassembly() throws IOException {
    List<SourceDocument> docs = List.of(write("a/crlf.txt", CRLF), write("b/cjk.txt", CJK));
    List<Row> rows = explode(docs, validate(docs), "run1");

    for (SourceDocument d : docs) {
      byte[] source = Files.readAllBytes(dir.resolve(d.getDocId()));
      List<Paragraph> expected = ParagraphSplitter.split(source).paragraphs();
      List<Row> actual = rows.stream().filter(r -> r.getString(0).equals(d.getDocId())).toList();
      assertThat(actual).hasSize(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        Paragraph e = expected.get(i);
        Row a = actual.get(i);
        assertThat(a.getInt(1)).isEqualTo(e.index());
        assertThat(a.getString(2)).isEqualTo(e.text());
        assertThat(a.getLong(3)).isEqualTo(e.lineNumber());
        assertThat(a.getLong(4)).isEqualTo(e.byteOffset());
        assertThat(a.getInt(5)).isEqualTo(e.byteLength());
        assertThat(a.getInt(6)).isEqualTo(e.charCount());
        assertThat(a.getString(7)).isEqualTo("run1");
        assertThat(a.getString(8)).isEqualTo("2026-11-01");
      }
      Path staged = dir.resolve("out/_staging/run1").resolve(d.getDocId());
      assertThat(Files.readAllBytes(staged))
          .isEqualTo(Reassembler.reassemble(expected.stream().map(Paragraph::text).toList()));
    }
  }

  @Test
  void explode_wholeDocumentsWithoutPass1_validateThemselves_heldOrReadTwice() throws IOException {
    List<SourceDocument> docs = new java.util.ArrayList<>(mixed());
    docs.add(
        new SourceDocument(
            "e/gone.txt", dir.resolve("e/gone.txt").toUri().toString(), 5, 0, List.of()));
    for (long buffer : new long[] {JobSettings.BUFFER_BYTES_DEFAULT, 1}) {
      bufferBytes = buffer;
      found.reset();
      String run = "held" + buffer;
      List<Row> rows = explode(docs, Map.of(), run);

      Map<String, DocumentSummary> s =
          found.value().stream()
              .collect(Collectors.toMap(DocumentSummary::getDocId, Function.identity()));
      assertThat(s).as("buffer %d", buffer).hasSize(5);
      assertThat(s.get("a/crlf.txt").digest())
          .isEqualTo(ParagraphSplitter.split(CRLF).outcome().digest());
      assertThat(s.get("c/packed.txt.gz").digest()).isEqualTo(s.get("a/crlf.txt").digest());
      assertThat(s.get("d/bad.txt").getReason()).isEqualTo("invalid-utf8");
      assertThat(s.get("d/bad.txt").getReasonOffset()).isEqualTo(3L);
      assertThat(s.get("e/gone.txt").getReason()).isEqualTo("unreadable");

      // Rows and outputs only for the accepted, equal to the splitter's.
      assertThat(rows.stream().map(r -> r.getString(0)).distinct())
          .containsExactlyInAnyOrder("a/crlf.txt", "b/cjk.txt", "c/packed.txt.gz");
      for (String id : List.of("a/crlf.txt", "b/cjk.txt")) {
        List<Paragraph> expected =
            ParagraphSplitter.split(Files.readAllBytes(dir.resolve(id))).paragraphs();
        assertThat(rows.stream().filter(r -> r.getString(0).equals(id)).map(r -> r.getString(2)))
            .containsExactlyElementsOf(expected.stream().map(Paragraph::text).toList());
        assertThat(Files.readAllBytes(dir.resolve("out/_staging/" + run).resolve(id)))
            .isEqualTo(Reassembler.reassemble(expected.stream().map(Paragraph::text).toList()));
      }
      assertThat(dir.resolve("out/_staging/" + run + "/d/bad.txt")).doesNotExist();
    }
  }

  @Test
  void summaries_ofADocumentReadTwice_mustAgree() throws IOException {
    List<SourceDocument> docs = mixed();
    DocumentWriter writer = new DocumentWriter(dir.resolve("out").toUri().toString(), "run4");
    try (ParagraphPipeline pipeline =
        new ParagraphPipeline(spark(), 1024, JobSettings.from(spark().conf()).sizes())) {
      pipeline.validate(docs);
      pipeline.write(writer, new RowSink("run4"));
      pipeline.write(writer, new RowSink("run4")); // a second read finds the same: one summary
      Map<String, DocumentSummary> s = pipeline.summaries();
      assertThat(s).hasSize(4);
      assertThat(s.get("d/bad.txt").getReason()).isEqualTo("invalid-utf8");

      Files.write(dir.resolve("a/crlf.txt"), "one\r\ntwo\r\n\r\nthreE\r\n".getBytes(UTF_8));
      pipeline.write(writer, new RowSink("run4")); // ... unless the document changed between
      assertThatThrownBy(pipeline::summaries)
          .hasMessageStartingWith("Cannot record document a/crlf.txt: two reads of it disagree");
    }
  }

  /**
   * A write of few stored bytes (at most spark.paraglue.driverScanBytes) runs as one task on the
   * driver, without a Spark job, and gives what the Spark job gives: the same rows, staged
   * documents and summaries.
   */
  @Test
  void write_ofFewBytes_runsOnTheDriverWithoutASparkJob_andGivesTheSame() throws IOException {
    List<SourceDocument> docs = mixed();
    Map<String, Integer> jobs = new HashMap<>();
    Map<String, List<Row>> rows = new HashMap<>();
    Map<String, Map<String, String>> found = new HashMap<>();
    for (String driverBytes : List.of("0", "1048576")) {
      String run = "driver" + driverBytes;
      sc().setJobGroup(run, run, false);
      DocumentWriter writer = new DocumentWriter(dir.resolve("out").toUri().toString(), run);
      try (ParagraphPipeline pipeline =
          new ParagraphPipeline(
              spark(),
              1024,
              JobSettings.from(Map.of(JobSettings.DRIVER_SCAN_BYTES, driverBytes)::get).sizes())) {
        pipeline.validate(docs);
        rows.put(driverBytes, pipeline.write(writer, new RowSink("run")));
        found.put(
            driverBytes,
            pipeline.summaries().values().stream()
                .collect(
                    Collectors.toMap(
                        DocumentSummary::getDocId, x -> x.getReason() + " " + x.digest())));
      } finally {
        sc().clearJobGroup();
      }
      jobs.put(driverBytes, sc().statusTracker().getJobIdsForGroup(run).length);
    }

    assertThat(jobs).containsEntry("0", 1).containsEntry("1048576", 0);
    assertThat(rows.get("0")).hasSize(6);
    assertThat(rows.get("1048576")).containsExactlyInAnyOrderElementsOf(rows.get("0"));
    assertThat(found.get("1048576")).hasSize(4).isEqualTo(found.get("0"));
    Map<String, String> byJob = staged(dir.resolve("out/_staging/driver0"));
    assertThat(byJob).hasSize(3);
    assertThat(staged(dir.resolve("out/_staging/driver1048576"))).isEqualTo(byJob);
  }

  /** spark.paraglue.driverScanBytes 0 always writes in a Spark job, even documents of no bytes. */
  @Test
  void write_withDriverScanBytesZero_runsASparkJob_evenForEmptyDocuments() throws IOException {
    List<SourceDocument> docs = List.of(write("empty.txt", new byte[0]));
    sc().setJobGroup("zero", "zero", false);
    DocumentWriter writer = new DocumentWriter(dir.resolve("out").toUri().toString(), "zero");
    try (ParagraphPipeline pipeline =
        new ParagraphPipeline(
            spark(),
            1024,
            JobSettings.from(Map.of(JobSettings.DRIVER_SCAN_BYTES, "0")::get).sizes())) {
      pipeline.validate(docs);
      assertThat(pipeline.write(writer, new RowSink("run"))).isEmpty();
    } finally {
      sc().clearJobGroup();
    }
    assertThat(sc().statusTracker().getJobIdsForGroup("zero")).hasSize(1);
  }

  /** The files under {@code root}, by relative path, with their text. */
  private static Map<String, String> staged(Path root) throws IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(root)) {
      Map<String, String> out = new HashMap<>();
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(f).toString(), Files.readString(f));
      }
      return out;
    }
  }

  @Test
  void explode_byteRanges_emitGlobalIndexes_andPartsJoinToTheReassembly() throws IOException {
    byte[] doc =
        "alpha one\nalpha two\n\n\n beta 中文\n\ngamma\r\ngamma 2\r\n\r\ndelta"
            .repeat(7)
            .getBytes(UTF_8);
    SourceDocument whole = write("r.txt", doc);
    List<SourceDocument> units = ParagraphPipeline.readUnits(List.of(whole), 13, 13);
    assertThat(units.size()).isGreaterThan(10);
    Map<String, DocumentSummary> expected = validate(units);
    // What the pipeline does on the driver between the passes: give each range its offsets.
    ParagraphPipelineAccess.stitch(expected, "r.txt", units.size());

    List<Row> rows = explode(units, expected, "run2");
    List<Paragraph> split = ParagraphSplitter.split(doc).paragraphs();
    assertThat(rows).hasSize(split.size());
    rows.sort((a, b) -> Integer.compare(a.getInt(1), b.getInt(1)));
    for (int i = 0; i < split.size(); i++) {
      assertThat(rows.get(i).getInt(1)).isEqualTo(i);
      assertThat(rows.get(i).getString(2)).isEqualTo(split.get(i).text());
      assertThat(rows.get(i).getLong(3)).isEqualTo(split.get(i).lineNumber());
    }
    DocumentWriter writer = new DocumentWriter(dir.resolve("out").toUri().toString(), "run2");
    long joined = writer.assembleParts("r.txt", units.size(), sc().hadoopConfiguration());
    byte[] reassembled = Reassembler.reassemble(split.stream().map(Paragraph::text).toList());
    assertThat(joined).isEqualTo(reassembled.length);
    assertThat(Files.readAllBytes(dir.resolve("out/_staging/run2/r.txt"))).isEqualTo(reassembled);
  }

  @Test
  void bzip2Ranges_ofAnySize_emitTheWholeSplit_andPartsJoinToTheReassembly() throws IOException {
    byte[] plain = TestBytes.text(5, 330_000);
    // Many ranges holding no block start; a few holding one or two; three ranges.
    for (int parts : new int[] {40, 7, 3}) {
      assertBzip2RangesGiveTheWholeSplit("z/any" + parts + ".txt", plain, parts);
    }
  }

  /**
   * Where a bzip2 block ends, a range's text ends: edges of interest are made to fall exactly on
   * one (at the '|' of each case) by rewriting the text around the first block's end.
   */
  @Test
  void bzip2Ranges_withABlockEdgeOnABlankLine_insideCrlf_insideACharacter_orAtAParagraph()
      throws IOException {
    Map<String, byte[][]> edges = new java.util.LinkedHashMap<>();
    // (bzip2 never ends a block between two equal bytes: it encodes runs whole.)
    edges.put("blank line starts at the edge", new byte[][] {b("xy\n"), b(" \nzw")});
    edges.put("CRLF blank line starts at the edge", new byte[][] {b("xy\r\n"), b("\r\nzw")});
    edges.put("edge after a blank line", new byte[][] {b("xy\n\n"), b("zw")});
    edges.put("edge inside CRLF", new byte[][] {b("xy\r"), b("\nzw")});
    edges.put("edge inside CRLF of a blank line", new byte[][] {b("xy\r\n\r"), b("\nzw")});
    edges.put("edge at a line start inside a paragraph", new byte[][] {b("xy\n"), b("zw")});
    edges.put(
        "edge inside a 3-byte character",
        new byte[][] {{'x', (byte) 0xE4, (byte) 0xB8}, {(byte) 0xAD, 'z'}});
    edges.put("edge inside whitespace-only lines", new byte[][] {b("x\n \t"), b(" \n\nz")});
    int k = 0;
    for (Map.Entry<String, byte[][]> e : edges.entrySet()) {
      byte[] plain = textWithBlockEdge(e.getValue()[0], e.getValue()[1]);
      assertBzip2RangesGiveTheWholeSplit("z/edge" + k++ + ".txt", plain, 40);
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  /** Reads {@code plain}, bzip2-compressed, in ranges of a {@code parts}th of it. */
  private void assertBzip2RangesGiveTheWholeSplit(String key, byte[] plain, int parts)
      throws IOException {
    byte[] packed = TestBytes.bzip2(plain);
    SourceDocument doc = write(key + ".bz2", packed);
    ParagraphSplitter.Split whole = ParagraphSplitter.split(plain);
    List<Paragraph> split = whole.paragraphs();
    byte[] reassembled = Reassembler.reassemble(split.stream().map(Paragraph::text).toList());
    long rangeBytes = packed.length / parts;
    String run = "bz" + Math.abs(key.hashCode());
    spark().conf().set(JobSettings.BZIP2_RANGE_BYTES, Long.toString(rangeBytes));
    try (ParagraphPipeline pipeline =
        new ParagraphPipeline(
            spark(),
            ParagraphSplitter.DEFAULT_MAX_PARAGRAPH_BYTES,
            JobSettings.from(spark().conf()).sizes())) {
      assertThat(pipeline.validate(List.of(doc)).get(doc.getDocId()).digest())
          .as("%s in ranges of %d bytes", key, rangeBytes)
          .isEqualTo(whole.outcome().digest());
      int count = pipeline.rangedDocuments().get(doc.getDocId());
      assertThat(count).isGreaterThan(1);
      DocumentWriter writer = new DocumentWriter(dir.resolve("out").toUri().toString(), run);
      List<Row> rows = new java.util.ArrayList<>(pipeline.write(writer, new RowSink(run)));
      rows.sort((x, y) -> Integer.compare(x.getInt(1), y.getInt(1)));
      assertThat(rows).hasSize(split.size());
      for (int i = 0; i < split.size(); i++) {
        Row row = rows.get(i);
        Paragraph e = split.get(i);
        assertThat(row.getInt(1)).isEqualTo(i);
        assertThat(row.getString(2)).isEqualTo(e.text());
        assertThat(row.getLong(3)).as("line of paragraph %d", i).isEqualTo(e.lineNumber());
        assertThat(row.getLong(4)).as("offset of paragraph %d", i).isEqualTo(e.byteOffset());
      }
      assertThat(writer.assembleParts(key, count, sc().hadoopConfiguration()))
          .isEqualTo(reassembled.length);
      assertThat(Files.readAllBytes(dir.resolve("out/_staging/" + run + "/" + key)))
          .isEqualTo(reassembled);
    } finally {
      spark().conf().unset(JobSettings.BZIP2_RANGE_BYTES);
    }
  }

  /**
   * Text whose first bzip2 block ends between {@code before} and {@code after}: they are written
   * around where it ends, which can move the end (bzip2 counts a run of one byte as at most five),
   * so until it stays.
   */
  private byte[] textWithBlockEdge(byte[] before, byte[] after) throws IOException {
    byte[] plain = TestBytes.text(9, 250_000);
    for (int i = 0; i < plain.length; i++) {
      if (plain[i] == '=') {
        plain[i] = (byte) ((i & 1) == 0 ? 'a' : 'b'); // no long runs: the edge could sit in one
      }
    }
    for (int attempt = 0; attempt < 8; attempt++) {
      int edge = (int) firstBlockText(TestBytes.bzip2(plain));
      if (java.util.Arrays.equals(plain, edge - before.length, edge, before, 0, before.length)
          && java.util.Arrays.equals(plain, edge, edge + after.length, after, 0, after.length)) {
        return plain;
      }
      // Plain ASCII around the pattern, widened to whole characters, with no runs of a byte.
      int from = edge - before.length - 8;
      int to = edge + after.length + 8;
      while ((plain[from] & 0xC0) == 0x80) {
        from--;
      }
      while ((plain[to] & 0xC0) == 0x80) {
        to++;
      }
      for (int i = from; i < to; i++) {
        plain[i] = (byte) ((i & 1) == 0 ? 'q' : 'j');
      }
      System.arraycopy(before, 0, plain, edge - before.length, before.length);
      System.arraycopy(after, 0, plain, edge, after.length);
    }
    throw new AssertionError("the first block's end would not stay inside the pattern");
  }

  /** How many bytes of text the first block of this bzip2 data holds. */
  private long firstBlockText(byte[] packed) throws IOException {
    Path p = dir.resolve("probe.bz2");
    Files.write(p, packed);
    try (dev.paraglue.source.Bzip2Blocks first =
        dev.paraglue.source.Bzip2Blocks.open(
            p.toUri().toString(), 0, 5, packed.length, sc().hadoopConfiguration())) {
      byte[] buf = new byte[1 << 16];
      while (first.ownedBytes() < 0 && first.read(buf, 0, buf.length) >= 0) {
        // read the first block
      }
      return first.ownedBytes();
    }
  }

  /**
   * The local writer's streams measure their files, so a document's length check asks the store
   * nothing (it was a stat per document): here the store refuses to be asked.
   */
  @Test
  void explode_localOutput_checksEachLengthByItsStream_withoutAskingTheStore() throws IOException {
    byte[] big = "alpha one\n\nbeta two\r\n\r\ngamma".repeat(9).getBytes(UTF_8);
    List<SourceDocument> units =
        new java.util.ArrayList<>(
            ParagraphPipeline.readUnits(List.of(write("r.txt", big)), 13, 13));
    units.add(write("a/crlf.txt", CRLF));
    Map<String, DocumentSummary> expected = validate(units);
    ParagraphPipelineAccess.stitch(expected, "r.txt", units.size() - 1);
    DocumentWriter writer = new DocumentWriter(dir.resolve("out").toUri().toString(), "run4");

    List<Row> rows = explode(units, expected, "run4", new StoreNotAsked(writer, 0));

    assertThat(rows).hasSize(ParagraphSplitter.split(big).paragraphs().size() + 2);
    assertThat(Files.readAllBytes(dir.resolve("out/_staging/run4/a/crlf.txt")))
        .isEqualTo("one\ntwo\n\nthree\n".getBytes(UTF_8));
  }

  /** A stored object whose measured length is not what the reassembly wrote fails the task. */
  @Test
  void explode_whenTheStoredObjectsLengthDiffers_failsTheTask() throws IOException {
    SourceDocument d = write("a/crlf.txt", CRLF);
    Map<String, DocumentSummary> expected = validate(List.of(d));
    DocumentWriter writer = new DocumentWriter(dir.resolve("out").toUri().toString(), "run5");

    assertThatThrownBy(() -> explode(List.of(d), expected, "run5", new StoreNotAsked(writer, 1)))
        .hasMessageContaining(
            "Cannot verify document a/crlf.txt: stored object has 16 bytes, expected 15");
  }

  /** A stream whose measure is its inner stream's off by {@code skew}. */
  static final class Skewed extends java.io.FilterOutputStream implements StagedOutput.Measured {
    private final long skew;

    Skewed(java.io.OutputStream out, long skew) {
      super(out);
      this.skew = skew;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public long storedBytes() {
      return ((StagedOutput.Measured) out).storedBytes() + skew;
    }
  }

  /**
   * A local writer whose store refuses length questions, its streams' measures off by {@code skew}.
   */
  static final class StoreNotAsked implements StagedOutput {
    private static final long serialVersionUID = 1L;
    private final DocumentWriter writer;
    private final long skew;

    StoreNotAsked(DocumentWriter writer, long skew) {
      this.writer = writer;
      this.skew = skew;
    }

    @Override
    public java.io.OutputStream create(
        String key, long expectedBytes, org.apache.hadoop.conf.Configuration conf)
        throws IOException {
      return skewed(writer.create(key, expectedBytes, conf));
    }

    @Override
    public java.io.OutputStream createPart(
        String key, int index, org.apache.hadoop.conf.Configuration conf) throws IOException {
      return skewed(writer.createPart(key, index, conf));
    }

    private java.io.OutputStream skewed(java.io.OutputStream out) {
      return new Skewed(out, skew);
    }

    @Override
    public long stagedLength(String key, org.apache.hadoop.conf.Configuration conf)
        throws IOException {
      throw new IOException("asked the store for the length of " + key);
    }

    @Override
    public long partLength(String key, int index, org.apache.hadoop.conf.Configuration conf)
        throws IOException {
      throw new IOException("asked the store for the length of part " + index + " of " + key);
    }

    @Override
    public boolean lengthNeedsCheck(org.apache.hadoop.conf.Configuration conf) {
      return true;
    }

    @Override
    public String describe(String key) {
      return writer.describe(key);
    }
  }

  @Test
  void explode_whenTheSourceNoLongerMatchesValidation_failsTheTask() throws IOException {
    SourceDocument d = write("m.txt", CRLF);
    Map<String, DocumentSummary> expected = validate(List.of(d));
    Files.write(dir.resolve("m.txt"), "one\r\ntwo\r\n\r\nthreE\r\n".getBytes(UTF_8));
    assertThatThrownBy(() -> explode(List.of(d), expected, "run3"))
        .hasMessageContaining("Cannot verify document m.txt: rows and output hold 2 paragraphs");
  }
}
