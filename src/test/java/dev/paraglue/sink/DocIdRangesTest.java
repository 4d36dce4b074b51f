package dev.paraglue.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.sink.DocIdRanges.Bounds;
import dev.paraglue.sink.DocIdRanges.Range;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.Or;
import org.apache.spark.sql.execution.SparkSqlParser;
import org.junit.jupiter.api.Test;

class DocIdRangesTest {
  private static final SparkSqlParser PARSER = new SparkSqlParser();
  private static final List<Bounds> THREE_FILES =
      List.of(new Bounds("a", "c"), new Bounds("d", "f"), new Bounds("g", "i"));

  @Test
  void eachFileHoldingSomeIds_givesTheirRange_andAFileHoldingNoneIsLeftOut() {
    DocIdRanges r = DocIdRanges.of(List.of("b", "h", "hh", "c"), THREE_FILES).orElseThrow();
    assertThat(r.ranges()).containsExactly(new Range("b", "c"), new Range("h", "hh"));
    assertThat(r.none()).isFalse();
  }

  @Test
  void idsBeyondEveryFilesBounds_needNoScan() {
    assertThat(DocIdRanges.of(List.of("j", "k"), THREE_FILES).orElseThrow().none()).isTrue();
  }

  @Test
  void aFileWithoutBounds_meansTheWholeTable() {
    List<Bounds> files = new ArrayList<>(THREE_FILES);
    files.add(new Bounds(null, null));
    assertThat(DocIdRanges.of(List.of("b"), files)).isEmpty();
  }

  @Test
  void truncatedBounds_stillTakeInTheIdsBetweenThem() {
    // Iceberg keeps 16 characters: the lower bound is a prefix, the upper one a prefix raised.
    List<Bounds> files = List.of(new Bounds("part-000/doc-000", "part-000/doc-001"));
    assertThat(DocIdRanges.of(List.of("part-000/doc-000999.txt", "part-000/doc-001"), files))
        .get()
        .extracting(DocIdRanges::ranges)
        .isEqualTo(List.of(new Range("part-000/doc-000999.txt", "part-000/doc-001")));
  }

  @Test
  void manyFiles_giveAtMostThe32Ranges_thatStillTakeInEveryId() {
    List<Bounds> files = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      files.add(new Bounds(String.format("f%03d-a", i), String.format("f%03d-z", i)));
      ids.add(String.format("f%03d-m", i));
    }
    DocIdRanges r = DocIdRanges.of(ids, files).orElseThrow();
    assertThat(r.ranges()).hasSize(DocIdRanges.MAX_RANGES);
    ids.forEach(id -> assertThat(covered(r, id)).as(id).isTrue());
  }

  @Test
  void everyIdInsideSomeFilesBounds_isInsideARange() {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 200; round++) {
      List<Bounds> files = new ArrayList<>();
      for (int f = random.nextInt(1, 60); f > 0; f--) {
        String a = word(random);
        String b = word(random);
        files.add(a.compareTo(b) <= 0 ? new Bounds(a, b) : new Bounds(b, a));
      }
      List<String> ids = new ArrayList<>();
      for (int i = random.nextInt(1, 300); i > 0; i--) {
        ids.add(word(random));
      }
      DocIdRanges r = DocIdRanges.of(ids, files).orElseThrow();
      for (String id : ids) {
        boolean inAFile =
            files.stream()
                .anyMatch(
                    b ->
                        id.compareTo(b.lower().toString()) >= 0
                            && id.compareTo(b.upper().toString()) <= 0);
        if (inAFile) {
          assertThat(covered(r, id)).as("round %d: %s in %s", round, id, r).isTrue();
        }
      }
    }
  }

  @Test
  void literals_readBackAsTheSameString_bySparksParser() {
    for (String s :
        List.of("plain/doc.txt", "it's", "back\\slash", "\\'", "tab\there", "\\u0041")) {
      Expression e = PARSER.parseExpression(DocIdRanges.literal(s));
      assertThat(e).isInstanceOf(Literal.class);
      assertThat(((Literal) e).value().toString()).isEqualTo(s);
    }
    String sql = DocIdRanges.of(List.of("a'1", "h"), THREE_FILES).orElseThrow().sql();
    assertThat(PARSER.parseExpression(sql)).isInstanceOf(Or.class);
  }

  private static boolean covered(DocIdRanges r, String id) {
    return r.ranges().stream()
        .anyMatch(x -> id.compareTo(x.low()) >= 0 && id.compareTo(x.high()) <= 0);
  }

  private static String word(SplittableRandom random) {
    StringBuilder b = new StringBuilder();
    for (int i = random.nextInt(1, 5); i > 0; i--) {
      b.append((char) ('a' + random.nextInt(6)));
    }
    return b.toString();
  }
}
