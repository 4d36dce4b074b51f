package dev.paraglue.it.job;

import static dev.paraglue.TestBytes.bytes;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.paraglue.TestBytes;
import dev.paraglue.job.JobSettings;
import dev.paraglue.job.RunResult;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphSplitter;
import dev.paraglue.text.Reassembler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * What the job reads: source encodings, large documents read as byte ranges (plain and bzip2),
 * hostile inputs rejected with their reasons, and bad arguments refused in one line.
 */
class JobInputsIT extends JobITSupport {
  /** Runs the job with one Spark setting for the run. */
  static RunResult runWith(String key, String value, String... args) {
    spark.conf().set(key, value);
    try {
      return run(args);
    } finally {
      spark.conf().unset(key);
    }
  }

  @Test
  void
      sourceEncoding_gb18030_givesUtf8Rows_offsetsIntoTheOriginalBytes_andAHalfValidFileIsRejected()
          throws IOException {
    Path raw = home.resolve("enc/raw");
    java.nio.charset.Charset gb = java.nio.charset.Charset.forName("GB18030");
    byte[] text = new String(TestBytes.text(7, 3000), UTF_8).getBytes(gb);
    put(raw.resolve("novel.txt"), text);
    byte[] head = "第一段。\n\n第二段".getBytes(gb);
    ByteArrayOutputStream halfValid = new ByteArrayOutputStream();
    halfValid.writeBytes(head);
    halfValid.writeBytes(bytes(0x81, 0x20, "rest"));
    put(raw.resolve("half.txt"), halfValid.toByteArray());
    Path out = home.resolve("enc/out");
    String[] gbArgs =
        args("enc", out, "--source_paths", raw.toUri().toString(), "--source_encoding", "gb18030");
    // Byte ranges of 97 bytes would cut a UTF-8 document this size: GB18030 is read whole.
    RunResult r = runWith("spark.paraglue.rangeBytes", "97", gbArgs);
    assertThat(r.exitCode()).as(r.message()).isZero();

    ParagraphSplitter.Split expected =
        ParagraphSplitter.split(new java.io.ByteArrayInputStream(text), "GB18030", 1000);
    List<Row> rows = rowsByDoc("enc.paragraphs").get("novel.txt");
    assertRowsAreTheSplit(rows, expected);
    assertThat(expected.texts())
        .isEqualTo(ParagraphSplitter.split(new String(text, gb).getBytes(UTF_8)).texts());
    for (Row row : rows) {
      String slice = new String(text, (int) row.getLong(4), row.getInt(5), gb);
      assertThat(slice.replace("\r\n", "\n")).isEqualTo(row.getString(2));
    }
    assertThat(Files.readAllBytes(out.resolve("documents/novel.txt")))
        .isEqualTo(Reassembler.reassemble(expected.texts()));
    Row half =
        spark
            .sql(
                "SELECT status, reason, reason_offset, reason_detail, source_encoding"
                    + " FROM enc.documents WHERE doc_id = 'half.txt'")
            .first();
    assertThat(half.getString(0)).isEqualTo("rejected");
    assertThat(half.getString(1)).isEqualTo("invalid-encoding");
    assertThat(half.getLong(2)).isEqualTo(head.length);
    assertThat(half.getString(3)).contains("GB18030");
    assertThat(half.getString(4)).isEqualTo("GB18030");
    assertThat(out.resolve("_rejected/half.txt.json")).content().contains("invalid-encoding");

    // Unchanged with the same encoding; another encoding is another result.
    assertThat(run(gbArgs).report().get().count("skipped_unchanged")).isEqualTo(2);
    RunResult asUtf8 = run(args("enc", out, "--source_paths", raw.toUri().toString()));
    assertThat(asUtf8.report().get().count("skipped_unchanged")).isZero();
    assertThat(
            spark
                .sql("SELECT DISTINCT source_encoding, reason FROM enc.documents")
                .collectAsList()
                .toString())
        .isEqualTo("[[UTF-8,invalid-utf8]]");
  }

