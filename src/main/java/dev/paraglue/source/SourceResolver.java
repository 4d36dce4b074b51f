package dev.paraglue.source;

import dev.paraglue.cli.OneLine;
import dev.paraglue.text.RejectReason;
import dev.paraglue.text.Rejection;
import dev.paraglue.text.SourceEncoding;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.NoSuchDatabaseException;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTablePartition;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * Turns the source arguments (catalog table and its partitions, paths, manifest) into the list of
 * documents to read. Reads only metadata: the catalog and object listings.
 */
public final class SourceResolver {
  private static final Logger LOG = LoggerFactory.getLogger(SourceResolver.class);

  private final SparkSession spark;
  private final Configuration conf;
  private final List<String> takenManifests = new ArrayList<>();

  public SourceResolver(SparkSession spark) {
    this.spark = spark;
    this.conf = spark.sparkContext().hadoopConfiguration();
  }

  /** A place documents are listed from, and the root their doc ids are relative to. */
  private record Root(Path root, Path start, Map<String, String> partitionSpec) {}

  public SourcePlan resolve(SourceRequest args) {
    Optional<CatalogTable> table = args.sourceTable().map(this::lookup);
    List<StructField> partitionColumns =
        table.map(t -> Arrays.asList(t.partitionSchema().fields())).orElse(List.of());
    Optional<Expression> filter =
        args.partitionFilter().map(f -> parseFilter(f, args.sourceTable().get(), partitionColumns));
    Optional<Path> tableRoot = table.map(t -> qualify(new Path(t.location())));
    List<CatalogTablePartition> partitions =
        table.isPresent() && !partitionColumns.isEmpty() ? partitions(table.get()) : List.of();
    DeclaredEncodings encodings = encodings(args, table, partitions);
    OwnOutput own = OwnOutput.of(spark, args, this::qualify);
    tableRoot.ifPresent(
        r ->
            requireNotOurs(
                own, r, "--source_table " + args.sourceTable().get() + ": its location " + r));

    List<Root> roots = new ArrayList<>();
    Map<SourceDocument, Rejection> refused = new LinkedHashMap<>();
    List<String> gonePrefixes = new ArrayList<>();
    List<String> goneObjects = new ArrayList<>();
    if (table.isPresent() && args.sourcePaths().isEmpty() && args.sourceManifest().isEmpty()) {
      roots.addAll(tableRoots(table.get(), tableRoot.get(), partitionColumns, partitions));
      if (args.removeMissing()) {
        gonePrefixes.addAll(listedLocations(roots, partitionColumns, filter, args));
      }
    }
    for (String p : args.sourcePaths()) {
      Path path = qualify(new Path(p));
      requireNotOurs(own, path, "--source_paths " + p + ": it");
      tableRoot.ifPresent(r -> requireUnder(path, r, args.sourceTable().get()));
      gonePrefixes.add(path.toString());
      if (!args.removeMissing() || exists(path)) {
        roots.add(new Root(tableRoot.orElse(null), path, Map.of()));
      }
    }
    List<SourceDocument> documents = new ArrayList<>();
    for (Root root : roots) {
      documents.addAll(list(root, partitionColumns, own));
    }
    if (args.sourceManifest().isPresent()) {
      documents.addAll(
          manifestDocuments(args, tableRoot, own, partitionColumns, refused, goneObjects));
    }
    documents = dedupe(documents);
    if (filter.isPresent()) {
      documents =
          applyFilter(documents, filter.get(), args.partitionFilter().get(), partitionColumns);
    }
    refuseOutputConflicts(documents, refused);
    for (SourceDocument d : documents) {
      d.setEncoding(encodings.of(d.getUri()));
    }
    refused.keySet().forEach(d -> d.setEncoding(encodings.of(d.getUri())));
    LOG.info(
        "Resolved sources: {} documents from {} roots, {} refused before reading;"
            + " the job's own output left out: {} objects, {} folders not listed",
        documents.size(),
        roots.size() + (args.sourceManifest().isPresent() ? 1 : 0),
        refused.size(),
        own.skippedObjects(),
        own.prunedFolders());
    return new SourcePlan(
        List.copyOf(documents),
        List.copyOf(partitionColumns),
        refused,
        own.skippedObjects(),
        own.prunedFolders(),
        args.removeMissing()
            ? removalScope(gonePrefixes, goneObjects, own, filter, args, partitionColumns)
            : RemovalScope.none(),
        List.copyOf(takenManifests));
  }

