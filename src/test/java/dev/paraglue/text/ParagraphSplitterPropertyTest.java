package dev.paraglue.text;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.TestBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The streaming splitter against a deliberately simple model built on {@link String#split}. */
class ParagraphSplitterPropertyTest {

  /** docs/contract.md §1's White_Space list, written out independently of {@link Whitespace}. */
  private static final Set<Integer> WHITE_SPACE =
      Set.of(
          0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003,
          0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F,
          0x3000);

  record ModelParagraph(String text, long line, long offset, int length) {}

  /** The model: decode, cut at LF, drop CR before LF, group non-blank lines. */
  static List<ModelParagraph> model(byte[] doc) {
    int start = 0;
    if (doc.length >= 3
        && doc[0] == (byte) 0xEF
        && doc[1] == (byte) 0xBB
        && doc[2] == (byte) 0xBF) {
      start = 3;
    }
    String s = new String(doc, start, doc.length - start, UTF_8);
    String[] lines = s.split("\n", -1);
    List<ModelParagraph> out = new ArrayList<>();
    long offset = start;
    StringBuilder text = null;
    long pLine = 0;
    long pOffset = 0;
    long pEnd = 0;
    for (int i = 0; i < lines.length; i++) {
      String raw = lines[i];
      boolean hasLf = i < lines.length - 1;
      String content = hasLf && raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
      boolean blank = content.codePoints().allMatch(WHITE_SPACE::contains);
      if (blank) {
        if (text != null) {
          out.add(new ModelParagraph(text.toString(), pLine, pOffset, (int) (pEnd - pOffset)));
          text = null;
        }
      } else {
        if (text == null) {
          text = new StringBuilder(content);
          pLine = i + 1;
          pOffset = offset;
        } else {
          text.append('\n').append(content);
        }
        pEnd = offset + (long) content.getBytes(UTF_8).length;
      }
      offset += raw.getBytes(UTF_8).length + 1L;
    }
    if (text != null) {
      out.add(new ModelParagraph(text.toString(), pLine, pOffset, (int) (pEnd - pOffset)));
    }
    return out;
  }

  @Provide
  Arbitrary<String> documents() {
    Arbitrary<String> token =
        Arbitraries.of(
            "a", "word", " ", "\t", "\n", "\n", "\n", "\r\n", "\r", "\u3000", "\u00A0", "\u0085",
            "\u200B", "\u2028", "\f", "\u000B", "\uFEFF", "中文", "😀", "é", "\u1680", "\u205F");
    return token.list().ofMaxSize(60).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<byte[]> documentBytes() {
    return documents()
        .flatMap(
            d ->
                Arbitraries.of(true, false)
                    .map(bom -> bom ? TestBytes.bytes(0xEF, 0xBB, 0xBF, d) : d.getBytes(UTF_8)));
  }

  @Property
  void splitter_matchesModel(@ForAll("documentBytes") byte[] doc) {
    List<Paragraph> actual = ParagraphSplitter.split(doc).paragraphs();
    List<ModelParagraph> expected = model(doc);
    assertThat(actual).hasSize(expected.size());
    for (int i = 0; i < actual.size(); i++) {
      Paragraph p = actual.get(i);
      ModelParagraph m = expected.get(i);
      assertThat(p.index()).isEqualTo(i);
      assertThat(p.text()).isEqualTo(m.text());
      assertThat(p.lineNumber()).isEqualTo(m.line());
      assertThat(p.byteOffset()).isEqualTo(m.offset());
      assertThat(p.byteLength()).isEqualTo(m.length());
      assertThat(p.charCount()).isEqualTo(m.text().codePointCount(0, m.text().length()));
    }
  }

  @Property
  void offsets_sliceTheSourceBackToTheText(@ForAll("documentBytes") byte[] doc) {
    for (Paragraph p : ParagraphSplitter.split(doc).paragraphs()) {
      String slice = new String(doc, (int) p.byteOffset(), p.byteLength(), UTF_8);
      assertThat(slice.replace("\r\n", "\n")).isEqualTo(p.text());
    }
  }

  @Property
  void splitOfReassembly_isTheSameParagraphs(@ForAll("documentBytes") byte[] doc) {
    ParagraphSplitter.Split first = ParagraphSplitter.split(doc);
    // docs/contract.md §1's two exceptions, tested by example in ParagraphSplitterTest.
    Assume.that(first.texts().stream().noneMatch(t -> t.contains("\r\n") || t.endsWith("\r")));
    Assume.that(first.texts().isEmpty() || !first.texts().get(0).startsWith("\uFEFF"));
    byte[] reassembled = Reassembler.reassemble(first.texts());
    ParagraphSplitter.Split second = ParagraphSplitter.split(reassembled);
    assertThat(second.texts()).isEqualTo(first.texts());
    assertThat(second.outcome().digest()).isEqualTo(first.outcome().digest());
    assertThat(first.outcome().digest().outputBytes()).isEqualTo(reassembled.length);
  }

  @Property
  void readChunking_doesNotChangeTheResult(
      @ForAll("documentBytes") byte[] doc, @ForAll @IntRange(min = 1, max = 7) int chunk)
      throws IOException {
    ParagraphSplitter.Split whole = ParagraphSplitter.split(doc);
    ParagraphSplitter.Split chunked =
        ParagraphSplitter.split(
            trickle(new ByteArrayInputStream(doc), chunk), Long.MAX_VALUE >>> 33);
    assertThat(chunked.paragraphs()).isEqualTo(whole.paragraphs());
    assertThat(chunked.outcome()).isEqualTo(whole.outcome());
  }

  /** The read buffer sized for the document (small ones get a small one) splits the same. */
  @Property(tries = 300)
  void readBufferSizedByExpectedBytes_doesNotChangeTheResult(
      @ForAll("documentBytes") byte[] doc, @ForAll @IntRange(min = 0, max = 300) int expected)
      throws IOException {
    ParagraphSplitter.Split whole = ParagraphSplitter.split(doc);
    List<Paragraph> paragraphs = new ArrayList<>();
    try (ParagraphReader reader =
        ParagraphReader.decoding(
            new ByteArrayInputStream(doc), SourceEncoding.UTF8, Long.MAX_VALUE >>> 33, expected)) {
      for (Paragraph p = reader.next(); p != null; p = reader.next()) {
        paragraphs.add(p);
      }
      assertThat(reader.outcome()).isEqualTo(whole.outcome());
    }
    assertThat(paragraphs).isEqualTo(whole.paragraphs());
    assertThat(ParagraphReader.bufferSize(expected)).isBetween(64, Math.max(64, expected + 1));
  }

  @Property(tries = 2000)
  void paragraphLimit_rejectsTheFirstParagraphOverIt_atItsOffset(
      @ForAll("documentBytes") byte[] doc,
      @ForAll @IntRange(min = 1, max = 24) int limit,
      @ForAll @IntRange(min = 1, max = 7) int chunk)
      throws IOException {
    ParagraphSplitter.Split split =
        ParagraphSplitter.split(trickle(new ByteArrayInputStream(doc), chunk), limit);
    ModelParagraph over =
        model(doc).stream()
            .filter(m -> m.text().getBytes(UTF_8).length > limit)
            .findFirst()
            .orElse(null);
    if (over == null) {
      assertThat(split.outcome().isRejected()).isFalse();
      assertThat(split.paragraphs()).isEqualTo(ParagraphSplitter.split(doc).paragraphs());
    } else {
      Rejection r = split.outcome().rejection();
      assertThat(r.reason()).isEqualTo(RejectReason.PARAGRAPH_TOO_LARGE);
      assertThat(r.offset()).isEqualTo(over.offset());
    }
  }

  @Property(tries = 2000)
  void rejection_agreesWithStrictDecoder(@ForAll("rawBytes") byte[] doc) {
    agreesWithStrictDecoder(doc);
  }

  /** Sequences inside non-blank lines, where the splitter counts whole sequences at once. */
  @Property(tries = 3000)
  void rejection_agreesWithStrictDecoder_onSequenceEdgesInsideLines(
      @ForAll("sequenceEdges") byte[] doc) {
    agreesWithStrictDecoder(doc);
  }

  @Provide
  Arbitrary<byte[]> sequenceEdges() {
    int[][] tokens = {
      {'x'},
      {'y', 'z'},
      {'\n'},
      {'\r', '\n'},
      {'\t'},
      {' '},
      {0xC3, 0xA9},
      {0xE4, 0xB8, 0xAD},
      {0xE0, 0xA0, 0x80},
      {0xED, 0x9F, 0xBF},
      {0xEF, 0xBF, 0xBF},
      {0xF0, 0x90, 0x80, 0x80},
      {0xF4, 0x8F, 0xBF, 0xBF},
      {0xE3, 0x80, 0x80},
      {0xC0, 0xAF},
      {0xC1, 0xBF},
      {0xE0, 0x80, 0x80},
      {0xE0, 0x9F, 0xBF},
      {0xED, 0xA0, 0x80},
      {0xF0, 0x80, 0x80, 0x80},
      {0xF0, 0x8F, 0xBF, 0xBF},
      {0xF4, 0x90, 0x80, 0x80},
      {0xF5, 0x80, 0x80, 0x80},
      {0xC2},
      {0xE4, 0xB8},
      {0xF0, 0x90, 0x80},
      {0x80},
      {0xBF},
      {0xFF},
      {0x00}
    };
    return Arbitraries.of(tokens)
        .list()
        .ofMaxSize(12)
        .map(
            l -> {
              ByteArrayOutputStream out = new ByteArrayOutputStream();
              out.write('x'); // a non-blank line from the start
              for (int[] t : l) {
                for (int b : t) {
                  out.write(b);
                }
              }
              return out.toByteArray();
            });
  }

  private static void agreesWithStrictDecoder(byte[] doc) {
    DocumentOutcome outcome = ParagraphSplitter.split(doc).outcome();
    int bom =
        doc.length >= 3
                && (doc[0] & 0xFF) == 0xEF
                && (doc[1] & 0xFF) == 0xBB
                && (doc[2] & 0xFF) == 0xBF
            ? 3
            : 0;
    boolean validUtf8 = strictlyValid(doc, bom, doc.length);
    int nul = indexOf(doc, (byte) 0);
    if (outcome.isRejected()) {
      Rejection r = outcome.rejection();
      assertThat(r.reason()).isIn(RejectReason.INVALID_UTF8, RejectReason.BINARY_CONTENT);
      // Everything before the reported offset is clean.
      assertThat(strictlyValid(doc, bom, (int) r.offset())).isTrue();
      assertThat(nul < 0 || nul >= r.offset()).isTrue();
      if (r.reason() == RejectReason.BINARY_CONTENT) {
        assertThat(r.offset()).isEqualTo(nul);
      } else {
        assertThat(strictlyValid(doc, bom, Math.min(doc.length, (int) r.offset() + 4))).isFalse();
      }
    } else {
      assertThat(validUtf8).isTrue();
      assertThat(nul).isNegative();
    }
  }

  @Provide
  Arbitrary<byte[]> rawBytes() {
    Arbitrary<Integer> interesting =
        Arbitraries.of(
            0x00, 0x0A, 0x0D, 0x20, 0x41, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xA0,
            0xED, 0x9F, 0xEF, 0xF0, 0x90, 0xF4, 0x8F, 0xF5, 0xFF, 0xE4, 0xB8, 0xAD);
    return Arbitraries.oneOf(interesting, Arbitraries.integers().between(0, 255))
        .list()
        .ofMaxSize(24)
        .map(TestBytes::fromValues);
  }

  private static boolean strictlyValid(byte[] doc, int from, int to) {
    if (to < from) {
      return true;
    }
    try {
      UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(doc, from, to - from));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static int indexOf(byte[] doc, byte b) {
    for (int i = 0; i < doc.length; i++) {
      if (doc[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /** An input stream that returns at most {@code chunk} bytes per read. */
  static InputStream trickle(InputStream in, int chunk) {
    return new FilterInputStream(in) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return super.read(b, off, Math.min(len, chunk));
      }
    };
  }
}
