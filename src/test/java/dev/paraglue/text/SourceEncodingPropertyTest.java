package dev.paraglue.text;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.TestBytes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random text in each charset's repertoire splits as its UTF-8 does; random bytes are rejected
 * exactly where the JDK's own strict decoder, run over the whole input at once, stops.
 */
class SourceEncodingPropertyTest {
  private static final List<String> LINE_TOKENS =
      List.of("\n", "\n", "\r\n", "\r", " ", "\t", "\n\n", "a", "word", "\f");

  /** Per charset, pieces of text it can hold (its own blank-line White_Space included). */
  private static final Map<String, List<String>> REPERTOIRE =
      Map.of(
          "GB18030", List.of("中文", "，", "。", "\u3000", "😀", "é", "𠀀", "\u00A0", "\u2028"),
          "Big5", List.of("中文", "繁體", "，", "\u3000", "臺"),
          "Shift_JIS", List.of("日本語", "ｶﾀｶﾅ", "。", "\u3000", "ひらがな"),
          "windows-1252", List.of("café", "€", "“q”", "\u00A0", "Œ", "—"),
          "UTF-16LE", List.of("中文", "😀", "\u3000", "\u2028", "\uFEFF", "é", "\u0085"),
          "UTF-16BE", List.of("中文", "😀", "\u3000", "\u1680", "é"),
          "EUC-KR", List.of("한국어", "\u3000", "。"));

  @Provide
  Arbitrary<String> charsets() {
    return Arbitraries.of(REPERTOIRE.keySet().stream().sorted().toList());
  }

  @Provide
  Arbitrary<Map.Entry<String, String>> texts() {
    return charsets()
        .flatMap(
            cs ->
                Arbitraries.of(
                        java.util.stream.Stream.concat(
                                LINE_TOKENS.stream(), REPERTOIRE.get(cs).stream())
                            .toList())
                    .list()
                    .ofMaxSize(40)
                    .map(l -> Map.entry(cs, String.join("", l))));
  }

  @Property(tries = 700)
  void encodedText_splitsAsItsUtf8(
      @ForAll("texts") Map.Entry<String, String> doc, @ForAll @IntRange(min = 1, max = 7) int chunk)
      throws IOException {
    String cs = doc.getKey();
    String text = doc.getValue();
    byte[] source = SourceEncodingTest.bytes(text, cs);
    ParagraphSplitter.Split utf8 = ParagraphSplitter.split(text.getBytes(UTF_8));
    ParagraphSplitter.Split decoded =
        ParagraphSplitter.split(
            ParagraphSplitterPropertyTest.trickle(new ByteArrayInputStream(source), chunk),
            cs,
            ParagraphSplitter.DEFAULT_MAX_PARAGRAPH_BYTES);
    assertThat(decoded.outcome().isRejected()).isFalse();
    assertThat(decoded.texts()).isEqualTo(utf8.texts());
    assertThat(decoded.outcome().digest()).isEqualTo(utf8.outcome().digest());
    for (int i = 0; i < decoded.paragraphs().size(); i++) {
      Paragraph p = decoded.paragraphs().get(i);
      Paragraph u = utf8.paragraphs().get(i);
      assertThat(p.lineNumber()).isEqualTo(u.lineNumber());
      assertThat(p.charCount()).isEqualTo(u.charCount());
      String slice = new String(source, (int) p.byteOffset(), p.byteLength(), Charset.forName(cs));
      assertThat(slice.replace("\r\n", "\n")).isEqualTo(p.text());
    }
  }

  @Provide
  Arbitrary<Map.Entry<String, byte[]>> mixedBytes() {
    Arbitrary<byte[]> junk =
        Arbitraries.integers()
            .between(1, 255)
            .list()
            .ofMinSize(1)
            .ofMaxSize(3)
            .map(TestBytes::fromValues);
    return texts()
        .flatMap(
            t ->
                Combinators.combine(
                        junk, Arbitraries.integers().between(0, 1000), Arbitraries.of(true, false))
                    .as(
                        (bad, at, tail) -> {
                          byte[] good = SourceEncodingTest.bytes(t.getValue(), t.getKey());
                          int cut = good.length == 0 ? 0 : at % (good.length + 1);
                          byte[] head = java.util.Arrays.copyOf(good, cut);
                          byte[] rest =
                              tail
                                  ? new byte[0]
                                  : java.util.Arrays.copyOfRange(good, cut, good.length);
                          return Map.entry(
                              t.getKey(),
                              SourceEncodingTest.cat(SourceEncodingTest.cat(head, bad), rest));
                        }));
  }

  @Property(tries = 1500)
  void anyBytes_rejectedWhereTheStrictDecoderStops(
      @ForAll("mixedBytes") Map.Entry<String, byte[]> doc) {
    String cs = doc.getKey();
    byte[] source = doc.getValue();
    CharsetDecoder d =
        Charset.forName(cs)
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(source);
    CharBuffer out = CharBuffer.allocate(source.length * 2 + 4);
    CoderResult r = d.decode(in, out, true);
    boolean valid = !r.isError() && !d.flush(out).isError();
    String decoded = out.flip().toString();
    DocumentOutcome outcome = ParagraphSplitter.split(source, cs).outcome();
    int nul = decoded.indexOf('\u0000');
    if (nul >= 0) {
      // U+0000 decoded before any invalid byte: binary content, found first.
      assertThat(outcome.rejection().reason())
          .as("%s %s", cs, java.util.Arrays.toString(source))
          .isEqualTo(RejectReason.BINARY_CONTENT);
      int at = new String(decoded.substring(0, nul)).getBytes(Charset.forName(cs)).length;
      assertThat(outcome.rejection().offset()).isEqualTo(at);
    } else if (!valid) {
      assertThat(outcome.rejection()).isNotNull();
      assertThat(outcome.rejection().reason()).isEqualTo(RejectReason.INVALID_ENCODING);
      assertThat(outcome.rejection().offset()).isEqualTo(in.position());
    } else {
      assertThat(outcome.isRejected()).as("%s", outcome).isFalse();
    }
  }
}
