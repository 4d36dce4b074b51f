package dev.paraglue.source;

import dev.paraglue.text.SourceEncoding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.analysis.NoSuchDatabaseException;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTablePartition;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * The source table as the catalog has it: its location, partition columns, partitions and declared
 * encodings. Absent when the run names no source table.
 */
final class SourceCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(SourceCatalog.class);

  private final String name;
  private final Optional<CatalogTable> table;
  private final List<StructField> partitionColumns;
  private final List<CatalogTablePartition> partitions;
  private final Optional<Path> root;

  private SourceCatalog(
      String name,
      Optional<CatalogTable> table,
      List<CatalogTablePartition> partitions,
      Configuration conf) {
    this.name = name;
    this.table = table;
    this.partitionColumns =
        table.map(t -> Arrays.asList(t.partitionSchema().fields())).orElse(List.of());
    this.partitions = partitions;
    this.root = table.map(t -> SourcePaths.qualify(conf, new Path(t.location())));
  }

  /** Looks up {@code --source_table} when given: a raw text table, not an Iceberg one. */
  static SourceCatalog of(SparkSession spark, Optional<String> sourceTable) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    if (sourceTable.isEmpty()) {
      return new SourceCatalog(null, Optional.empty(), List.of(), conf);
    }
    CatalogTable t = lookup(spark, sourceTable.get());
    List<CatalogTablePartition> partitions =
        t.partitionSchema().isEmpty()
            ? List.of()
            : JavaConverters.seqAsJavaList(
                spark.sessionState().catalog().listPartitions(t.identifier(), Option.empty()));
    return new SourceCatalog(sourceTable.get(), Optional.of(t), partitions, conf);
  }

  private static CatalogTable lookup(SparkSession spark, String name) {
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

  boolean isPresent() {
    return table.isPresent();
  }

  /** The table's name as the run gave it. */
  String name() {
    return name;
  }

  List<StructField> partitionColumns() {
    return partitionColumns;
  }

  /** The table's qualified location. */
  Optional<Path> root() {
    return root;
  }

  /** The table's location, or each partition's (its spec beside it). */
  List<ListingRoot> roots(Configuration conf) {
    if (partitionColumns.isEmpty()) {
      return List.of(new ListingRoot(root.get(), root.get(), Map.of()));
    }
    List<ListingRoot> roots = new ArrayList<>();
    for (CatalogTablePartition p : partitions) {
      Path location = SourcePaths.qualify(conf, new Path(p.location()));
      roots.add(new ListingRoot(root.get(), location, JavaConverters.mapAsJavaMap(p.spec())));
    }
    LOG.info("Source table {} has {} partitions", name, roots.size());
    return roots;
  }

  /** Which charset each document is read in: the argument's, else what the catalog declares. */
  DeclaredEncodings encodings(Optional<String> sourceEncoding, Configuration conf) {
    if (sourceEncoding.isPresent() || table.isEmpty()) {
      return DeclaredEncodings.fixed(sourceEncoding.orElse(SourceEncoding.UTF8));
    }
    CatalogTable t = table.get();
    Map<Path, Map<String, String>> partitionSerde = new LinkedHashMap<>();
    for (CatalogTablePartition p : partitions) {
      partitionSerde.put(
          SourcePaths.qualify(conf, new Path(p.location())),
          JavaConverters.mapAsJavaMap(p.storage().properties()));
    }
    DeclaredEncodings e =
        DeclaredEncodings.ofTable(
            name,
            JavaConverters.mapAsJavaMap(t.storage().properties()),
            JavaConverters.mapAsJavaMap(t.properties()),
            partitionSerde);
    LOG.info(
        "Source table {} is read as {}; {} partitions declare their own encoding",
        name,
        e.tableEncoding(),
        e.partitionsDeclaring());
    return e;
  }
}
