package dev.paraglue.text;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.TestBytes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Splitting a document as byte ranges, each read by its own reader and stitched, gives exactly what
 * one reader over the whole document gives: same paragraphs with global indexes, line numbers and
 * offsets, same digest, same rejection.
 */
class RangeSplitPropertyTest {

  /** Splits {@code doc} in ranges of {@code size} bytes and stitches the result. */
  static ParagraphSplitter.Split splitInRanges(byte[] doc, int size, long max) {
    List<List<Paragraph>> perRange = new ArrayList<>();
    List<RangeOutcome> outcomes = new ArrayList<>();
    long length = Math.max(doc.length, 1);
    for (long start = 0; start < length; ) {
      long end = Math.min(Math.max(start + size, ParagraphReader.MIN_RANGE_START), length);
      int from = (int) Math.max(0, start - 1);
      ParagraphReader reader =
          ParagraphReader.range(
              ParagraphSplitterPropertyTest.trickle(
                  new ByteArrayInputStream(doc, from, doc.length - from), 3),
              start,
              end,
              max);
      List<Paragraph> ps = new ArrayList<>();
      for (Paragraph p = reader.next(); p != null; p = reader.next()) {
        ps.add(p);
      }
      perRange.add(ps);
      outcomes.add(reader.rangeOutcome());
      start = end;
    }
    DocumentOutcome outcome = RangeOutcome.combine(outcomes);
    if (outcome.isRejected()) {
      return new ParagraphSplitter.Split(List.of(), outcome);
    }
    List<Integer> indexBases = RangeOutcome.indexBases(outcomes);
    List<Long> lineBases = RangeOutcome.lineBases(outcomes);
    List<Paragraph> all = new ArrayList<>();
    for (int k = 0; k < perRange.size(); k++) {
      for (Paragraph p : perRange.get(k)) {
        all.add(
            new Paragraph(
                p.index() + indexBases.get(k),
                p.lineNumber() + lineBases.get(k),
                p.byteOffset(),
                p.byteLength(),
                p.charCount(),
                p.textBytes()));
      }
    }
    return new ParagraphSplitter.Split(all, outcome);
  }

  @Provide
  Arbitrary<byte[]> documents() {
    Arbitrary<String> token =
        Arbitraries.of(
            "a",
            "longer words here",
            " ",
            "\t",
            "\n",
            "\n",
            "\n",
            "\n\n",
            "\r\n",
            "\r",
            "\u3000",
            "\u00A0",
            "\u0085",
            "\u200B",
            "中文",
            "😀",
            "é",
            "\n \n");
    Arbitrary<byte[]> valid =
        token.list().ofMaxSize(80).map(l -> String.join("", l).getBytes(UTF_8));
    Arbitrary<byte[]> withBom =
        valid.map(b -> TestBytes.bytes(0xEF, 0xBB, 0xBF, new String(b, UTF_8)));
    Arbitrary<byte[]> broken =
        valid.flatMap(
            b ->
                Arbitraries.integers()
                    .between(0, b.length)
                    .flatMap(
                        at ->
                            Arbitraries.of(0x00, 0xFF, 0xC0, 0xED, 0x80)
                                .map(
                                    bad -> {
                                      byte[] r = new byte[b.length + 1];
                                      System.arraycopy(b, 0, r, 0, at);
                                      r[at] = (byte) (int) bad;
                                      System.arraycopy(b, at, r, at + 1, b.length - at);
                                      return r;
                                    })));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, valid),
        net.jqwik.api.Tuple.of(1, withBom),
        net.jqwik.api.Tuple.of(2, broken));
  }

  @Property(tries = 3000)
  void ranges_stitchToTheWholeSplit(
      @ForAll("documents") byte[] doc,
      @ForAll @IntRange(min = 1, max = 40) int rangeSize,
      @ForAll @IntRange(min = 1, max = 60) int max)
      throws IOException {
    ParagraphSplitter.Split whole = ParagraphSplitter.split(new ByteArrayInputStream(doc), max);
    ParagraphSplitter.Split ranged = splitInRanges(doc, rangeSize, max);
    assertThat(ranged.paragraphs()).isEqualTo(whole.paragraphs());
    assertThat(ranged.outcome().rejectionIfAny()).isEqualTo(whole.outcome().rejectionIfAny());
    if (!whole.outcome().isRejected()) {
      assertThat(ranged.outcome().digest()).isEqualTo(whole.outcome().digest());
    }
  }

  @Example
  void rangeEdges_insideLine_crlf_multibyte_blankRun_paragraphStart_andSpanningManyRanges() {
    byte[] doc =
        ("first paragraph line one\r\nline two 中文😀\r\n\r\n \r\n\t\r\n"
                + "second starts here\n\n"
                + "x".repeat(50)
                + "\n"
                + "y".repeat(50)
                + "\n\nlast")
            .getBytes(UTF_8);
    ParagraphSplitter.Split whole = ParagraphSplitter.split(doc);
    for (int size = 1; size <= doc.length; size++) {
      ParagraphSplitter.Split ranged = splitInRanges(doc, size, 1 << 20);
      assertThat(ranged.paragraphs()).as("range size %d", size).isEqualTo(whole.paragraphs());
      assertThat(ranged.outcome().digest()).isEqualTo(whole.outcome().digest());
    }
  }

  @Example
  void tooLargeParagraph_isFoundAtTheSamePlace_whateverTheRanges() throws IOException {
    byte[] doc = ("ok\n\n" + "z".repeat(300) + "\n\nafter\n").getBytes(UTF_8);
    Rejection expected =
        ParagraphSplitter.split(new ByteArrayInputStream(doc), 100).outcome().rejection();
    assertThat(expected.reason()).isEqualTo(RejectReason.PARAGRAPH_TOO_LARGE);
    assertThat(expected.offset()).isEqualTo(4);
    for (int size = 1; size < doc.length; size += 7) {
      assertThat(splitInRanges(doc, size, 100).outcome().rejection()).isEqualTo(expected);
    }
  }
}
