package dev.paraglue.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.text.DocumentDigest;
import dev.paraglue.text.DocumentOutcome;
import dev.paraglue.text.RangeOutcome;
import dev.paraglue.text.RejectReason;
import dev.paraglue.text.Rejection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Placing the text of a bzip2 document's ranges after pass 1, or giving up on them. */
class Bzip2RangesTest {
  private static final long UNPLACED = ReadUnits.UNPLACED_TEXT_START;

  /** A range that read {@code owned} bytes of text from {@code first} up to {@code next}. */
  static DocumentSummary range(int k, long first, long next, long owned) {
    DocumentSummary s =
        DocumentSummary.ofRange(
            new RangeOutcome(DocumentOutcome.ok(new DocumentDigest(1, 1, 1), UNPLACED + owned), 0),
            k,
            4);
    s.setFirstBlock(first);
    s.setNextBlock(next);
    s.setOwnedBytes(owned);
    return s;
  }

  static DocumentSummary rejected(int k, long first, RejectReason reason, long offset) {
    DocumentSummary s =
        DocumentSummary.ofRange(
            new RangeOutcome(
                DocumentOutcome.rejected(new Rejection(reason, offset, "x"), offset + 1), 0),
            k,
            4);
    s.setFirstBlock(first);
    return s;
  }

  @Test
  void textStartsAreTheTextOwnedBefore_andOffsetsMoveThere() {
    List<DocumentSummary> ranges =
        List.of(
            range(0, 4, 300, 1000),
            range(1, 300, 300, 0), // two ranges holding no block start
            range(2, 300, 300, 0),
            rejected(3, 300, RejectReason.INVALID_UTF8, UNPLACED + 17));
    assertThat(Bzip2Ranges.place(ranges)).isTrue();
    assertThat(ranges)
        .extracting(DocumentSummary::getTextStart)
        .containsExactly(0L, 1000L, 1000L, 1000L);
    assertThat(ranges.get(3).getReasonOffset()).isEqualTo(1017);
    assertThat(ranges.get(3).getBytesRead()).isEqualTo(1018);
    assertThat(ranges.get(0).getBytesRead()).isEqualTo(UNPLACED + 1000);
  }

  @Test
  void neighboursDisagreeingOnABlockStart_meanReadItWhole() {
    assertThat(Bzip2Ranges.place(List.of(range(0, 4, 100, 1000), range(1, 101, 200, 5)))).isFalse();
  }

  @Test
  void anUndecodableRange_meansReadItWhole() {
    assertThat(
            Bzip2Ranges.place(
                List.of(
                    range(0, 4, 100, 1000), rejected(1, 100, RejectReason.UNREADABLE, UNPLACED))))
        .isFalse();
  }

  @Test
  void aLaterRangesTextStartingWhereAByteOrderMarkCouldBe_meansReadItWhole() {
    assertThat(Bzip2Ranges.place(List.of(range(0, 4, 100, 2), range(1, 100, 200, 50)))).isFalse();
    assertThat(Bzip2Ranges.place(List.of(range(0, 4, 100, 3), range(1, 100, 200, 50)))).isTrue();
  }

  @Test
  void aRangeWhoseEndWasNeverReached_meansReadItWhole() {
    assertThat(Bzip2Ranges.place(List.of(range(0, 4, -1, -1), range(1, 100, 200, 50)))).isFalse();
  }
}