  @Test
  void sourceTable_declaringItsEncoding_needsNoArgument_andAPartitionMayDeclareItsOwn()
      throws IOException {
    Path raw = home.resolve("decl/raw");
    String text = "第一段，中文。\r\n第二行\n\n\u3000\n日本語の段落\n";
    Map<String, String> written =
        Map.of(
            "dt=1/gb.txt", "GB18030",
            "dt=2/sjis.txt", "Shift_JIS",
            "dt=3/utf16.txt", "UTF-16");
    for (Map.Entry<String, String> e : written.entrySet()) {
      put(raw.resolve(e.getKey()), text.getBytes(java.nio.charset.Charset.forName(e.getValue())));
    }
    spark.sql("CREATE DATABASE IF NOT EXISTS decl");
    spark.sql(
        "CREATE EXTERNAL TABLE decl.raw (line string) PARTITIONED BY (dt string)"
            + " ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'"
            + " WITH SERDEPROPERTIES ('serialization.encoding'='GB18030')"
            + " STORED AS TEXTFILE LOCATION '"
            + raw.toUri()
            + "'");
    spark.sql("MSCK REPAIR TABLE decl.raw");
    for (String dt : List.of("2", "3")) {
      spark.sql(
          "ALTER TABLE decl.raw PARTITION (dt='"
              + dt
              + "') SET SERDEPROPERTIES ('serialization.encoding'='"
              + written.get("dt=" + dt + "/" + (dt.equals("2") ? "sjis" : "utf16") + ".txt")
              + "')");
    }
    Path out = home.resolve("decl/out");
    RunResult r = run(args("decl", out, "--source_table", "decl.raw"));
    assertThat(r.exitCode()).as(r.message()).isZero();
    Map<String, List<Row>> rows = rowsByDoc("decl.paragraphs");
    for (Map.Entry<String, String> e : written.entrySet()) {
      byte[] source = Files.readAllBytes(raw.resolve(e.getKey()));
      ParagraphSplitter.Split expected =
          ParagraphSplitter.split(
              new java.io.ByteArrayInputStream(source),
              dev.paraglue.text.SourceEncoding.canonical(e.getValue()),
              1000);
      assertThat(expected.texts()).containsExactly("第一段，中文。\n第二行", "日本語の段落");
      assertRowsAreTheSplit(rows.get(e.getKey()), expected);
    }
    assertThat(
            spark
                .sql("SELECT doc_id, source_encoding FROM decl.documents ORDER BY doc_id")
                .collectAsList()
                .toString())
        .isEqualTo("[[dt=1/gb.txt,GB18030], [dt=2/sjis.txt,Shift_JIS], [dt=3/utf16.txt,UTF-16]]");
    // UTF-16's byte order mark counts in the offsets and is not text.
    assertThat(rows.get("dt=3/utf16.txt").get(0).getLong(4)).isEqualTo(2);

    spark.sql(
        "CREATE EXTERNAL TABLE decl.bad (line string) STORED AS TEXTFILE"
            + " TBLPROPERTIES ('paraglue.encoding'='klingon') LOCATION '"
            + raw.toUri()
            + "'");
    RunResult bad = run(args("decl", out, "--source_table", "decl.bad"));
    assertThat(bad.exitCode()).isEqualTo(RunResult.BAD_INPUT);
    assertThat(bad.message())
        .startsWith(
            "Cannot use encoding 'klingon' (table property paraglue.encoding of decl.bad): not a"
                + " charset this JVM knows");
  }

  /**
   * The rows of one document, by index, are the single-task split's paragraphs, column by column.
   */
  static void assertRowsAreTheSplit(List<Row> rows, ParagraphSplitter.Split expected) {
    assertThat(rows).hasSize(expected.paragraphs().size());
    for (int i = 0; i < rows.size(); i++) {
      Paragraph e = expected.paragraphs().get(i);
      Row row = rows.get(i);
      assertThat(row.getInt(1)).isEqualTo(i);
      assertThat(row.getString(2)).isEqualTo(e.text());
      assertThat(row.getLong(3)).as("line of paragraph %d", i).isEqualTo(e.lineNumber());
      assertThat(row.getLong(4)).as("offset of paragraph %d", i).isEqualTo(e.byteOffset());
      assertThat(row.getInt(5)).isEqualTo(e.byteLength());
      assertThat(row.getInt(6)).isEqualTo(e.charCount());
    }
  }