  /**
   * The locations of the table's partitions this run lists: those the catalog has, within the
   * partition filter by the catalog's own values (or the table's location, unpartitioned). A
   * document in a folder the catalog does not know as a partition is not taken for gone.
   */
  private List<String> listedLocations(
      List<Root> roots,
      List<StructField> partitionColumns,
      Optional<Expression> filter,
      SourceRequest args) {
    List<SourceDocument> partitions = new ArrayList<>();
    for (Root r : roots) {
      partitions.add(
          new SourceDocument(
              "",
              r.start().toString(),
              0,
              0,
              partitionValues("", r.partitionSpec(), partitionColumns)));
    }
    if (filter.isPresent() && !partitions.isEmpty()) {
      partitions =
          applyFilter(partitions, filter.get(), args.partitionFilter().get(), partitionColumns);
    }
    return partitions.stream().map(SourceDocument::getUri).toList();
  }

  /**
   * Where documents whose source is gone are looked for. A candidate is one a listing of its root
   * could have given: not a hidden name ({@code _x}, {@code .x}) below the root, not the job's own
   * output; its partition values come from its doc id's {@code key=value} folders, as a listing's
   * would, so the filter sees the same.
   */
  private RemovalScope removalScope(
      List<String> prefixes,
      List<String> objects,
      OwnOutput own,
      Optional<Expression> filter,
      SourceRequest args,
      List<StructField> partitionColumns) {
    return new RemovalScope(
        prefixes,
        objects,
        (docId, uri) ->
            listable(uri, prefixes, own)
                ? Optional.of(
                    new SourceDocument(
                        docId, uri, 0, 0, partitionValues(docId, Map.of(), partitionColumns)))
                : Optional.empty(),
        docs ->
            filter.isEmpty() || docs.isEmpty()
                ? docs
                : applyFilter(docs, filter.get(), args.partitionFilter().get(), partitionColumns));
  }

  private static boolean listable(String uri, List<String> prefixes, OwnOutput own) {
    Path path = new Path(uri);
    if (own.leaveOut(path, false).isPresent()) {
      return false;
    }
    for (String prefix : prefixes) {
      if (uri.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")
          && hidden(new Path(prefix), path)) {
        return false;
      }
    }
    return true;
  }

