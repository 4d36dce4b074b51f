package dev.paraglue.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One command's arguments: a table of {@link Argument}s that both {@link #parse} and {@link #help}
 * read, so the help cannot name an argument or a default the parser does not know.
 *
 * @param verb what the command does, for errors ("Cannot run: ...")
 * @param usage the help's first line, without "usage: "
 * @param summary one line on what the command does
 * @param positionals the names of the required arguments without {@code --}, in order
 * @param notes lines the help prints after the table
 */
public record Command(
    String verb,
    String usage,
    String summary,
    List<Argument> arguments,
    List<String> positionals,
    List<String> notes) {

  public Command {
    arguments = List.copyOf(arguments);
    positionals = List.copyOf(positionals);
    notes = List.copyOf(notes);
  }

  /** The same arguments under another usage line, summary and notes (the job run locally). */
  public Command describedAs(String newUsage, String newSummary, List<String> newNotes) {
    return new Command(verb, newUsage, newSummary, arguments, positionals, newNotes);
  }

  /** True when the arguments ask for help ({@code -h} or {@code --help}) instead of work. */
  public static boolean asksForHelp(String... args) {
    return Arrays.stream(args).anyMatch(a -> a.equals("-h") || a.equals("--help"));
  }

  /** The help: usage, summary, one line per argument with its default, then the notes. */
  public String help() {
    int width = arguments.stream().mapToInt(a -> a.synopsis().length()).max().orElse(0) + 2;
    StringBuilder b = new StringBuilder();
    b.append("usage: ").append(usage).append('\n').append(summary).append('\n');
    if (!arguments.isEmpty()) {
      b.append("\narguments:\n");
    }
    for (Argument a : arguments) {
      String line = String.format("  %-" + width + "s%s", a.synopsis(), a.meaning());
      b.append(line).append(a.dflt() == null ? "" : " (default: " + a.dflt() + ")").append('\n');
    }
    if (!notes.isEmpty()) {
      b.append('\n');
      notes.forEach(n -> b.append(n).append('\n'));
    }
    return b.toString();
  }

  /** Parses arguments of this command only; see {@link #parse(Predicate, String...)}. */
  public Parsed parse(String... args) {
    return parse(name -> false, args);
  }

  /**
   * Parses {@code --name value}, {@code --name=value} and flags against the table, then fills in
   * the defaults. Names {@code passThrough} accepts (another tool's own arguments) may repeat and
   * need no value; they are kept as given. Any other unknown name is an error listing the valid
   * ones.
   */
  public Parsed parse(Predicate<String> passThrough, String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> given = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (!isName(args[i])) {
        given.add(args[i]);
        continue;
      }
      String name = args[i].substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Optional<Argument> known = argument(name);
      boolean flag = known.map(Argument::isFlag).orElse(false);
      if (value == null && !flag && i + 1 < args.length && !isName(args[i + 1])) {
        value = args[++i];
      }
      if (known.isEmpty() && !passThrough.test(name)) {
        unknown.add("--" + name);
      } else {
        put(
            values,
            name,
            known.isPresent() ? checked(name, flag, value) : value,
            known.isPresent());
      }
    }
    check(unknown, given);
    arguments.stream()
        .filter(a -> a.dflt() != null)
        .forEach(a -> values.putIfAbsent(a.name(), a.dflt()));
    return new Parsed(values, given);
  }

  private Optional<Argument> argument(String name) {
    return arguments.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  private static String checked(String name, boolean flag, String value) {
    if (flag && value != null) {
      throw new IllegalArgumentException("Cannot parse --" + name + ": it takes no value");
    }
    if (!flag && value == null) {
      throw new IllegalArgumentException("Cannot parse --" + name + ": it needs a value");
    }
    return flag ? "true" : value;
  }

  private static void put(Map<String, String> values, String name, String value, boolean once) {
    if (value != null && values.put(name, value) != null && once) {
      throw new IllegalArgumentException("Cannot parse --" + name + ": given more than once");
    }
  }

  private void check(List<String> unknown, List<String> given) {
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot "
              + verb
              + ": unknown argument(s) "
              + String.join(", ", unknown)
              + "; valid arguments are "
              + arguments.stream().map(a -> "--" + a.name()).collect(Collectors.joining(", ")));
    }
    if (positionals.isEmpty() && !given.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot parse arguments: expected --name value, got '" + given.get(0) + "'");
    }
    if (given.size() < positionals.size()) {
      throw new IllegalArgumentException(
          "Cannot " + verb + ": " + positionals.get(given.size()) + " is required");
    }
    if (given.size() > positionals.size()) {
      throw new IllegalArgumentException(
          "Cannot "
              + verb
              + ": unexpected argument '"
              + given.get(positionals.size())
              + "' after "
              + String.join(" ", positionals));
    }
  }

  /** {@code --x...} with a letter after the dashes; anything else ("-1", "--") is a value. */
  private static boolean isName(String s) {
    return s.startsWith("--") && s.length() > 2 && Character.isLetter(s.charAt(2));
  }

  /** What was given (and the defaults): values by name without dashes, then the positionals. */
  public record Parsed(Map<String, String> values, List<String> positionals) {
    public Parsed {
      values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
      positionals = List.copyOf(positionals);
    }

    /** The value given or defaulted, or null. */
    public String get(String name) {
      return values.get(name);
    }

    public boolean flag(String name) {
      return "true".equals(values.get(name));
    }
  }
}
