package dev.paraglue.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.holdenkarau.spark.testing.JavaDatasetSuiteBase;
import dev.paraglue.sink.DocumentWriter;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphSplitter;
import dev.paraglue.text.Reassembler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each pipeline stage on a few real rows, one SparkSession for the class. */
class PipelineStagesTest extends JavaDatasetSuiteBase {

  @TempDir Path dir;

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

  private static final byte[] CRLF = "one\r\ntwo\r\n\r\nthree\r\n".getBytes(UTF_8);
  private static final byte[] CJK = "\uFEFF第一段\n\n\u3000\n第二段 😀".getBytes(UTF_8);

  @Test
  void explode_yieldsTheSplittersParagraphs_thenOneTrailerPerDocument() throws IOException {
    List<SourceDocument> docs =
        List.of(
            write("a/crlf.txt", CRLF),
            write("b/cjk.txt", CJK),
            write("c/packed.txt.gz", gzip(CRLF)),
            write("d/bad.txt", new byte[] {'o', 'k', '\n', (byte) 0xC0, (byte) 0xAF}));
    Dataset<ParagraphRecord> out =
        ExplodeStage.explode(
            spark().createDataset(docs, Encoders.bean(SourceDocument.class)).repartition(2),
            hadoopConf(),
            1024);

    List<ParagraphRecord> records = out.collectAsList();
    Map<String, DocumentSummary> trailers =
        records.stream()
            .filter(r -> r.getParagraphIndex() == ParagraphRecord.TRAILER)
            .collect(Collectors.toMap(ParagraphRecord::getDocId, ParagraphRecord::getSummary));
    assertThat(trailers)
        .containsOnlyKeys("a/crlf.txt", "b/cjk.txt", "c/packed.txt.gz", "d/bad.txt");
    assertThat(trailers.get("d/bad.txt").getReason()).isEqualTo("invalid-utf8");
    assertThat(trailers.get("d/bad.txt").getReasonOffset()).isEqualTo(3L);
    assertThat(trailers.get("c/packed.txt.gz").getChecksum())
        .isEqualTo(trailers.get("a/crlf.txt").getChecksum());

    for (SourceDocument d : docs.subList(0, 2)) {
      List<Paragraph> expected =
          ParagraphSplitter.split(Files.readAllBytes(Path.of(java.net.URI.create(d.getUri()))))
              .paragraphs();
      List<ParagraphRecord> actual =
          records.stream()
              .filter(r -> r.getDocId().equals(d.getDocId()) && r.getParagraphIndex() >= 0)
              .toList();
      assertThat(actual).hasSize(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        Paragraph e = expected.get(i);
        ParagraphRecord a = actual.get(i);
        assertThat(a.getParagraphIndex()).isEqualTo(e.index());
        assertThat(a.getText()).isEqualTo(e.text());
        assertThat(a.getByteOffset()).isEqualTo(e.byteOffset());
        assertThat(a.getByteLength()).isEqualTo(e.byteLength());
        assertThat(a.getLineNumber()).isEqualTo(e.lineNumber());
        assertThat(a.getCharCount()).isEqualTo(e.charCount());
        assertThat(a.getPartitionValues()).containsExactly("2026-11-01");
      }
    }
  }

