package dev.paraglue.text;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** Entry points to the paragraph contract over whole inputs; see {@link ParagraphReader}. */
public final class ParagraphSplitter {
  /** docs/contract.md §2, {@code --max_paragraph_bytes}. */
  public static final long DEFAULT_MAX_PARAGRAPH_BYTES = 16L * 1024 * 1024;

  private ParagraphSplitter() {}

  /** The result of splitting a document held in memory: its paragraphs, or its rejection. */
  public record Split(List<Paragraph> paragraphs, DocumentOutcome outcome) {
    public List<String> texts() {
      return paragraphs.stream().map(Paragraph::text).toList();
    }
  }

  /** Splits a whole input; a rejected document keeps no paragraphs. */
  public static Split split(InputStream in, long maxParagraphBytes) throws IOException {
    return split(in, SourceEncoding.UTF8, maxParagraphBytes);
  }

  /** Splits a whole input in {@code encoding} (a {@link SourceEncoding#canonical} name). */
  public static Split split(InputStream in, String encoding, long maxParagraphBytes)
      throws IOException {
    try (ParagraphReader reader = ParagraphReader.decoding(in, encoding, maxParagraphBytes)) {
      List<Paragraph> paragraphs = new ArrayList<>();
      for (Paragraph p = reader.next(); p != null; p = reader.next()) {
        paragraphs.add(p);
      }
      DocumentOutcome outcome = reader.outcome();
      return new Split(outcome.isRejected() ? List.of() : paragraphs, outcome);
    }
  }

  public static Split split(byte[] document) {
    return split(document, SourceEncoding.UTF8);
  }

  /** Splits a document held in memory, in {@code encoding}. */
  public static Split split(byte[] document, String encoding) {
    try {
      return split(new ByteArrayInputStream(document), encoding, DEFAULT_MAX_PARAGRAPH_BYTES);
    } catch (IOException e) {
      throw new AssertionError("in-memory input cannot fail", e);
    }
  }
}
