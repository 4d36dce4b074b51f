package dev.paraglue.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.source.SourceDocument;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentPackerTest {
  private static final long MB = 1024 * 1024;

  private static List<SourceDocument> docs(int n, long size) {
    List<SourceDocument> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new SourceDocument("d" + i, "file:/d" + i, size, 0, List.of()));
    }
    return out;
  }

  @Test
  void manySmallDocuments_fillFewBins_withEveryDocumentOnce() {
    List<SourceDocument> docs = docs(20_000, 50 * 1024);
    List<List<SourceDocument>> bins = DocumentPacker.pack(docs, 2, 128 * MB, 4 * MB);
    assertThat(bins.size()).isBetween(2, 1000);
    assertThat(bins.stream().mapToInt(List::size).sum()).isEqualTo(20_000);
    assertThat(bins.stream().flatMap(List::stream).distinct().count()).isEqualTo(20_000);
  }

  @Test
  void fewDocuments_spreadOverTheCores() {
    List<List<SourceDocument>> bins = DocumentPacker.pack(docs(8, 1024), 4, 128 * MB, 4 * MB);
    assertThat(bins).hasSizeGreaterThanOrEqualTo(4);
  }

  @Test
  void largeDocument_getsABinOfItsOwn() {
    List<SourceDocument> docs = docs(10, MB);
    docs.add(new SourceDocument("big", "file:/big", 1024 * MB, 0, List.of()));
    List<List<SourceDocument>> bins = DocumentPacker.pack(docs, 2, 128 * MB, 4 * MB);
    assertThat(bins.get(0)).extracting(SourceDocument::getDocId).containsExactly("big");
  }

  @Test
  void noDocuments_noBins() {
    assertThat(DocumentPacker.pack(List.of(), 2, 128 * MB, 4 * MB)).isEmpty();
  }
}
