package dev.paraglue.text;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paraglue.TestBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Documents in other charsets (docs/contract.md §1, "Other encodings"), by example. */
class SourceEncodingTest {
  private static final byte[] NO_BOM = {};

  /**
   * Golden text per charset: from its repertoire, with CRLF, blank White_Space lines, no final LF.
   */
  private static final String CHINESE =
      "第一段，简体中文。\r\n第二行 ABC\n\n \u3000\t\n繁體也可以：「引號」 café\n\n\n结尾没有换行";

  private static final String TRADITIONAL = "第一段，繁體中文。\r\n第二行 ABC\n\n \u3000\t\n臺灣的文字\n\n\n結尾";
  private static final String JAPANESE = "日本語の文章です。\r\n二行目 ｶﾀｶﾅ\n\n \u3000\n第二段落\n\n\n終わり";
  private static final String LATIN =
      "Café “quoted” — naïve €5\r\nsecond line\n\n \u00A0\t\nŒuvre\n\n\nend";
  private static final String ANY = CHINESE + "\n\nemoji 😀 and 𠀀 beyond the BMP\n";

  @Test
  void goldenDocuments_giveTheSameParagraphsAsUtf8_withOffsetsIntoTheSource() {
    sameAsUtf8(CHINESE, "GB18030", NO_BOM);
    sameAsUtf8(ANY, "gb18030", NO_BOM);
    sameAsUtf8(CHINESE, "GBK", NO_BOM);
    sameAsUtf8(TRADITIONAL, "Big5", NO_BOM);
    sameAsUtf8(JAPANESE, "Shift_JIS", NO_BOM);
    sameAsUtf8(JAPANESE, "EUC-JP", NO_BOM);
    sameAsUtf8(LATIN, "windows-1252", NO_BOM);
    sameAsUtf8(ANY, "UTF-16LE", new byte[] {(byte) 0xFF, (byte) 0xFE});
    sameAsUtf8(ANY, "UTF-16BE", new byte[] {(byte) 0xFE, (byte) 0xFF});
    sameAsUtf8(ANY, "UTF-16", new byte[] {(byte) 0xFF, (byte) 0xFE}, "UTF-16LE");
    sameAsUtf8(ANY, "UTF-32", new byte[] {0, 0, (byte) 0xFE, (byte) 0xFF}, "UTF-32BE");
    sameAsUtf8(ANY, "UTF-32LE", new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0});
    sameAsUtf8(ANY, "UTF-8", new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
  }

  @Test
  void auto_letsTheByteOrderMarkDecide() {
    for (String cs : List.of("UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE", "UTF-8")) {
      byte[] bom = "\uFEFF".getBytes(Charset.forName(cs));
      ParagraphSplitter.Split s = sameAsUtf8(ANY, "auto", bom, cs);
      assertThat(s.paragraphs().get(0).byteOffset()).as(cs).isEqualTo(bom.length);
    }
  }

  @Test
  void auto_withoutAMark_isStrictUtf8_nothingGuessed() {
    byte[] latin1 = "café\n".getBytes(Charset.forName("ISO-8859-1"));
    Rejection r = ParagraphSplitter.split(latin1, "auto").outcome().rejection();
    assertThat(r.reason()).isEqualTo(RejectReason.INVALID_UTF8);
    assertThat(r.offset()).isEqualTo(3);
    assertThat(ParagraphSplitter.split("plain\n".getBytes(UTF_8), "auto").texts())
        .containsExactly("plain");
  }

