package dev.paraglue.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.pipeline.ParagraphSink;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.Paragraph;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionKey;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.hadoop.HadoopTables;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * {@link ParagraphFiles}' own Parquet value writer ({@link ParagraphParquet}) against Iceberg's
 * generic Parquet writer on the same rows and table: the files must read back as the same rows,
 * carry the same Iceberg metrics (sizes, counts, bounds) and be the same bytes.
 */
class ParagraphParquetTest {
  private static final String RUN_ID = "run-2026-12-03";

  /** Partition values as the source's layout spells them, and as the table's types (Spark's). */
  private static final Map<List<String>, Object[]> TYPED =
      Map.of(
          List.of("eu", "2026-11-01"), typed("eu", "2026-11-01"),
          List.of("eu", "2026-11-02"), typed("eu", "2026-11-02"),
          List.of("us", "2026-12-31"), typed("us", "2026-12-31"));

  /** Source partitions: the first two are one partition of the table's spec (region eu). */
  private static final List<List<String>> PARTITIONS =
      List.of(
          List.of("eu", "2026-11-01"),
          List.of("eu", "2026-11-02"),
          List.of("us", "2026-12-31"),
          List.of("nowhere", "never")); // not cast: the partition columns are null

  private static Object[] typed(String region, String day) {
    return new Object[] {UTF8String.fromString(region), (int) LocalDate.parse(day).toEpochDay()};
  }

  /** A document and its paragraphs, with the source partition values it was listed with. */
  record Doc(String id, List<String> partition, List<Paragraph> paragraphs) {}

  @Test
  void unpartitionedTable_writesWhatIcebergsGenericWriterWrites() throws IOException {
    List<Doc> docs = new ArrayList<>();
    for (int d = 0; d < 40; d++) {
      List<Paragraph> ps = new ArrayList<>();
      for (int i = 0; i < 1 + d % 7; i++) {
        String text =
            ("Paragraph " + i + " of document " + d + ", \u00e9t\u00e9 \u6587\n").repeat(i);
        ps.add(paragraph(i, 3L * i + 1, 1000L * i, text.length() + 3, text));
      }
      docs.add(new Doc("part-" + d % 3 + "/doc-" + d + ".txt", List.of(), ps));
    }
    docs.sort(Comparator.comparing(Doc::id));
    assertSameAsGeneric(docs, false);
  }

  @Property(tries = 40)
  void partitionedTable_writesWhatIcebergsGenericWriterWrites(@ForAll("documents") List<Doc> docs)
      throws IOException {
    assertSameAsGeneric(docs, true);
  }