  private boolean exists(Path path) {
    try {
      return path.getFileSystem(conf).exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read source path " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * The objects the manifest names; one that is missing is refused as unreadable, one that is the
   * job's own output is left out (not a document: as a rejection it would take the ledger row and
   * withdraw the output of the real document whose name it shares).
   */
  private List<SourceDocument> manifestDocuments(
      SourceRequest args,
      Optional<Path> tableRoot,
      OwnOutput own,
      List<StructField> partitionColumns,
      Map<SourceDocument, Rejection> refused,
      List<String> gone) {
    List<SourceDocument> documents = new ArrayList<>();
    for (String line : readManifests(args.sourceManifest().get())) {
      Path path = qualify(new Path(line));
      Optional<String> ours = own.leaveOut(path, false);
      if (ours.isPresent()) {
        LOG.warn("Left out {} named by the manifest: it {}", path, ours.get());
        continue;
      }
      tableRoot.ifPresent(r -> requireUnder(path, r, args.sourceTable().get()));
      Path root = tableRoot.orElse(path.getParent());
      try {
        FileStatus status = path.getFileSystem(conf).getFileStatus(path);
        documents.add(document(root, status, Map.of(), partitionColumns));
      } catch (FileNotFoundException e) {
        if (args.removeMissing()) {
          gone.add(path.toString()); // removed if the ledger has it, nothing to do otherwise
          continue;
        }
        SourceDocument missing =
            new SourceDocument(
                relative(root, path), path.toString(), 0, 0, nulls(partitionColumns));
        refused.put(
            missing,
            new Rejection(
                RejectReason.UNREADABLE, 0, "object listed in the manifest was not found"));
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot read source object " + path + ": " + e.getMessage(), e);
      }
    }
    return documents;
  }

  private CatalogTable lookup(String name) {
    String[] parts = name.split("\\.");
    TableIdentifier ident = new TableIdentifier(parts[1], Option.apply(parts[0]));
    try {
      CatalogTable table = spark.sessionState().catalog().getTableMetadata(ident);
      if ("ICEBERG".equalsIgnoreCase(table.properties().getOrElse("table_type", () -> ""))) {
        throw new IllegalArgumentException(
            "Cannot read source table " + name + ": it is an Iceberg table, not raw text files");
      }
      return table;
    } catch (NoSuchDatabaseException e) {
      throw new IllegalArgumentException(
          "Cannot read source table " + name + ": database " + parts[0] + " not found", e);
    } catch (NoSuchTableException e) {
      throw new IllegalArgumentException(
          "Cannot read source table " + name + ": table not found", e);
    }
  }

  private List<CatalogTablePartition> partitions(CatalogTable table) {
    return JavaConverters.seqAsJavaList(
        spark.sessionState().catalog().listPartitions(table.identifier(), Option.empty()));
  }

  /** Which charset each document is read in: the argument's, else what the catalog declares. */
  private DeclaredEncodings encodings(
      SourceRequest args, Optional<CatalogTable> table, List<CatalogTablePartition> partitions) {
    if (args.sourceEncoding().isPresent() || table.isEmpty()) {
      return DeclaredEncodings.fixed(args.sourceEncoding().orElse(SourceEncoding.UTF8));
    }
    CatalogTable t = table.get();
    Map<Path, Map<String, String>> partitionSerde = new LinkedHashMap<>();
    for (CatalogTablePartition p : partitions) {
      partitionSerde.put(
          qualify(new Path(p.location())), JavaConverters.mapAsJavaMap(p.storage().properties()));
    }
    DeclaredEncodings e =
        DeclaredEncodings.ofTable(
            args.sourceTable().get(),
            JavaConverters.mapAsJavaMap(t.storage().properties()),
            JavaConverters.mapAsJavaMap(t.properties()),
            partitionSerde);
    LOG.info(
        "Source table {} is read as {}; {} partitions declare their own encoding",
        args.sourceTable().get(),
        e.tableEncoding(),
        e.partitionsDeclaring());
    return e;
  }

  private List<Root> tableRoots(
      CatalogTable table,
      Path tableRoot,
      List<StructField> partitionCols,
      List<CatalogTablePartition> partitions) {
    if (partitionCols.isEmpty()) {
      return List.of(new Root(tableRoot, tableRoot, Map.of()));
    }
    List<Root> roots = new ArrayList<>();
    for (CatalogTablePartition p : partitions) {
      Path location = qualify(new Path(p.location()));
      roots.add(new Root(tableRoot, location, JavaConverters.mapAsJavaMap(p.spec())));
    }
    LOG.info(
        "Source table {} has {} partitions", table.identifier().unquotedString(), roots.size());
    return roots;
  }

  private Expression parseFilter(String filter, String tableName, List<StructField> partitionCols) {
    Set<String> names =
        partitionCols.stream()
            .map(f -> f.name().toLowerCase(Locale.ROOT))
            .collect(Collectors.toCollection(HashSet::new));
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot use --partition_filter: source table " + tableName + " has no partition columns");
    }
    Expression expr;
    try {
      expr = spark.sessionState().sqlParser().parseExpression(filter);
    } catch (ParseException e) {
      throw new IllegalArgumentException(
          "Cannot use --partition_filter: not a SQL predicate (" + OneLine.of(e) + ")", e);
    }
    List<Expression> nodes = new ArrayList<>();
    collect(expr, nodes);
    for (Expression node : nodes) {
      if (node instanceof SubqueryExpression) {
        throw new IllegalArgumentException(
            "Cannot use --partition_filter: subqueries are not allowed");
      }
      if (node instanceof UnresolvedAttribute a) {
        String name = a.name().toLowerCase(Locale.ROOT);
        if (!names.contains(name)) {
          throw new IllegalArgumentException(
              "Cannot use --partition_filter: unknown column "
                  + a.name()
                  + "; partition columns of "
                  + tableName
                  + " are "
                  + new TreeMap<>(names.stream().collect(Collectors.toMap(n -> n, n -> n)))
                      .keySet());
        }
      }
    }
    return expr;
  }

