package dev.paraglue.cli;

/**
 * One row of a command's argument table: {@code --name value}, the default the parser fills in when
 * it is not given (null: none), and one line of meaning for the help.
 *
 * @param value what the help shows after the name ({@code db.table}, {@code n}); null for a flag,
 *     which takes no value and is {@code "true"} when given
 */
public record Argument(String name, String value, String dflt, String meaning) {
  public Argument {
    if (name == null || name.isBlank() || meaning == null || meaning.isBlank()) {
      throw new IllegalArgumentException("Cannot define argument '" + name + "': name and meaning");
    }
  }

  /** An argument that takes a value and has no default. */
  public static Argument of(String name, String value, String meaning) {
    return new Argument(name, value, null, meaning);
  }

  /** An argument that takes no value: off unless given. */
  public static Argument flag(String name, String meaning) {
    return new Argument(name, null, null, meaning);
  }

  public boolean isFlag() {
    return value == null;
  }

  /** {@code --name value}, or {@code --name} for a flag. */
  public String synopsis() {
    return "--" + name + (isFlag() ? "" : " " + value);
  }
}
