package dev.paraglue.text;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.TestBytes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One example per clause of docs/contract.md §1. */
class ParagraphSplitterTest {

  private static ParagraphSplitter.Split split(String s) {
    return ParagraphSplitter.split(s.getBytes(UTF_8));
  }

  private static ParagraphSplitter.Split split(byte[] b) {
    return ParagraphSplitter.split(b);
  }

  private static Rejection rejection(byte[] b) {
    return split(b).outcome().rejectionIfAny().orElseThrow();
  }

  @Test
  void twoParagraphs_withPositions() {
    List<Paragraph> ps = split("one\ntwo\n\nthree\n").paragraphs();
    assertThat(ps)
        .containsExactly(
            new Paragraph(0, 1, 0, 7, 7, "one\ntwo".getBytes(UTF_8)),
            new Paragraph(1, 4, 9, 5, 5, "three".getBytes(UTF_8)));
  }

  @Test
  void byteOrderMark_isDroppedButCounted() {
    byte[] doc = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "hi\n".getBytes(UTF_8));
    Paragraph p = split(doc).paragraphs().get(0);
    assertThat(p.text()).isEqualTo("hi");
    assertThat(p.byteOffset()).isEqualTo(3);
    assertThat(p.lineNumber()).isEqualTo(1);
  }

  @Test
  void byteOrderMark_onlyAtStart_isContent() {
    assertThat(split("a\n\n\uFEFF\n").texts()).containsExactly("a", "\uFEFF");
    assertThat(split("\uFEFF\uFEFFx").texts()).containsExactly("\uFEFFx");
  }

  /** The two cases docs/contract.md §1 names where plain text cannot round-trip. */
  @Test
  void roundTripExceptions_areExactlyTheDocumentedOnes() {
    List<String> feff = split("\n\uFEFFx\n\ny").texts();
    assertThat(feff).containsExactly("\uFEFFx", "y");
    assertThat(split(Reassembler.reassemble(feff)).texts()).containsExactly("x", "y");

    List<String> cr = split("a\r\r\nb\n\nc\r").texts();
    assertThat(cr).containsExactly("a\r\nb", "c\r");
    assertThat(split(Reassembler.reassemble(cr)).texts()).containsExactly("a\nb", "c");
  }

  @Test
  void crlf_isLineEnd_andByteLengthCountsInnerCrlf() {
    Paragraph p = split("a \r\nb\r\n\r\nc\r\n").paragraphs().get(0);
    assertThat(p.text()).isEqualTo("a \nb");
    assertThat(p.byteLength()).isEqualTo(5); // "a \r\nb"
    assertThat(p.charCount()).isEqualTo(4);
    assertThat(split("a \r\nb\r\n\r\nc\r\n").paragraphs().get(1).byteOffset()).isEqualTo(9);
  }

  @Test
  void loneCr_isContent() {
    assertThat(split("a\rb\n\nc\r").texts()).containsExactly("a\rb", "c\r");
    assertThat(split("x\r\r\ny").texts()).containsExactly("x\r\ny");
  }

  @Test
  void crOnlyLine_isBlank() {
    assertThat(split("a\n\r\nb").texts()).containsExactly("a", "b");
  }

  @Test
  void unicodeLineSeparators_areNotLineEnds() {
    assertThat(split("a\u2028b\u2029c\u0085d\n").texts()).containsExactly("a\u2028b\u2029c\u0085d");
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        0x09, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000, 0x2005, 0x200A, 0x2028, 0x2029,
        0x202F, 0x205F, 0x3000
      })
  void whiteSpaceOnlyLine_isBlank(int cp) {
    String ws = new String(Character.toChars(cp));
    assertThat(split("a\n" + ws + ws + "\nb\n").texts()).containsExactly("a", "b");
  }

  @ParameterizedTest
  @ValueSource(ints = {0x200B, 0xFEFF, 0x1F, 0x2060, 0x180E})
  void notWhiteSpace_makesLineNonBlank(int cp) {
    String c = new String(Character.toChars(cp));
    assertThat(split("a\n" + c + "\nb\n").texts()).containsExactly("a\n" + c + "\nb");
  }

  @Test
  void emptyDocument_hasNoParagraphs_andReassemblesToNothing() {
    ParagraphSplitter.Split s = split("");
    assertThat(s.paragraphs()).isEmpty();
    assertThat(s.outcome().digest()).isEqualTo(DocumentDigest.EMPTY);
    assertThat(Reassembler.reassemble(List.of())).isEmpty();
  }

  @Test
  void blankOnlyDocument_hasNoParagraphs() {
    assertThat(split(" \n\t\n\u3000\r\n\n").paragraphs()).isEmpty();
  }

  @Test
  void leadingAndTrailingBlankLines_areNotParagraphs() {
    List<Paragraph> ps = split("\n\n  \nx\n\n\n").paragraphs();
    assertThat(ps).hasSize(1);
    assertThat(ps.get(0).lineNumber()).isEqualTo(4);
    assertThat(ps.get(0).byteOffset()).isEqualTo(5);
  }

  @Test
  void noFinalNewline_lastLineCounts() {
    assertThat(split("a\n\nlast").texts()).containsExactly("a", "last");
  }

  @Test
  void indentationAndTrailingSpaces_areKept() {
    assertThat(split("  a  \n\tb\t\n").texts()).containsExactly("  a  \n\tb\t");
  }

  @Test
  void charCount_countsCodePoints() {
    Paragraph p = split("中文😀\né").paragraphs().get(0);
    assertThat(p.charCount()).isEqualTo(5);
    assertThat(p.byteLength()).isEqualTo(3 + 3 + 4 + 1 + 2);
  }

  @Test
  void reassembly_joinsWithBlankLine_andSplitsBack() {
    byte[] out = Reassembler.reassemble(split("a\nb\n \n\n c\n").texts());
    assertThat(new String(out, UTF_8)).isEqualTo("a\nb\n\n c\n");
    assertThat(split(out).texts()).containsExactly("a\nb", " c");
  }

  @Test
  void digest_ofSplit_equalsDigest_ofReassembly() throws IOException {
    ParagraphSplitter.Split s = split("x\n\ny\r\nz\n");
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    Reassembler r = new Reassembler(out);
    for (Paragraph p : s.paragraphs()) {
      r.add(p.index(), p.text());
    }
    assertThat(r.finish()).isEqualTo(s.outcome().digest());
    assertThat(s.outcome().digest().outputBytes()).isEqualTo(out.size());
  }

  @Test
  void invalidUtf8_isRejectedAtItsOffset() {
    Rejection r = rejection(TestBytes.bytes("ok\n", 0xFF, "x"));
    assertThat(r.reason()).isEqualTo(RejectReason.INVALID_UTF8);
    assertThat(r.offset()).isEqualTo(3);
  }

  @Test
  void overlongForms_areInvalid() {
    assertThat(rejection(TestBytes.bytes("a", 0xC0, 0xAF)).offset()).isEqualTo(1);
    assertThat(rejection(TestBytes.bytes("ab", 0xE0, 0x80, 0xAF)).offset()).isEqualTo(2);
    assertThat(rejection(TestBytes.bytes("", 0xF0, 0x80, 0x80, 0xAF)).reason())
        .isEqualTo(RejectReason.INVALID_UTF8);
  }

  @Test
  void surrogates_areInvalid() {
    Rejection r = rejection(TestBytes.bytes("ab\n", 0xED, 0xA0, 0x80));
    assertThat(r.reason()).isEqualTo(RejectReason.INVALID_UTF8);
    assertThat(r.offset()).isEqualTo(3);
  }

  @Test
  void aboveMaxCodePoint_andTruncatedSequences_areInvalid() {
    assertThat(rejection(TestBytes.bytes("", 0xF4, 0x90, 0x80, 0x80)).offset()).isZero();
    assertThat(rejection(TestBytes.bytes("abc", 0xE4, 0xB8)).offset()).isEqualTo(3);
    assertThat(rejection(TestBytes.bytes("a", 0xE4, "\n")).offset()).isEqualTo(1);
    assertThat(rejection(TestBytes.bytes("", 0x80)).offset()).isZero();
  }

  @Test
  void nul_isBinaryContent() {
    Rejection r = rejection(TestBytes.bytes("text\n\nmore", 0x00));
    assertThat(r.reason()).isEqualTo(RejectReason.BINARY_CONTENT);
    assertThat(r.offset()).isEqualTo(10);
  }

  @Test
  void rejectedDocument_keepsNoParagraphs() {
    assertThat(split(TestBytes.bytes("good\n\nbad", 0xFF)).paragraphs()).isEmpty();
  }

  @Test
  void paragraphOverLimit_isRejectedAtItsStart() throws IOException {
    byte[] doc = "ab\n\n12345\n6\n".getBytes(UTF_8);
    ParagraphSplitter.Split s = ParagraphSplitter.split(new ByteArrayInputStream(doc), 6);
    Rejection r = s.outcome().rejectionIfAny().orElseThrow();
    assertThat(r.reason()).isEqualTo(RejectReason.PARAGRAPH_TOO_LARGE);
    assertThat(r.offset()).isEqualTo(4);
  }

  @Test
  void paragraphAtLimit_isAccepted_evenWithCrlf() throws IOException {
    byte[] doc = "12345\r\n6\r\n".getBytes(UTF_8); // text "12345\n6" is 7 bytes
    ParagraphSplitter.Split s = ParagraphSplitter.split(new ByteArrayInputStream(doc), 7);
    assertThat(s.texts()).containsExactly("12345\n6");
  }

  @Test
  void longBlankLine_overTheLimit_isNotAParagraph() throws IOException {
    byte[] doc = ("a\n" + " ".repeat(100) + "\nb").getBytes(UTF_8);
    assertThat(ParagraphSplitter.split(new ByteArrayInputStream(doc), 4).texts())
        .containsExactly("a", "b");
  }

  @Test
  void failingStream_isUnreadable_atBytesRead() throws IOException {
    InputStream failing =
        new InputStream() {
          int n;

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int c = read();
            b[off] = (byte) c;
            return 1;
          }

          @Override
          public int read() throws IOException {
            if (n++ < 5) {
              return 'a';
            }
            throw new IOException("Unexpected end of ZLIB input stream");
          }
        };
    Rejection r = ParagraphSplitter.split(failing, 100).outcome().rejectionIfAny().orElseThrow();
    assertThat(r.reason()).isEqualTo(RejectReason.UNREADABLE);
    assertThat(r.offset()).isEqualTo(5);
    assertThat(r.detail()).contains("ZLIB");
  }

  @Test
  void paragraphsCrossingReadBuffers_areExact() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      sb.append("line ").append(i).append(" 中文\r\n");
      if (i % 7 == 6) {
        sb.append(" \r\n");
      }
    }
    byte[] doc = sb.toString().getBytes(UTF_8);
    for (Paragraph p : split(doc).paragraphs()) {
      String source = new String(doc, (int) p.byteOffset(), p.byteLength(), UTF_8);
      assertThat(source.replace("\r\n", "\n")).isEqualTo(p.text());
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
