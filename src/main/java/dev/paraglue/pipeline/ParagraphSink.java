package dev.paraglue.pipeline;

import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.Paragraph;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * Where the explode stage's paragraph rows go inside a task, implemented at the edge ({@code
 * sink.ParagraphFiles}, the paragraph table's data files). Each task opens one writer, gives it its
 * paragraphs in order (units ordered by partition values), and hands what {@link Writer#finish}
 * returns to the driver, which commits it.
 *
 * @param <F> what a task hands back (for a table: its data files)
 */
public interface ParagraphSink<F> extends Serializable {
  /** Opens the writer of one task attempt. */
  Writer<F> open(int partitionId, long taskAttemptId) throws IOException;

  /** The writer of one task attempt. */
  interface Writer<F> {
    /**
     * One paragraph row: {@code index} and {@code lineNumber} are global to the document (a byte
     * range's offsets applied).
     */
    void write(SourceDocument doc, Paragraph paragraph, int index, long lineNumber)
        throws IOException;

    /** Closes what was written and says what it is. */
    List<F> finish() throws IOException;

    /** Discards what was written (the task failed). */
    void abort();
  }
}
