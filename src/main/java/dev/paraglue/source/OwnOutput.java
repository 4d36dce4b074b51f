package dev.paraglue.source;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.SessionCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * What the job writes or takes — its output path, the folders of its paragraph and documents
 * tables, the manifest it reads — which is never a source, whichever root it lies under. Places
 * compare as qualified paths: scheme ({@code s3}, {@code s3n} and {@code s3a} are one), authority
 * (the bucket) and normalised path. Counts what listing left out for the run report.
 */
final class OwnOutput {
  private static final Logger LOG = LoggerFactory.getLogger(OwnOutput.class);

  /** A place the job writes, and how a message names it ("lies inside --output_path s3://b/o"). */
  record Place(String key, String phrase) {}

  private final List<Place> places;
  private long skippedObjects;
  private long prunedFolders;

  OwnOutput(List<Place> places) {
    this.places = List.copyOf(places);
  }

  /** The places of one run; {@code qualify} makes a path absolute on its file system. */
  static OwnOutput of(SparkSession spark, SourceRequest args, UnaryOperator<Path> qualify) {
    List<Place> places = new ArrayList<>();
    places.add(
        folder(qualify.apply(new Path(args.outputPath())), "--output_path " + args.outputPath()));
    for (String table : List.of(args.paragraphTable(), args.documentsTable())) {
      for (Path location : tableFolders(spark, table)) {
        places.add(
            folder(
                qualify.apply(location), "the location of table " + table + " (" + location + ")"));
      }
    }
    args.sourceManifest()
        .ifPresent(
            m ->
                places.add(new Place(key(qualify.apply(new Path(m))), "is the --source_manifest")));
    return new OwnOutput(places);
  }

  static Place folder(Path qualified, String name) {
    return new Place(key(qualified), "lies inside " + name);
  }

  /**
   * Where a table of ours keeps its files: an existing Iceberg table's location and its data and
   * metadata paths when set apart; for a table still to be created, where the catalog will put it.
   */
  private static List<Path> tableFolders(SparkSession spark, String name) {
    String[] parts = name.split("\\.");
    TableIdentifier ident = new TableIdentifier(parts[1], Option.apply(parts[0]));
    SessionCatalog catalog = spark.sessionState().catalog();
    if (!catalog.databaseExists(parts[0])) {
      return List.of();
    }
    if (!catalog.tableExists(ident)) {
      return List.of(new Path(catalog.defaultTablePath(ident)));
    }
    List<Path> out = new ArrayList<>();
    try {
      Table table = Spark3Util.loadIcebergTable(spark, name);
      out.add(new Path(table.location()));
      for (String p :
          List.of(TableProperties.WRITE_DATA_LOCATION, TableProperties.WRITE_METADATA_LOCATION)) {
        Optional.ofNullable(table.properties().get(p)).map(Path::new).ifPresent(out::add);
      }
    } catch (Exception e) { // not an Iceberg table: the job writes nothing there, it fails later
      LOG.debug("Table {} is not an Iceberg table: {}", name, e.toString());
      return List.of();
    }
    return out;
  }

  /** How the place that holds {@code p} (or is {@code p}) is named, when one does. */
  Optional<String> enclosing(Path p) {
    String k = key(p);
    for (Place place : places) {
      if (k.equals(place.key()) || k.startsWith(asFolder(place.key()))) {
        return Optional.of(place.phrase());
      }
    }
    return Optional.empty();
  }

  /** Whether a place lies strictly below {@code dir}: then a listing of it must walk around it. */
  boolean liesBelow(Path dir) {
    String prefix = asFolder(key(dir));
    return places.stream().anyMatch(place -> place.key().startsWith(prefix));
  }

  /**
   * Whether a listed object or folder, or an object a manifest names, is ours; counted when it is:
   * a folder is walked around unlisted, an object is left out. Returns how the place is named.
   */
  Optional<String> leaveOut(Path p, boolean folder) {
    Optional<String> place = enclosing(p);
    if (place.isPresent() && folder) {
      prunedFolders++;
      LOG.info("Not listing {}: it {}", p, place.get());
    } else if (place.isPresent()) {
      skippedObjects++;
    }
    return place;
  }

  /** Objects listed or named that were ours and left out. */
  long skippedObjects() {
    return skippedObjects;
  }

  /** Folders of ours that a listing walked around without listing them. */
  long prunedFolders() {
    return prunedFolders;
  }

  /** Scheme, authority and normalised path of a qualified path, without a trailing slash. */
  static String key(Path qualified) {
    URI u = qualified.toUri().normalize();
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("s3") || scheme.equals("s3n")) {
      scheme = "s3a";
    }
    String authority = u.getAuthority() == null ? "" : u.getAuthority().toLowerCase(Locale.ROOT);
    String path = u.getPath() == null || u.getPath().isEmpty() ? "/" : u.getPath();
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return scheme + "://" + authority + path;
  }

  private static String asFolder(String key) {
    return key.endsWith("/") ? key : key + "/";
  }
}