  private static void collect(Expression e, List<Expression> out) {
    out.add(e);
    for (Expression child : JavaConverters.seqAsJavaList(e.children())) {
      collect(child, out);
    }
  }

  /**
   * Partition values as the source's layout gives them (strings, null for a default partition),
   * cast by Spark to {@code columns}' types: one row per tuple, the typed values under the columns'
   * names, then each raw string as {@code __raw_<i>}.
   */
  public static Dataset<Row> typedPartitionValues(
      SparkSession spark, Collection<List<String>> tuples, List<StructField> columns) {
    List<StructField> stringFields = new ArrayList<>();
    for (StructField f : columns) {
      stringFields.add(DataTypes.createStructField(f.name(), DataTypes.StringType, true));
    }
    List<Row> rows = new ArrayList<>();
    for (List<String> values : tuples) {
      rows.add(RowFactory.create(values.toArray()));
    }
    Dataset<Row> raw =
        spark.createDataFrame(rows, new StructType(stringFields.toArray(new StructField[0])));
    org.apache.spark.sql.Column[] typed = new org.apache.spark.sql.Column[columns.size() * 2];
    for (int i = 0; i < columns.size(); i++) {
      StructField f = columns.get(i);
      typed[i] = raw.col(f.name()).cast(f.dataType()).as(f.name());
      typed[columns.size() + i] = raw.col(f.name()).as("__raw_" + i);
    }
    return raw.select(typed);
  }

  /** Keeps the documents whose partition values pass the filter, evaluated by Spark SQL. */
  private List<SourceDocument> applyFilter(
      List<SourceDocument> docs,
      Expression parsed,
      String filter,
      List<StructField> partitionCols) {
    Map<List<String>, List<SourceDocument>> byValues = new LinkedHashMap<>();
    for (SourceDocument d : docs) {
      byValues.computeIfAbsent(d.getPartitionValues(), k -> new ArrayList<>()).add(d);
    }
    List<Row> kept;
    try {
      kept =
          typedPartitionValues(spark, byValues.keySet(), partitionCols)
              .where(new org.apache.spark.sql.Column(parsed))
              .collectAsList();
    } catch (Exception e) {
      // AnalysisException is checked to javac but thrown undeclared from Scala.
      if (e instanceof org.apache.spark.sql.AnalysisException a) {
        throw new IllegalArgumentException(
            "Cannot use --partition_filter '" + filter + "': " + a.getSimpleMessage(), e);
      }
      throw e;
    }
    List<SourceDocument> out = new ArrayList<>();
    for (Row r : kept) {
      List<String> raw = new ArrayList<>();
      for (int i = 0; i < partitionCols.size(); i++) {
        raw.add(r.getString(partitionCols.size() + i));
      }
      out.addAll(byValues.getOrDefault(raw, List.of()));
    }
    LOG.info("Partition filter kept {} of {} documents", out.size(), docs.size());
    return out;
  }