  @Provide
  Arbitrary<List<Doc>> documents() {
    Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '\uD7FF').ofMaxLength(300);
    Arbitrary<Paragraph> paragraph =
        Combinators.combine(
                Arbitraries.integers().between(0, 1 << 20),
                Arbitraries.longs().between(1, Long.MAX_VALUE / 2),
                Arbitraries.longs().between(0, Long.MAX_VALUE / 2),
                Arbitraries.integers().between(0, Integer.MAX_VALUE),
                text)
            .as((i, line, offset, length, t) -> paragraph(i, line, offset, length, t));
    Arbitrary<Doc> doc =
        Combinators.combine(
                Arbitraries.strings().withCharRange(' ', '\uD7FF').ofMinLength(1).ofMaxLength(24),
                Arbitraries.of(PARTITIONS),
                paragraph.list().ofMaxSize(12))
            .as(Doc::new);
    // In any order: a table partition that comes back after another (region eu, then us, then eu
    // again, as the tasks' order by value strings can give) starts a new file, as in the model.
    return doc.list().ofMaxSize(20).uniqueElements(Doc::id);
  }

  private static Paragraph paragraph(int index, long line, long offset, int length, String text) {
    return new Paragraph(
        index,
        line,
        offset,
        length,
        text.codePointCount(0, text.length()),
        text.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertSameAsGeneric(List<Doc> docs, boolean partitioned) throws IOException {
    Path dir = Files.createTempDirectory("paragraph-parquet");
    try {
      Table table = table(dir, partitioned);
      List<DataFile> ours = ours(table, docs, partitioned);
      List<DataFile> generic = generic(table, docs, dir.resolve("generic"));
      List<List<Record>> runs = runs(table, docs);
      assertThat(ours).hasSameSizeAs(generic).hasSameSizeAs(runs);
      for (int i = 0; i < ours.size(); i++) {
        DataFile o = ours.get(i);
        DataFile g = generic.get(i);
        assertThat(read(table, o)).isEqualTo(read(table, g)).isEqualTo(runs.get(i));
        assertThat(values(o.partition())).isEqualTo(values(g.partition()));
        assertThat(o.recordCount()).isEqualTo(g.recordCount());
        assertThat(o.columnSizes()).isEqualTo(g.columnSizes());
        assertThat(o.valueCounts()).isEqualTo(g.valueCounts());
        assertThat(o.nullValueCounts()).isEqualTo(g.nullValueCounts());
        assertThat(o.nanValueCounts()).isEqualTo(g.nanValueCounts());
        assertThat(o.lowerBounds()).isEqualTo(g.lowerBounds());
        assertThat(o.upperBounds()).isEqualTo(g.upperBounds());
        assertThat(o.splitOffsets()).isEqualTo(g.splitOffsets());
        assertThat(Files.readAllBytes(Path.of(o.location())))
            .isEqualTo(Files.readAllBytes(Path.of(g.location())));
      }
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /**
   * The paragraph table, with two source partition columns after its own (partitioned by one) when
   * {@code partitioned}.
   */
  private static Table table(Path dir, boolean partitioned) {
    if (!partitioned) {
      return ParagraphTables.create(dir.resolve("table").toString(), Map.of());
    }
    List<Types.NestedField> columns = new ArrayList<>(ParagraphTables.SCHEMA.columns());
    columns.add(Types.NestedField.optional(9, "region", Types.StringType.get()));
    columns.add(Types.NestedField.optional(10, "day", Types.DateType.get()));
    Schema schema = new Schema(columns);
    return new HadoopTables(new org.apache.hadoop.conf.Configuration())
        .create(
            schema,
            PartitionSpec.builderFor(schema).identity("region").build(),
            ParagraphTables.PROPERTIES,
            dir.resolve("table").toString());
  }

  private static List<DataFile> ours(Table table, List<Doc> docs, boolean partitioned)
      throws IOException {
    ParagraphFiles files =
        new ParagraphFiles(
            table,
            partitioned ? List.of("region", "day") : List.of(),
            partitioned ? TYPED : Map.of(),
            RUN_ID);
    ParagraphSink.Writer<DataFile> w = files.open(3, 7);
    for (Doc d : docs) {
      SourceDocument s = new SourceDocument(d.id(), "file:/" + d.id(), 1, 0, d.partition());
      for (Paragraph p : d.paragraphs()) {
        w.write(s, p, p.index(), p.lineNumber());
      }
    }
    return w.finish();
  }

  /** Iceberg's generic writer: one file per run of rows in one partition of the table's spec. */
  private static List<DataFile> generic(Table table, List<Doc> docs, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<DataFile> files = new ArrayList<>();
    List<Record> rows = new ArrayList<>();
    PartitionKey key = new PartitionKey(table.spec(), table.schema());
    List<Object> current = null;
    for (Doc d : docs) {
      for (Record r : records(table.schema(), d)) {
        key.partition(r);
        if (!rows.isEmpty() && !values(key).equals(current)) {
          files.add(genericFile(table, rows, dir.resolve(files.size() + ".parquet")));
          rows.clear();
        }
        current = values(key);
        rows.add(r);
      }
    }
    if (!rows.isEmpty()) {
      files.add(genericFile(table, rows, dir.resolve(files.size() + ".parquet")));
    }
    return files;
  }

  private static DataFile genericFile(Table table, List<Record> rows, Path path)
      throws IOException {
    PartitionKey key = new PartitionKey(table.spec(), table.schema());
    key.partition(rows.get(0));
    DataWriter<Record> w =
        Parquet.writeData(table.io().newOutputFile(path.toString()))
            .forTable(table)
            .withSpec(table.spec())
            .withPartition(table.spec().isUnpartitioned() ? null : key)
            .createWriterFunc(GenericParquetWriter::create)
            .overwrite()
            .build();
    try (w) {
      rows.forEach(w::write);
    }
    return w.toDataFile();
  }

  private static List<Record> records(Schema schema, Doc d) {
    Object[] typed = TYPED.get(d.partition());
    List<Record> rows = new ArrayList<>();
    for (Paragraph p : d.paragraphs()) {
      Record r = GenericRecord.create(schema);
      r.setField("doc_id", d.id());
      r.setField("paragraph_index", p.index());
      r.setField("text", p.text());
      r.setField("line_number", p.lineNumber());
      r.setField("byte_offset", p.byteOffset());
      r.setField("byte_length", p.byteLength());
      r.setField("char_count", p.charCount());
      r.setField("run_id", RUN_ID);
      if (schema.findField("region") != null && typed != null) {
        r.setField("region", typed[0].toString());
        r.setField("day", LocalDate.ofEpochDay((Integer) typed[1]));
      }
      rows.add(r);
    }
    return rows;
  }

  /** The rows in order, cut where the table partition changes: what each file should hold. */
  private static List<List<Record>> runs(Table table, List<Doc> docs) {
    PartitionKey key = new PartitionKey(table.spec(), table.schema());
    List<List<Record>> runs = new ArrayList<>();
    List<Object> current = null;
    for (Doc d : docs) {
      for (Record r : records(table.schema(), d)) {
        key.partition(r);
        if (runs.isEmpty() || !values(key).equals(current)) {
          runs.add(new ArrayList<>());
          current = values(key);
        }
        runs.get(runs.size() - 1).add(r);
      }
    }
    return runs;
  }

  private static List<Record> read(Table table, DataFile f) throws IOException {
    List<Record> rows = new ArrayList<>();
    try (CloseableIterable<Record> read =
        Parquet.read(table.io().newInputFile(f.location()))
            .project(table.schema())
            .createReaderFunc(s -> GenericParquetReaders.buildReader(table.schema(), s))
            .build()) {
      read.forEach(r -> rows.add(r.copy()));
    }
    return rows;
  }

  private static List<Object> values(StructLike partition) {
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < partition.size(); i++) {
      values.add(partition.get(i, Object.class));
    }
    return values;
  }
}
