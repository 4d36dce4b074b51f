package dev.paraglue.source;

import java.util.List;
import java.util.Optional;

/**
 * What a run asks of its sources, checked already (the job's arguments, docs/contract.md §2): where
 * the documents are, where the job writes (never a source), and whether missing sources are
 * removed, and the documents' charset when the run names one (else the catalog declares it).
 */
public record SourceRequest(
    Optional<String> sourceTable,
    Optional<String> partitionFilter,
    List<String> sourcePaths,
    Optional<String> sourceManifest,
    String outputPath,
    String paragraphTable,
    String documentsTable,
    boolean removeMissing,
    Optional<String> sourceEncoding) {

  public SourceRequest {
    sourcePaths = List.copyOf(sourcePaths);
  }
}
