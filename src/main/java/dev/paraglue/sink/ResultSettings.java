package dev.paraglue.sink;

import java.io.Serializable;

/**
 * What decides a document's result besides its source and its declared encoding (which is the
 * document's own, {@link dev.paraglue.source.SourceDocument#getEncoding}, since a partition may
 * declare its own): where the result is written (the output path and the paragraph table) and the
 * longest paragraph accepted. The ledger records them with every document, and a document counts as
 * unchanged only when its source and these are what they were (a document rejected as too large is
 * retried when the limit is raised; a new output path or paragraph table gets every document
 * written there).
 *
 * @param outputPath the run's output root, qualified by its file system ({@code file:/…}, {@code
 *     s3a://…}) and without a trailing slash, so that one place has one spelling
 * @param maxParagraphBytes the run's {@code --max_paragraph_bytes}
 * @param paragraphTable the paragraph table as its catalog names it ({@code
 *     spark_catalog.db.paragraphs}), so that one table has one spelling
 */
public record ResultSettings(String outputPath, long maxParagraphBytes, String paragraphTable)
    implements Serializable {}
