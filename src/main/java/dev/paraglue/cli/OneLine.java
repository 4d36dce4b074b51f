package dev.paraglue.cli;

import java.util.regex.Pattern;

/** The one line an error is shown as: "paraglue: Cannot X: reason". */
public final class OneLine {
  /** Spark's parser glues its position to the sentence before it: "'SELEC'.(line 1, pos 0)". */
  private static final Pattern GLUED_POSITION =
      Pattern.compile("(?<=\\S)(?=\\(line \\d+, pos \\d+\\)$)");

  private OneLine() {}

  /**
   * The first non-blank line of the message, stripped: Spark's parse errors start with a line break
   * and put the SQL and a caret below the first line. The class name when there is no message.
   */
  public static String of(Throwable e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    return m.lines()
        .map(String::strip)
        .filter(line -> !line.isEmpty())
        .findFirst()
        .map(line -> GLUED_POSITION.matcher(line).replaceFirst(" "))
        .orElse(e.getClass().getSimpleName());
  }
}