  @Test
  void largeBzip2Documents_readAsRangesOfBlocks_areExactlyTheWholeSplit() throws IOException {
    Path raw = home.resolve("bzranges/raw");
    byte[] plain = TestBytes.text(43, 450_000);
    ByteArrayOutputStream twoStreams = new ByteArrayOutputStream();
    twoStreams.writeBytes(TestBytes.bzip2(java.util.Arrays.copyOf(plain, 300_000)));
    twoStreams.writeBytes(
        TestBytes.bzip2(java.util.Arrays.copyOfRange(plain, 300_000, plain.length)));
    byte[] packed = twoStreams.toByteArray();
    put(raw.resolve("big.txt.bz2"), packed);
    byte[] broken = java.util.Arrays.copyOf(plain, plain.length);
    broken[plain.length * 2 / 3] = (byte) 0xFF;
    put(raw.resolve("broken.txt.bz2"), TestBytes.bzip2(broken));
    byte[] damaged = packed.clone();
    // A block whose CRC fails, but whose garbage may first be rejected as text: either way, what
    // the ranges say must be what reading it whole says.
    damaged[packed.length / 2] ^= 0x04;
    put(raw.resolve("damaged.txt.bz2"), damaged);
    // A damaged block start marker: a decoder would skip that block in silence. The range before
    // it notices the gap, and the document is read whole instead, which rejects it.
    long middleBlock;
    try (dev.paraglue.source.Bzip2Blocks b =
        dev.paraglue.source.Bzip2Blocks.open(
            raw.resolve("big.txt.bz2").toUri().toString(),
            packed.length / 2,
            packed.length,
            packed.length,
            new org.apache.hadoop.conf.Configuration())) {
      middleBlock = b.firstBlock();
    }
    byte[] unmarked = packed.clone();
    unmarked[(int) middleBlock + 2] ^= 0x10;
    put(raw.resolve("unmarked.txt.bz2"), unmarked);
    Path out = home.resolve("bzranges/out");
    // About ten ranges, some of which hold no block start.
    RunResult r =
        runWith(
            "spark.paraglue.bzip2RangeBytes",
            Long.toString(packed.length / 10),
            args("bzranges", out, "--source_paths", raw.toUri().toString()));
    assertThat(r.exitCode()).as(r.message()).isZero();
    // big, broken and damaged; not unmarked.
    assertThat(r.report().get().count("ranged_documents")).isEqualTo(3);

    ParagraphSplitter.Split expected = ParagraphSplitter.split(plain);
    assertRowsAreTheSplit(rowsByDoc("bzranges.paragraphs").get("big.txt.bz2"), expected);
    assertThat(Files.readAllBytes(out.resolve("documents/big.txt")))
        .isEqualTo(Reassembler.reassemble(expected.texts()));
    dev.paraglue.text.Rejection whole = rejectionOf(broken);
    dev.paraglue.text.Rejection wholeDamaged = wholeReadOf(raw.resolve("damaged.txt.bz2"));
    assertThat(r.report().get().rejected())
        .extracting(p -> p.docId() + ":" + p.reason() + "@" + p.offset())
        .containsExactlyInAnyOrder(
            "broken.txt.bz2:" + whole.reason().code() + "@" + whole.offset(),
            "damaged.txt.bz2:" + wholeDamaged.reason().code() + "@" + wholeDamaged.offset(),
            "unmarked.txt.bz2:unreadable@" + wholeReadOf(raw.resolve("unmarked.txt.bz2")).offset());
    assertThat(rowsByDoc("bzranges.paragraphs")).containsOnlyKeys("big.txt.bz2");
  }

  /** How one split of this text, with the tests' paragraph limit, rejects it. */
  static dev.paraglue.text.Rejection rejectionOf(byte[] text) throws IOException {
    return ParagraphSplitter.split(new java.io.ByteArrayInputStream(text), 1000)
        .outcome()
        .rejection();
  }

  /** How the job's read of a whole bzip2 document rejects this object. */
  static dev.paraglue.text.Rejection wholeReadOf(Path object) throws IOException {
    return ParagraphSplitter.split(
            dev.paraglue.source.DocumentInput.open(
                object.toUri().toString(),
                Files.size(object),
                new org.apache.hadoop.conf.Configuration()),
            1000)
        .outcome()
        .rejection();
  }