  @Test
  void offsets_byExample_countTheMarkAndTheSourceBytes() {
    byte[] gb = bytes("\uFEFF中\r\n\n文字\n", "GB18030"); // GB18030's mark is 84 31 95 33
    List<Paragraph> ps = ParagraphSplitter.split(gb, "GB18030").paragraphs();
    assertThat(ps).extracting(Paragraph::byteOffset).containsExactly(4L, 9L);
    assertThat(ps).extracting(Paragraph::byteLength).containsExactly(2, 4);
    assertThat(ps).extracting(Paragraph::lineNumber).containsExactly(1L, 3L);
    assertThat(ps).extracting(Paragraph::charCount).containsExactly(1, 2);
    byte[] be = bytes("\uFEFFab\n\ncd", "UTF-16BE");
    assertThat(ParagraphSplitter.split(be, "UTF-16").paragraphs())
        .extracting(Paragraph::byteOffset, Paragraph::byteLength)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(2L, 4),
            org.assertj.core.groups.Tuple.tuple(10L, 4));
    // UTF-16 without a mark is big-endian, as Java and the Unicode standard read it.
    assertThat(ParagraphSplitter.split(bytes("ab", "UTF-16BE"), "UTF-16").texts())
        .containsExactly("ab");
  }

  @Test
  void utf8_readsExactlyAsBefore() {
    byte[] doc = TestBytes.bytes(0xEF, 0xBB, 0xBF, "a\r\nb\n\n\u3000\nc");
    ParagraphSplitter.Split declared = ParagraphSplitter.split(doc, "UTF-8");
    assertThat(declared).isEqualTo(ParagraphSplitter.split(doc));
    assertThat(declared.paragraphs().get(0).byteOffset()).isEqualTo(3);
  }

  @Test
  void malformedAndUnmappable_rejectAtTheirOffset_atStartMiddleAndEnd() {
    // GB18030: a lead byte with an impossible trail byte, and one cut off at the end.
    assertRejected(TestBytes.bytes(0x81, 0x20, "abc"), "GB18030", 0);
    assertRejected(cat(bytes("中文\n\n", "GB18030"), TestBytes.bytes(0x81, 0x7F)), "GB18030", 6);
    assertRejected(cat(bytes("中文", "GB18030"), TestBytes.bytes(0x81)), "GB18030", 4);
    // windows-1252 has no character at 0x81: unmappable.
    assertRejected(TestBytes.bytes(0x81, "abc"), "windows-1252", 0);
    assertRejected(TestBytes.bytes("ab\n\ncd", 0x8D, "e"), "windows-1252", 6);
    assertRejected(TestBytes.bytes("abc", 0x9D), "windows-1252", 3);
    // Shift_JIS: a lead byte followed by a byte no trail may be.
    assertRejected(cat(bytes("日本\n", "Shift_JIS"), TestBytes.bytes(0x88, 0x0A)), "Shift_JIS", 5);
    // Big5: a lead byte at the end.
    assertRejected(cat(bytes("中文", "Big5"), TestBytes.bytes(0xA4)), "Big5", 4);
    // UTF-16: an odd byte at the end, an unpaired surrogate in the middle.
    assertRejected(TestBytes.bytes(0xFF, 0xFE, "a", 0, "b"), "UTF-16", 4);
    assertRejected(TestBytes.bytes("a", 0, 0x00, 0xD8, "b", 0, "c", 0), "UTF-16LE", 2);
  }

  @Test
  void rejection_namesTheCharset_andNeverReplaces() {
    Rejection r =
        ParagraphSplitter.split(TestBytes.bytes("ab", 0x81), "windows-1252").outcome().rejection();
    assertThat(r.detail()).contains("windows-1252").contains("unmappable");
    assertThat(r.toString()).startsWith("invalid-encoding at byte 2");
  }

  @Test
  void malformedAcrossBufferBoundaries_isFoundAtItsOffset() {
    for (int at = (1 << 16) - 3; at <= (1 << 16) + 1; at++) {
      byte[] valid = cat(ascii(at), bytes("中文\n", "GB18030"));
      ParagraphSplitter.Split ok = ParagraphSplitter.split(valid, "GB18030");
      assertThat(ok.texts()).hasSize(1);
      assertThat(ok.paragraphs().get(0).byteLength()).isEqualTo(at + 4);
      assertRejected(cat(ascii(at), TestBytes.bytes(0x81, 0x30, 0x81)), "GB18030", at);
    }
  }

  @Test
  void otherRejections_stillApply_atSourceOffsets() throws IOException {
    Rejection nul =
        ParagraphSplitter.split(bytes("中文\n\n文\u0000", "GB18030"), "GB18030").outcome().rejection();
    assertThat(nul.reason()).isEqualTo(RejectReason.BINARY_CONTENT);
    assertThat(nul.offset()).isEqualTo(8);
    byte[] big = bytes("短\n\n太长的段落\n", "GB18030");
    DocumentOutcome tooLarge =
        ParagraphSplitter.split(new ByteArrayInputStream(big), "GB18030", 6).outcome();
    assertThat(tooLarge.rejection().reason()).isEqualTo(RejectReason.PARAGRAPH_TOO_LARGE);
    assertThat(tooLarge.rejection().offset()).isEqualTo(4);
  }

  @Test
  void canonical_knowsNamesAndAliases_andRefusesTheRest() {
    assertThat(SourceEncoding.canonical("gb18030")).isEqualTo("GB18030");
    assertThat(SourceEncoding.canonical("latin1")).isEqualTo("ISO-8859-1");
    assertThat(SourceEncoding.canonical("cp1252")).isEqualTo("windows-1252");
    assertThat(SourceEncoding.canonical("utf8")).isEqualTo("UTF-8");
    assertThat(SourceEncoding.canonical(" AUTO ")).isEqualTo("auto");
    assertThatThrownBy(() -> SourceEncoding.canonical("klingon"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a charset this JVM knows");
    assertThatThrownBy(() -> SourceEncoding.canonical("bad name!"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void toUtf8_decodesAWholeTextStrictly() {
    SourceEncoding.Decoded ok = SourceEncoding.toUtf8(bytes("中文 😀", "GB18030"), "GB18030");
    assertThat(new String(ok.utf8(), UTF_8)).isEqualTo("中文 😀");
    SourceEncoding.Decoded bad =
        SourceEncoding.toUtf8(TestBytes.bytes("ab", 0x81, 0x20), "GB18030");
    assertThat(bad.utf8()).isNull();
    assertThat(bad.rejection().offset()).isEqualTo(2);
  }

  @Test
  void offsetMap_forgetsWhatLiesBehindItsLookups() {
    OffsetMap map = new OffsetMap();
    for (int i = 0; i < 1000; i++) {
      map.add(i * 4L, i * 3L, i % 2 == 0 ? 3 : 1, i % 2 == 0 ? 2 : 1);
    }
    assertThat(map.source(8)).isEqualTo(6);
    assertThat(map.segments()).isLessThanOrEqualTo(998);
    map.source(3996);
    assertThat(map.segments()).isEqualTo(1);
  }

  static ParagraphSplitter.Split sameAsUtf8(String text, String charset, byte[] bom) {
    return sameAsUtf8(text, charset, bom, charset);
  }

  /** Splits {@code text} written in {@code writtenIn} and read as {@code declared}. */
  static ParagraphSplitter.Split sameAsUtf8(
      String text, String declared, byte[] bom, String writtenIn) {
    byte[] source = cat(bom, bytes(text, writtenIn));
    ParagraphSplitter.Split decoded =
        ParagraphSplitter.split(source, SourceEncoding.canonical(declared));
    ParagraphSplitter.Split utf8 = ParagraphSplitter.split(text.getBytes(UTF_8));
    String as = declared + " (" + writtenIn + ")";
    assertThat(decoded.outcome().isRejected()).as(as + " " + decoded.outcome()).isFalse();
    assertThat(decoded.texts()).as(as).isEqualTo(utf8.texts()).isNotEmpty();
    assertThat(decoded.paragraphs())
        .extracting(Paragraph::lineNumber)
        .as(as)
        .isEqualTo(utf8.paragraphs().stream().map(Paragraph::lineNumber).toList());
    assertThat(decoded.paragraphs())
        .extracting(Paragraph::charCount)
        .as(as)
        .isEqualTo(utf8.paragraphs().stream().map(Paragraph::charCount).toList());
    assertThat(decoded.outcome().digest()).isEqualTo(utf8.outcome().digest());
    assertThat(decoded.outcome().bytesRead()).isEqualTo(source.length);
    Charset cs = Charset.forName(writtenIn);
    for (Paragraph p : decoded.paragraphs()) {
      String slice = new String(source, (int) p.byteOffset(), p.byteLength(), cs);
      assertThat(slice.replace("\r\n", "\n")).as(as + " " + p).isEqualTo(p.text());
    }
    return decoded;
  }

  static void assertRejected(byte[] doc, String charset, long offset) {
    Rejection r =
        ParagraphSplitter.split(doc, SourceEncoding.canonical(charset)).outcome().rejection();
    assertThat(r).as(charset).isNotNull();
    assertThat(r.reason()).as(charset + " " + r).isEqualTo(RejectReason.INVALID_ENCODING);
    assertThat(r.offset()).as(charset + " " + r).isEqualTo(offset);
    assertThat(r.detail()).contains(Charset.forName(charset).name());
  }

  /** {@code text} in {@code charset}, strictly: fails when the charset cannot hold it. */
  static byte[] bytes(String text, String charset) {
    try {
      ByteBuffer b =
          Charset.forName(charset)
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(text));
      byte[] out = new byte[b.remaining()];
      b.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new AssertionError(charset + " cannot hold the test text", e);
    }
  }

  static byte[] cat(byte[] a, byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }

  private static byte[] ascii(int n) {
    return "x".repeat(n).getBytes(UTF_8);
  }
}