  private List<SourceDocument> list(Root root, List<StructField> partitionCols, OwnOutput own) {
    List<SourceDocument> docs = new ArrayList<>();
    Path base = root.root() == null ? null : root.root();
    if (own.leaveOut(root.start(), true).isPresent()) {
      return docs; // a partition whose location is ours
    }
    try {
      FileSystem fs = root.start().getFileSystem(conf);
      FileStatus status;
      try {
        status = fs.getFileStatus(root.start());
      } catch (FileNotFoundException e) {
        if (!root.partitionSpec().isEmpty() || root.start().equals(base)) {
          return docs; // an empty table or partition
        }
        throw new IllegalArgumentException(
            "Cannot read source path " + root.start() + ": not found", e);
      }
      if (status.isFile()) {
        docs.add(
            document(
                base == null ? root.start().getParent() : base,
                status,
                root.partitionSpec(),
                partitionCols));
        return docs;
      }
      Path listingRoot = base == null ? status.getPath() : base;
      for (FileStatus f : listRecursively(fs, status.getPath(), own)) {
        if (!hidden(status.getPath(), f.getPath())) {
          docs.add(document(listingRoot, f, root.partitionSpec(), partitionCols));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot list source " + root.start() + ": " + e.getMessage(), e);
    }
    return docs;
  }

  /**
   * Every file below a directory but the job's own output. Object stores list a prefix flat in
   * pages ({@code listFiles}), except a prefix with some of our output below it: that one is listed
   * one level at a time (with a delimiter), so that our folders are walked around, never listed.
   * Elsewhere a walk of plain statuses avoids the block-location and permission lookups that make
   * Hadoop's local recursive listing fork a process per file, and prunes our folders the same way.
   */
  static List<FileStatus> listRecursively(FileSystem fs, Path dir, OwnOutput own)
      throws IOException {
    List<FileStatus> out = new ArrayList<>();
    boolean objectStore = ObjectStores.isObjectStore(fs.getUri().getScheme());
    java.util.ArrayDeque<Path> pending = new java.util.ArrayDeque<>();
    pending.add(dir);
    while (!pending.isEmpty()) {
      Path next = pending.poll();
      if (objectStore && !own.liesBelow(next)) {
        listFlat(fs, next, own, out);
        continue;
      }
      for (FileStatus f : fs.listStatus(next)) {
        if (own.leaveOut(f.getPath(), f.isDirectory()).isPresent()) {
          continue;
        }
        if (f.isDirectory()) {
          pending.add(f.getPath());
        } else {
          out.add(f);
        }
      }
    }
    return out;
  }

  private static void listFlat(FileSystem fs, Path prefix, OwnOutput own, List<FileStatus> out)
      throws IOException {
    RemoteIterator<LocatedFileStatus> it = fs.listFiles(prefix, true);
    while (it.hasNext()) {
      LocatedFileStatus f = it.next();
      if (f.isFile() && own.leaveOut(f.getPath(), false).isEmpty()) {
        out.add(f);
      }
    }
  }

  /** Hadoop's convention: names starting with _ or . below the listed path are not data. */
  private static boolean hidden(Path listed, Path file) {
    String rel = relative(listed, file);
    for (String segment : rel.split("/")) {
      if (segment.startsWith("_") || segment.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private SourceDocument document(
      Path root, FileStatus status, Map<String, String> spec, List<StructField> partitionCols) {
    Path path = status.getPath();
    String docId = relative(root, path);
    return new SourceDocument(
        docId,
        path.toString(),
        status.getLen(),
        status.getModificationTime(),
        partitionValues(docId, spec, partitionCols));
  }

  /**
   * A document's partition values, in the columns' order: the partition's spec, or else the {@code
   * key=value} folders of its doc id, as Hive lays them out; null for a default partition.
   */
  private static List<String> partitionValues(
      String docId, Map<String, String> spec, List<StructField> partitionCols) {
    Map<String, String> values = new HashMap<>(spec);
    if (values.isEmpty() && !partitionCols.isEmpty()) {
      for (String segment : docId.split("/")) {
        int eq = segment.indexOf('=');
        if (eq > 0) {
          values.put(segment.substring(0, eq).toLowerCase(Locale.ROOT), segment.substring(eq + 1));
        }
      }
    }
    List<String> ordered = new ArrayList<>();
    for (StructField f : partitionCols) {
      String v = values.get(f.name().toLowerCase(Locale.ROOT));
      ordered.add(v == null || "__HIVE_DEFAULT_PARTITION__".equals(v) ? null : v);
    }
    return ordered;
  }

  private static List<String> nulls(List<StructField> cols) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < cols.size(); i++) {
      out.add(null);
    }
    return out;
  }

  /** The path of {@code file} relative to {@code root}, with / separators, not URL-encoded. */
  static String relative(Path root, Path file) {
    String r = root.toUri().getPath();
    String f = file.toUri().getPath();
    String prefix = r.endsWith("/") ? r : r + "/";
    if (!f.startsWith(prefix)) {
      throw new IllegalArgumentException("Cannot name document " + file + ": not under " + root);
    }
    return f.substring(prefix.length());
  }

  /** Refuses a source root that is the job's own output or lies inside it. */
  private static void requireNotOurs(OwnOutput own, Path path, String subject) {
    own.enclosing(path)
        .ifPresent(
            place -> {
              throw new IllegalArgumentException("Cannot use " + subject + " " + place);
            });
  }

  private void requireUnder(Path path, Path root, String table) {
    URI p = path.toUri();
    URI r = root.toUri();
    String rp = r.getPath().endsWith("/") ? r.getPath() : r.getPath() + "/";
    boolean sameStore =
        java.util.Objects.equals(scheme(p.getScheme()), scheme(r.getScheme()))
            && java.util.Objects.equals(p.getAuthority(), r.getAuthority());
    if (!sameStore || !(p.getPath() + "/").startsWith(rp) || p.getPath().contains("/../")) {
      throw new IllegalArgumentException(
          "Cannot use source " + path + ": not under the location of " + table + " (" + root + ")");
    }
  }

  private static String scheme(String s) {
    return s == null ? null : s.equals("s3") || s.equals("s3n") ? "s3a" : s;
  }

  /**
   * The lines of the manifest at {@code uri}; when {@code uri} ends with {@code /}, of every
   * manifest in that folder (the trigger's pending manifests, docs/contract.md §3): the run takes
   * those there now, and the job retires them after its commits ({@link
   * SourcePlan#takenManifests}).
   */
  private List<String> readManifests(String uri) {
    if (!uri.endsWith("/")) {
      return readManifest(uri);
    }
    Path folder = qualify(new Path(uri));
    List<String> lines = new ArrayList<>();
    try {
      FileSystem fs = folder.getFileSystem(conf);
      FileStatus[] found = fs.exists(folder) ? fs.listStatus(folder) : new FileStatus[0];
      Arrays.sort(found, Comparator.comparing(f -> f.getPath().toString()));
      for (FileStatus f : found) {
        String name = f.getPath().getName();
        if (f.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
          lines.addAll(readManifest(f.getPath().toString()));
          takenManifests.add(f.getPath().toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot list source manifests " + uri + ": " + e.getMessage(), e);
    }
    LOG.info("Took {} pending manifests under {}", takenManifests.size(), uri);
    return lines;
  }

  private List<String> readManifest(String uri) {
    Path path = qualify(new Path(uri));
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(path.getFileSystem(conf).open(path), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          lines.add(t);
        }
      }
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("Cannot read source manifest " + uri + ": not found", e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read source manifest " + uri + ": " + e.getMessage(), e);
    }
    LOG.info("Manifest {} lists {} objects", uri, lines.size());
    return lines;
  }

  private static List<SourceDocument> dedupe(List<SourceDocument> docs) {
    Map<String, SourceDocument> byUri = new LinkedHashMap<>();
    for (SourceDocument d : docs) {
      byUri.putIfAbsent(d.getUri(), d);
    }
    return new ArrayList<>(byUri.values());
  }

  /**
   * Two sources with one output key are an error for both (docs/contract.md §2), not an overwrite.
   */
  private static void refuseOutputConflicts(
      List<SourceDocument> docs, Map<SourceDocument, Rejection> refused) {
    Map<String, List<SourceDocument>> byKey = new HashMap<>();
    for (SourceDocument d : docs) {
      byKey.computeIfAbsent(d.getOutputKey(), k -> new ArrayList<>()).add(d);
    }
    for (List<SourceDocument> group : byKey.values()) {
      if (group.size() > 1) {
        for (SourceDocument d : group) {
          List<String> others =
              group.stream().filter(o -> o != d).map(SourceDocument::getUri).toList();
          refused.put(
              d,
              new Rejection(
                  RejectReason.OUTPUT_CONFLICT,
                  0,
                  "output key " + d.getOutputKey() + " also written by " + others));
        }
        docs.removeAll(group);
      }
    }
  }

  private Path qualify(Path p) {
    try {
      return p.getFileSystem(conf).makeQualified(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot use path " + p + ": " + e.getMessage(), e);
    }
  }
}
