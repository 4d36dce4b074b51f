package dev.paraglue.cli;

import java.util.regex.Pattern;

/** The one line an error is shown as: "paraglue: Cannot X: reason". */
public final class OneLine {
  /** Spark's parser glues its position to the sentence before it: "'SELEC'.(line 1, pos 0)". */
  private static final Pattern GLUED_POSITION =
      Pattern.compile("(?<=\\S)(?=\\(line \\d+, pos \\d+\\)$)");

  /**
   * How every error of paraglue's own starts: "Cannot X: reason" names what could not be done (the
   * project's rule for messages), which tells ours from the exceptions of Spark, Hadoop and the JDK
   * that wrap or carry them.
   */
  public static final String CANNOT = "Cannot ";

  private OneLine() {}

  /** Whether a message is one of ours, naming what could not be done. */
  public static boolean namesWhatFailed(String message) {
    return message != null && message.startsWith(CANNOT);
  }

  /**
   * The most telling exception of a chain: the first of ours ({@link #namesWhatFailed}), which
   * Spark wraps in "Job aborted due to stage failure"; {@code e} itself when there is none.
   */
  public static Throwable mostTelling(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (namesWhatFailed(t.getMessage())) {
        return t;
      }
    }
    return e;
  }

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
