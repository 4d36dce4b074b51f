package dev.paraglue.text;

/** The Unicode White_Space property, which decides blank lines (docs/contract.md §1). */
public final class Whitespace {
  private Whitespace() {}

  /**
   * True for U+0009–U+000D, U+0020, U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F,
   * U+205F and U+3000. U+200B and U+FEFF are not White_Space.
   */
  public static boolean isWhiteSpace(int cp) {
    if (cp < 0x80) {
      return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
    }
    return switch (cp) {
      case 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
      default -> cp >= 0x2000 && cp <= 0x200A;
    };
  }
}
