package dev.paraglue.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;

/**
 * The encoding a document is declared in (docs/contract.md §1, "Other encodings"): a charset the
 * JVM knows by name or alias, or {@link #AUTO}, where a UTF-8/16/32 byte order mark decides and a
 * document without one is UTF-8. Nothing is ever guessed from statistics.
 *
 * <p>A declared {@code UTF-16} or {@code UTF-32} (and the JVM's {@code x-…-BOM} variants) reads its
 * byte order mark the same way, so that the mark is never text and always counts in offsets.
 */
public final class SourceEncoding {
  /** A byte order mark decides; none means UTF-8. */
  public static final String AUTO = "auto";

  /** The default, and what a ledger row written before encodings existed was read as. */
  public static final String UTF8 = StandardCharsets.UTF_8.name();

  private SourceEncoding() {}

  /**
   * The canonical spelling of an encoding name: {@code auto}, or the charset's canonical name
   * ({@code gbk} gives {@code GBK}, {@code latin1} gives {@code ISO-8859-1}). Unknown or
   * unsupported names are an {@code IllegalArgumentException} whose message is the reason alone.
   */
  public static String canonical(String name) {
    String n = name == null ? "" : name.strip();
    if (n.toLowerCase(Locale.ROOT).equals(AUTO)) {
      return AUTO;
    }
    try {
      return Charset.forName(n).name();
    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
      throw new IllegalArgumentException(
          "not a charset this JVM knows (give a name such as UTF-8, GB18030, Shift_JIS,"
              + " windows-1252, UTF-16, or auto)",
          e);
    }
  }

  /** A whole text in UTF-8, or where it is not valid in its charset. */
  public record Decoded(byte[] utf8, Rejection rejection) {}

  /**
   * A whole text held in memory, decoded strictly from {@code encoding} (a {@link #canonical} name)
   * to UTF-8; a byte order mark stays (as UTF-8's, which the splitter drops). UTF-8 is returned as
   * it is, for the splitter to check.
   */
  public static Decoded toUtf8(byte[] source, String encoding) {
    try (InputStream in = open(new java.io.ByteArrayInputStream(source), encoding)) {
      return new Decoded(in.readAllBytes(), null);
    } catch (DecodingInputStream.EncodingException e) {
      return new Decoded(null, e.rejection());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Cannot decode a text in memory", e);
    }
  }

  /** True when documents in this encoding take the plain UTF-8 path (and may be read in ranges). */
  public static boolean isUtf8(String canonical) {
    return UTF8.equals(canonical);
  }

  /**
   * A document's bytes as UTF-8 for the splitter: {@code in} itself for UTF-8, else a strict
   * transcoding stream. For {@code auto} and the byte-order-mark charsets the first bytes decide.
   */
  static InputStream open(InputStream in, String canonical) throws IOException {
    if (isUtf8(canonical)) {
      return in;
    }
    String family = bomFamily(canonical);
    if (family == null) {
      return new DecodingInputStream(in, Charset.forName(canonical), 0);
    }
    PushbackInputStream peek = new PushbackInputStream(in, 4);
    byte[] head = new byte[4];
    int n = 0;
    for (int r = 0; n < 4 && r >= 0; n += Math.max(r, 0)) {
      r = peek.read(head, n, 4 - n);
    }
    peek.unread(head, 0, n);
    String chosen = byMark(head, n, family, canonical);
    if (isUtf8(chosen)) {
      return peek;
    }
    return new DecodingInputStream(peek, Charset.forName(chosen), markLength(head, n, chosen));
  }

  /** "16", "32", "auto", or null for a charset without byte-order-mark handling of its own. */
  private static String bomFamily(String canonical) {
    if (canonical.equals(AUTO)) {
      return AUTO;
    }
    String upper = canonical.toUpperCase(Locale.ROOT);
    if (upper.equals("UTF-16") || upper.equals("X-UTF-16LE-BOM")) {
      return "16";
    }
    if (upper.equals("UTF-32")
        || upper.equals("X-UTF-32BE-BOM")
        || upper.equals("X-UTF-32LE-BOM")) {
      return "32";
    }
    return null;
  }

  /**
   * The explicit-byte-order charset that reads a document starting with {@code head}: one whose
   * decoder gives the mark as U+FEFF (dropped by the splitter like UTF-8's) rather than eating it.
   */
  private static String byMark(byte[] h, int n, String family, String declared) {
    boolean utf32le = n >= 4 && u(h[0]) == 0xFF && u(h[1]) == 0xFE && h[2] == 0 && h[3] == 0;
    boolean utf32be = n >= 4 && h[0] == 0 && h[1] == 0 && u(h[2]) == 0xFE && u(h[3]) == 0xFF;
    boolean le = n >= 2 && u(h[0]) == 0xFF && u(h[1]) == 0xFE;
    boolean be = n >= 2 && u(h[0]) == 0xFE && u(h[1]) == 0xFF;
    boolean littleDefault = declared.toUpperCase(Locale.ROOT).contains("LE-BOM");
    switch (family) {
      case AUTO:
        if (utf32le || utf32be) {
          return utf32le ? "UTF-32LE" : "UTF-32BE";
        }
        return le ? "UTF-16LE" : be ? "UTF-16BE" : UTF8;
      case "16":
        return le ? "UTF-16LE" : be || !littleDefault ? "UTF-16BE" : "UTF-16LE";
      default:
        return utf32le ? "UTF-32LE" : utf32be || !littleDefault ? "UTF-32BE" : "UTF-32LE";
    }
  }

  /** The length of {@code chosen}'s byte order mark at the start of {@code head}, else 0. */
  private static int markLength(byte[] head, int n, String chosen) {
    byte[] mark = "\uFEFF".getBytes(Charset.forName(chosen));
    if (n < mark.length) {
      return 0;
    }
    for (int i = 0; i < mark.length; i++) {
      if (head[i] != mark[i]) {
        return 0;
      }
    }
    return mark.length;
  }

  private static int u(byte b) {
    return b & 0xFF;
  }
}
