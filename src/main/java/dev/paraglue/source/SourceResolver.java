package dev.paraglue.source;

import dev.paraglue.text.Rejection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the source arguments (catalog table and its partitions, paths, manifest) into the list of
 * documents to read. Reads only metadata: the catalog ({@link SourceCatalog}) and object listings
 * ({@link SourceListing}, {@link Manifests}).
 */
public final class SourceResolver {
  private static final Logger LOG = LoggerFactory.getLogger(SourceResolver.class);

  private final SparkSession spark;
  private final Configuration conf;

  public SourceResolver(SparkSession spark) {
    this.spark = spark;
    this.conf = spark.sparkContext().hadoopConfiguration();
  }

  /** What one resolution found, as it goes. */
  private static final class Found {
    final List<ListingRoot> roots = new ArrayList<>();
    final Map<SourceDocument, Rejection> refused = new LinkedHashMap<>();
    final List<String> gonePrefixes = new ArrayList<>();
    final List<String> goneObjects = new ArrayList<>();
    List<SourceDocument> documents = new ArrayList<>();
  }

  public SourcePlan resolve(SourceRequest args) {
    SourceCatalog table = SourceCatalog.of(spark, args.sourceTable());
    List<StructField> partitionColumns = table.partitionColumns();
    Optional<PartitionFilter> filter =
        args.partitionFilter()
            .map(f -> PartitionFilter.parse(spark, f, table.name(), partitionColumns));
    DeclaredEncodings encodings = table.encodings(args.sourceEncoding(), conf);
    OwnOutput own = OwnOutput.of(spark, args, p -> SourcePaths.qualify(conf, p));
    table
        .root()
        .ifPresent(
            r ->
                SourcePaths.requireNotOurs(
                    own, r, "--source_table " + table.name() + ": its location " + r));
    SourceListing listing = new SourceListing(conf, partitionColumns, own);
    Manifests manifests = new Manifests(conf);
    Found found = new Found();
    addRoots(args, table, filter, own, listing, found);
    for (ListingRoot root : found.roots) {
      found.documents.addAll(listing.list(root));
    }
    if (args.sourceManifest().isPresent()) {
      found.documents.addAll(
          manifests.documents(
              args,
              table.root(),
              own,
              listing,
              partitionColumns,
              found.refused,
              found.goneObjects));
    }
    List<SourceDocument> documents = OutputConflicts.dedupe(found.documents);
    if (filter.isPresent()) {
      documents = filter.get().apply(documents);
    }
    OutputConflicts.refuse(documents, found.refused);
    documents.forEach(d -> d.setEncoding(encodings.of(d.getUri())));
    found.refused.keySet().forEach(d -> d.setEncoding(encodings.of(d.getUri())));
    logResolved(args, documents, found, own);
    return new SourcePlan(
        List.copyOf(documents),
        List.copyOf(partitionColumns),
        found.refused,
        own.skippedObjects(),
        own.prunedFolders(),
        args.removeMissing()
            ? removalScope(found.gonePrefixes, found.goneObjects, own, filter, partitionColumns)
            : RemovalScope.none(),
        manifests.taken());
  }

  /** The roots to list: the table's (when nothing narrower is named) and the named paths. */
  private void addRoots(
      SourceRequest args,
      SourceCatalog table,
      Optional<PartitionFilter> filter,
      OwnOutput own,
      SourceListing listing,
      Found found) {
    if (table.isPresent() && args.sourcePaths().isEmpty() && args.sourceManifest().isEmpty()) {
      found.roots.addAll(table.roots(conf));
      if (args.removeMissing()) {
        found.gonePrefixes.addAll(listedLocations(found.roots, table.partitionColumns(), filter));
      }
    }
    for (String p : args.sourcePaths()) {
      Path path = SourcePaths.qualify(conf, new Path(p));
      SourcePaths.requireNotOurs(own, path, "--source_paths " + p + ": it");
      table.root().ifPresent(r -> SourcePaths.requireUnder(path, r, table.name()));
      found.gonePrefixes.add(path.toString());
      if (!args.removeMissing() || listing.exists(path)) {
        found.roots.add(new ListingRoot(table.root().orElse(null), path, Map.of()));
      }
    }
  }

  private static void logResolved(
      SourceRequest args, List<SourceDocument> documents, Found found, OwnOutput own) {
    LOG.info(
        "Resolved sources: {} documents from {} roots, {} refused before reading;"
            + " the job's own output left out: {} objects, {} folders not listed",
        documents.size(),
        found.roots.size() + (args.sourceManifest().isPresent() ? 1 : 0),
        found.refused.size(),
        own.skippedObjects(),
        own.prunedFolders());
  }

  /**
   * The locations of the table's partitions this run lists: those the catalog has, within the
   * partition filter by the catalog's own values (or the table's location, unpartitioned). A
   * document in a folder the catalog does not know as a partition is not taken for gone.
   */
  private static List<String> listedLocations(
      List<ListingRoot> roots,
      List<StructField> partitionColumns,
      Optional<PartitionFilter> filter) {
    List<SourceDocument> partitions = new ArrayList<>();
    for (ListingRoot r : roots) {
      partitions.add(
          new SourceDocument(
              "",
              r.start().toString(),
              0,
              0,
              PartitionValues.of("", r.partitionSpec(), partitionColumns)));
    }
    if (filter.isPresent()) {
      partitions = filter.get().apply(partitions);
    }
    return partitions.stream().map(SourceDocument::getUri).toList();
  }

  /**
   * Where documents whose source is gone are looked for. A candidate is one a listing of its root
   * could have given: not a hidden name ({@code _x}, {@code .x}) below the root, not the job's own
   * output; its partition values come from its doc id's {@code key=value} folders, as a listing's
   * would, so the filter sees the same.
   */
  private static RemovalScope removalScope(
      List<String> prefixes,
      List<String> objects,
      OwnOutput own,
      Optional<PartitionFilter> filter,
      List<StructField> partitionColumns) {
    return new RemovalScope(
        prefixes,
        objects,
        (docId, uri) ->
            listable(uri, prefixes, own)
                ? Optional.of(
                    new SourceDocument(
                        docId, uri, 0, 0, PartitionValues.of(docId, Map.of(), partitionColumns)))
                : Optional.empty(),
        docs -> filter.isEmpty() ? docs : filter.get().apply(docs));
  }

  private static boolean listable(String uri, List<String> prefixes, OwnOutput own) {
    Path path = new Path(uri);
    if (own.leaveOut(path, false).isPresent()) {
      return false;
    }
    for (String prefix : prefixes) {
      if (uri.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")
          && SourcePaths.hidden(new Path(prefix), path)) {
        return false;
      }
    }
    return true;
  }
}
