package dev.paraglue.text;

/**
 * Cutting a message to a length, written once: rejection details (the job) and the reasons the
 * Lambda handlers give (CloudFormation's) are cut here, never in the middle of a surrogate pair.
 */
public final class Cut {
  private Cut() {}

  /** {@code s} when it has at most {@code maxChars} chars, else its first {@code maxChars}. */
  public static String atMost(String s, int maxChars) {
    if (s.length() <= maxChars) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
    return s.substring(0, end);
  }
}