  @Test
  void largeDocuments_readAsManyByteRanges_areExactlyTheWholeSplit() throws IOException {
    Path raw = home.resolve("ranges/raw");
    byte[] big = TestBytes.text(42, 20_000);
    put(raw.resolve("big.txt"), big);
    byte[] broken = java.util.Arrays.copyOf(big, big.length);
    broken[big.length / 2] = (byte) 0xFF;
    put(raw.resolve("broken.txt"), broken);
    put(raw.resolve("small.txt"), "small\n\ndoc\n".getBytes(UTF_8));
    Path out = home.resolve("ranges/out");
    RunResult r =
        runWith(
            "spark.paraglue.rangeBytes",
            "97",
            args("ranges", out, "--source_paths", raw.toUri().toString()));
    assertThat(r.exitCode()).as(r.message()).isZero();

    ParagraphSplitter.Split expected = ParagraphSplitter.split(big);
    assertRowsAreTheSplit(rowsByDoc("ranges.paragraphs").get("big.txt"), expected);
    assertThat(Files.readAllBytes(out.resolve("documents/big.txt")))
        .isEqualTo(Reassembler.reassemble(expected.texts()));
    dev.paraglue.text.Rejection whole = rejectionOf(broken);
    assertThat(r.report().get().rejected())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.docId()).isEqualTo("broken.txt");
              assertThat(p.reason()).isEqualTo(whole.reason().code());
              assertThat(p.offset()).isEqualTo(whole.offset());
            });
    assertThat(out.resolve("documents/small.txt")).hasContent("small\n\ndoc\n");
  }

  @Test
  void hostileInputs_areRejectedWithTheirReason_andTheRestOfTheRunCompletes() throws IOException {
    Path raw = home.resolve("hostile/raw");
    byte[] noNewline = new byte[100 << 20];
    java.util.Arrays.fill(noNewline, (byte) 'x');
    put(raw.resolve("no-newline.txt"), noNewline);
    put(raw.resolve("not-bzip2.txt.bz2"), "this is not bzip2 at all\n".getBytes(UTF_8));
    put(raw.resolve("zero-bytes.txt"), new byte[0]);
    put(raw.resolve("at-limit.txt"), ("a".repeat(1000) + "\n\nshort\n").getBytes(UTF_8));
    put(raw.resolve("over-limit.txt"), ("a".repeat(1001) + "\n\nshort\n").getBytes(UTF_8));
    byte[] random = new byte[4096];
    new java.util.Random(7).nextBytes(random);
    put(raw.resolve("random.txt"), random);
    put(raw.resolve("fine.txt"), "fine\n".getBytes(UTF_8));
    // Written under a bare output path, which Hadoop qualifies to file:///: no URI-escaping trap.
    put(raw.resolve("山水 %41.txt"), "山\n\n水\n".getBytes(UTF_8));
    ByteArrayOutputStream bz = new ByteArrayOutputStream();
    org.apache.hadoop.io.compress.BZip2Codec codec = new org.apache.hadoop.io.compress.BZip2Codec();
    codec.setConf(new org.apache.hadoop.conf.Configuration());
    try (java.io.OutputStream o = codec.createOutputStream(bz)) {
      o.write("real bzip2\n\nsecond\n".getBytes(UTF_8));
    }
    put(raw.resolve("real.txt.bz2"), bz.toByteArray());

    RunResult r =
        run(
            "--output_path", home.resolve("hostile/out").toString(), // a bare path, no scheme
            "--paragraph_table", "hostile.paragraphs",
            "--documents_table", "hostile.documents",
            "--max_paragraph_bytes", "1000",
            "--source_paths", raw.toString());

    assertThat(r.exitCode()).as(r.message()).isZero();
    assertThat(r.report().get().count("listed")).isEqualTo(9);
    assertThat(r.report().get().rejected())
        .extracting(p -> p.docId() + ":" + p.reason())
        .containsExactlyInAnyOrder(
            "no-newline.txt:paragraph-too-large",
            "not-bzip2.txt.bz2:unreadable",
            "over-limit.txt:paragraph-too-large",
            "random.txt:" + ParagraphSplitter.split(random).outcome().rejection().reason().code());
    assertThat(r.report().get().count("processed")).isEqualTo(5);
    assertThat(home.resolve("hostile/out/documents/山水 %41.txt")).hasContent("山\n\n水\n");
    assertThat(home.resolve("hostile/out/documents/real.txt")).hasContent("real bzip2\n\nsecond\n");
    assertThat(home.resolve("hostile/out/documents/zero-bytes.txt")).isEmptyFile();
    assertThat(home.resolve("hostile/out/documents/at-limit.txt"))
        .hasContent("a".repeat(1000) + "\n\nshort\n");
    assertThat(rowsByDoc("hostile.paragraphs"))
        .containsOnlyKeys("at-limit.txt", "fine.txt", "real.txt.bz2", "山水 %41.txt");
  }

  @Test
  void errors_giveOneLineReasons_andTheRightExitCodes() throws IOException {
    Path out = home.resolve("errors/out");
    RunResult missing = run(args("errors", out, "--source_table", "errors.nope"));
    assertThat(missing.exitCode()).isEqualTo(RunResult.BAD_INPUT);
    spark.sql("CREATE DATABASE IF NOT EXISTS errors");
    missing = run(args("errors", out, "--source_table", "errors.nope"));
    assertThat(missing.message())
        .isEqualTo("Cannot read source table errors.nope: table not found");
    assertThat(run(args("errors", out, "--source_table", "nodb.docs")).message())
        .isEqualTo("Cannot read source table nodb.docs: database nodb not found");

    RunResult bad = run(args("errors", out, "--source_table", "errors.x", "--sorce_paths", "/x"));
    assertThat(bad.exitCode()).isEqualTo(RunResult.BAD_INPUT);
    assertThat(bad.message())
        .contains("unknown argument(s) --sorce_paths")
        .contains("--source_paths");
    assertThat(bad.message()).doesNotContain("\n");

    spark.conf().set(JobSettings.RANGE_BYTES, "64m");
    try {
      RunResult badSetting = run(args("errors", out, "--source_paths", "/nowhere"));
      assertThat(badSetting.exitCode()).isEqualTo(RunResult.BAD_INPUT);
      assertThat(badSetting.message())
          .isEqualTo(
              "Cannot use spark.paraglue.rangeBytes '64m': expected a whole number of at least 1");
      assertThat(badSetting.report()).as("refused before anything was read").isEmpty();
    } finally {
      spark.conf().unset(JobSettings.RANGE_BYTES);
    }

    RunResult notFound =
        run(args("errors", out, "--source_paths", home.resolve("errors/none").toUri().toString()));
    assertThat(notFound.exitCode()).isEqualTo(RunResult.BAD_INPUT);
    assertThat(notFound.message())
        .startsWith("Cannot read source path file:")
        .endsWith("errors/none: not found");

    Path raw = home.resolve("errors/raw");
    put(raw.resolve("broken.txt.gz"), truncatedGzip());
    put(raw.resolve("fine.txt"), "fine\n".getBytes(UTF_8));
    RunResult tolerated = run(args("errors", out, "--source_paths", raw.toUri().toString()));
    assertThat(tolerated.exitCode()).isZero();
    assertThat(tolerated.report().get().rejected())
        .singleElement()
        .satisfies(p -> assertThat(p.reason()).isEqualTo("unreadable"));

    RunResult strict =
        run(
            args(
                "errors2",
                home.resolve("errors/out2"),
                "--source_paths",
                raw.toUri().toString(),
                "--fail_on_reject",
                "true"));
    assertThat(strict.exitCode()).isEqualTo(RunResult.FAILED);
    assertThat(strict.message())
        .contains("rejected 1 document(s)")
        .contains("broken.txt.gz: unreadable");
    JsonNode report =
        JSON.readTree(
            Files.list(home.resolve("errors/out2/_runs"))
                .filter(p -> p.toString().endsWith(".json"))
                .findFirst()
                .get()
                .toFile());
    assertThat(report.get("status").asText()).isEqualTo("failed");
  }
}
