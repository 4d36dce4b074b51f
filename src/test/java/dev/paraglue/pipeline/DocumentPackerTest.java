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

  private static long load(List<SourceDocument> bin) {
    return bin.stream().mapToLong(SourceDocument::getSize).sum();
  }

  @Test
  void manySmallDocuments_fillAFewEvenTasks_withEveryDocumentOnce() {
    List<SourceDocument> docs = docs(20_000, 50 * 1024);
    List<List<SourceDocument>> bins = DocumentPacker.pack(docs, 2, 512 * MB, 64 * 1024);
    // 20,000 x (50 KiB + 64 KiB open cost) = 2.2 GiB: three rounds of two tasks under 512 MiB.
    assertThat(bins).hasSize(6);
    assertThat(bins.stream().mapToInt(List::size).sum()).isEqualTo(20_000);
    assertThat(bins.stream().flatMap(List::stream).distinct().count()).isEqualTo(20_000);
    long max = bins.stream().mapToLong(DocumentPackerTest::load).max().orElseThrow();
    long min = bins.stream().mapToLong(DocumentPackerTest::load).min().orElseThrow();
    assertThat(max - min).isLessThanOrEqualTo(50 * 1024);
  }

  @Test
  void moreDataThanATaskHolds_usesMoreRoundsOfTasks() {
    List<List<SourceDocument>> bins = DocumentPacker.pack(docs(100, 30 * MB), 2, 512 * MB, 0);
    assertThat(bins).hasSize(6); // 3 GB over 2 cores at most 512 MB each: 3 rounds
    assertThat(bins).allSatisfy(b -> assertThat(load(b)).isLessThanOrEqualTo(512 * MB));
  }

  @Test
  void fewDocuments_neverMoreTasksThanDocuments() {
    assertThat(DocumentPacker.pack(docs(1, 1024), 4, 512 * MB, 0)).hasSize(1);
  }

  @Test
  void largestGoFirst_toTheLightestTask() {
    List<SourceDocument> docs = docs(10, MB);
    docs.add(new SourceDocument("big", "file:/big", 100 * MB, 0, List.of()));
    List<List<SourceDocument>> bins = DocumentPacker.pack(docs, 2, 512 * MB, 0);
    assertThat(bins).hasSize(2);
    assertThat(bins)
        .anySatisfy(b -> assertThat(b).extracting(SourceDocument::getDocId).containsExactly("big"));
  }

  @Test
  void noDocuments_noTasks() {
    assertThat(DocumentPacker.pack(List.of(), 2, 512 * MB, 0)).isEmpty();
  }
}
