package dev.paraglue.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.junit.jupiter.api.Test;

/** The argument table read by the parser and the help; the one line an error is shown as. */
class CommandTest {
  private static final Command LIST =
      new Command(
          "list",
          "tool list [--limit n] [--long] PREFIX",
          "Lists objects under a prefix.",
          List.of(
              new Argument("limit", "n", "10", "how many to list"),
              Argument.flag("long", "with sizes"),
              Argument.of("sort", "key", "order by key")),
          List.of("PREFIX"),
          List.of("A note."));

  @Test
  void help_listsEveryArgument_withItsDefault_onOneLineEach() {
    assertThat(LIST.help())
        .isEqualTo(
            "usage: tool list [--limit n] [--long] PREFIX\n"
                + "Lists objects under a prefix.\n"
                + "\n"
                + "arguments:\n"
                + "  --limit n   how many to list (default: 10)\n"
                + "  --long      with sizes\n"
                + "  --sort key  order by key\n"
                + "\n"
                + "A note.\n");
  }

  @Test
  void parse_fillsDefaults_flags_andPositionals() {
    Command.Parsed p = LIST.parse("--long", "s3://b/x/", "--sort=size");
    assertThat(p.values())
        .containsExactly(
            java.util.Map.entry("long", "true"),
            java.util.Map.entry("sort", "size"),
            java.util.Map.entry("limit", "10"));
    assertThat(p.flag("long")).isTrue();
    assertThat(p.positionals()).containsExactly("s3://b/x/");
    assertThat(LIST.parse("p").flag("long")).isFalse();
  }

  @Test
  void parse_withBadArguments_saysWhatAndWhy() {
    assertThatThrownBy(() -> LIST.parse("p", "--lmit", "3"))
        .hasMessage(
            "Cannot list: unknown argument(s) --lmit; valid arguments are --limit, --long, --sort");
    assertThatThrownBy(() -> LIST.parse("--limit"))
        .hasMessage("Cannot parse --limit: it needs a value");
    assertThatThrownBy(() -> LIST.parse("p", "--long=yes"))
        .hasMessage("Cannot parse --long: it takes no value");
    assertThatThrownBy(() -> LIST.parse("p", "--sort", "a", "--sort", "b"))
        .hasMessage("Cannot parse --sort: given more than once");
    assertThatThrownBy(() -> LIST.parse("--long")).hasMessage("Cannot list: PREFIX is required");
    assertThatThrownBy(() -> LIST.parse("p", "q"))
        .hasMessage("Cannot list: unexpected argument 'q' after PREFIX");
  }

  @Test
  void asksForHelp_onDashHOrDashDashHelpAnywhere() {
    assertThat(Command.asksForHelp("--limit", "3", "-h")).isTrue();
    assertThat(Command.asksForHelp("--help")).isTrue();
    assertThat(Command.asksForHelp("--limit", "3", "help")).isFalse();
  }

  @Test
  void oneLine_ofASparkParseError_isItsFirstNonBlankLine_withThePosition() {
    Throwable parse = thrown(() -> CatalystSqlParser$.MODULE$.parsePlan("SELEC 1"));
    assertThat(parse.getMessage()).startsWith("\n"); // what made the old first line empty
    assertThat(OneLine.of(parse))
        .isEqualTo("[PARSE_SYNTAX_ERROR] Syntax error at or near 'SELEC'. (line 1, pos 0)");
    assertThat(OneLine.of(thrown(() -> CatalystSqlParser$.MODULE$.parseExpression("dt >"))))
        .isEqualTo("[PARSE_SYNTAX_ERROR] Syntax error at or near end of input. (line 1, pos 4)");
  }

  @Test
  void oneLine_ofOtherMessages() {
    assertThat(OneLine.of(new IllegalStateException("  \n\n Cannot x: y \nmore")))
        .isEqualTo("Cannot x: y");
    assertThat(OneLine.of(new IllegalStateException())).isEqualTo("IllegalStateException");
    assertThat(OneLine.of(new IllegalStateException(" \n "))).isEqualTo("IllegalStateException");
  }

  private static Throwable thrown(Runnable r) {
    try {
      r.run();
    } catch (Exception e) { // Scala throws the checked ParseException undeclared
      return e;
    }
    throw new AssertionError("expected an exception");
  }
}
