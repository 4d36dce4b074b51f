package dev.paraglue.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test helper: gives the range summaries of one document their offsets, as the pipeline does. */
final class ParagraphPipelineAccess {
  private ParagraphPipelineAccess() {}

  static void stitch(Map<String, DocumentSummary> units, String docId, int count) {
    List<DocumentSummary> ranges = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      ranges.add(units.get(docId + '\u0000' + k));
    }
    ParagraphPipeline.assignOffsets(ranges);
  }
}