  @Test
  void explode_missingObject_isUnreadable() {
    SourceDocument gone =
        new SourceDocument("gone.txt", dir.resolve("gone.txt").toUri().toString(), 5, 0, List.of());
    List<ParagraphRecord> out =
        ExplodeStage.explode(
                spark().createDataset(List.of(gone), Encoders.bean(SourceDocument.class)),
                hadoopConf(),
                1024)
            .collectAsList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).getSummary().getReason()).isEqualTo("unreadable");
  }

  private static ParagraphRecord record(String doc, int index, String text) {
    ParagraphRecord r = new ParagraphRecord();
    r.setDocId(doc);
    r.setParagraphIndex(index);
    r.setText(text);
    r.setPartitionValues(List.of());
    return r;
  }

  @Test
  void sort_acrossPartitions_bringsEachDocumentTogetherInIndexOrder() {
    List<ParagraphRecord> records = new ArrayList<>();
    for (int i = 9; i >= 0; i--) {
      records.add(record("x", i, "x" + i));
      records.add(record("y", i, "y" + i));
    }
    Dataset<ParagraphRecord> shuffled =
        spark().createDataset(records, ExplodeStage.ENCODER).repartition(4);
    List<List<ParagraphRecord>> partitions =
        SortStage.sort(shuffled, true).javaRDD().glom().collect();
    for (List<ParagraphRecord> part : partitions) {
      Map<String, List<Integer>> byDoc =
          part.stream()
              .collect(
                  Collectors.groupingBy(
                      ParagraphRecord::getDocId,
                      Collectors.mapping(ParagraphRecord::getParagraphIndex, Collectors.toList())));
      byDoc.values().forEach(indexes -> assertThat(indexes).isSorted().hasSize(10));
    }
  }

  @Test
  void reassemble_writesTheSpecReassembly_andReportsItsDigest() throws IOException {
    List<ParagraphRecord> records =
        List.of(
            record("p/a.txt", 0, "alpha"),
            record("p/a.txt", 1, "beta\ngamma"),
            record("q.txt.gz", 0, "中文"));
    DocumentWriter writer = new DocumentWriter(dir.resolve("out").toUri().toString(), "run1");
    List<WrittenDocument> written =
        ReassembleStage.reassemble(
                SortStage.sort(
                    spark().createDataset(records, ExplodeStage.ENCODER).coalesce(1), false),
                writer,
                hadoopConf())
            .collectAsList();
    Map<String, WrittenDocument> byId =
        written.stream().collect(Collectors.toMap(WrittenDocument::getDocId, Function.identity()));

    byte[] expected = Reassembler.reassemble(List.of("alpha", "beta\ngamma"));
    Path staged = dir.resolve("out/_staging/run1/p/a.txt");
    assertThat(Files.readAllBytes(staged)).isEqualTo(expected);
    assertThat(Files.readAllBytes(dir.resolve("out/_staging/run1/q.txt")))
        .isEqualTo("中文\n".getBytes(UTF_8));
    WrittenDocument a = byId.get("p/a.txt");
    assertThat(a.getError()).isNull();
    assertThat(a.getParagraphs()).isEqualTo(2);
    assertThat(a.getStoredBytes()).isEqualTo(expected.length);
    assertThat(a.getChecksum())
        .isEqualTo(ParagraphSplitter.split(expected).outcome().digest().checksum());
  }

  @Test
  void reassemble_withAGap_reportsTheDocumentAsFailed() {
    List<ParagraphRecord> records = List.of(record("g.txt", 0, "a"), record("g.txt", 2, "c"));
    DocumentWriter writer = new DocumentWriter(dir.resolve("out").toUri().toString(), "run2");
    WrittenDocument w =
        ReassembleStage.reassemble(
                SortStage.sort(
                    spark().createDataset(records, ExplodeStage.ENCODER).coalesce(1), false),
                writer,
                hadoopConf())
            .collectAsList()
            .get(0);
    assertThat(w.getError()).isEqualTo("Cannot reassemble: expected paragraph 1 but got 2");
    DocumentSummary split = new DocumentSummary();
    split.setParagraphs(3);
    assertThat(Verification.mismatch(split, w)).contains(w.getError());
  }

  @Test
  void tableRows_haveTheSpecColumns_andTypedPartitionColumns() {
    ParagraphRecord r = record("d.txt", 0, "t");
    r.setPartitionValues(List.of("2026-11-01", "7"));
    Dataset<Row> rows =
        dev.paraglue.sink.IcebergTables.paragraphRows(
            spark().createDataset(List.of(r), ExplodeStage.ENCODER),
            "run9",
            List.of(
                DataTypes.createStructField("dt", DataTypes.StringType, true),
                DataTypes.createStructField("hour", DataTypes.IntegerType, true)));
    assertThat(rows.columns())
        .containsExactly(
            "doc_id",
            "paragraph_index",
            "text",
            "line_number",
            "byte_offset",
            "byte_length",
            "char_count",
            "run_id",
            "dt",
            "hour");
    StructField hour = rows.schema().apply("hour");
    assertThat(hour.dataType()).isEqualTo(DataTypes.IntegerType);
    Row row = rows.first();
    assertThat(row.getString(7)).isEqualTo("run9");
    assertThat(row.getInt(9)).isEqualTo(7);
  }
}
