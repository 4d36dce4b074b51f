package dev.paraglue.source;

import dev.paraglue.text.SourceEncoding;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;

/**
 * Which charset each document is read in (docs/contract.md §1, "Other encodings"): {@code
 * --source_encoding} when given; else the SerDe parameter {@code serialization.encoding} of the
 * document's partition, then of its table, then the table property {@code paraglue.encoding}; else
 * UTF-8. Names are checked when the run starts, before any data is read.
 */
final class DeclaredEncodings {
  /** Hive's SerDe parameter, as LazySimpleSerDe and Athena read it. */
  static final String SERDE_ENCODING = "serialization.encoding";

  /** paraglue's own table property, for a table whose SerDe parameters cannot be set. */
  static final String TABLE_ENCODING = "paraglue.encoding";

  private record Declared(String location, String encoding) {}

  private final String dflt;
  private final List<Declared> partitions;

  private DeclaredEncodings(String dflt, List<Declared> partitions) {
    this.dflt = dflt;
    this.partitions = partitions;
  }

  /** Every document in one encoding: the argument's, or UTF-8 without a table. */
  static DeclaredEncodings fixed(String encoding) {
    return new DeclaredEncodings(encoding, List.of());
  }

  /**
   * A table's declarations: {@code serde} and {@code properties} are the table's SerDe parameters
   * and properties, {@code partitionSerde} each partition's location and SerDe parameters.
   */
  static DeclaredEncodings ofTable(
      String table,
      Map<String, String> serde,
      Map<String, String> properties,
      Map<Path, Map<String, String>> partitionSerde) {
    String dflt =
        Optional.ofNullable(serde.get(SERDE_ENCODING))
            .map(e -> check(e, "SerDe parameter " + SERDE_ENCODING + " of table " + table))
            .or(
                () ->
                    Optional.ofNullable(properties.get(TABLE_ENCODING))
                        .map(e -> check(e, "table property " + TABLE_ENCODING + " of " + table)))
            .orElse(SourceEncoding.UTF8);
    List<Declared> partitions = new ArrayList<>();
    partitionSerde.forEach(
        (location, params) -> {
          String e = params.get(SERDE_ENCODING);
          if (e != null) {
            String where = SERDE_ENCODING + " of partition " + location + " of table " + table;
            partitions.add(new Declared(folder(location), check(e, where)));
          }
        });
    partitions.sort(Comparator.comparing((Declared d) -> d.location().length()).reversed());
    return new DeclaredEncodings(dflt, List.copyOf(partitions));
  }

  private static String folder(Path p) {
    String s = p.toString();
    return s.endsWith("/") ? s : s + "/";
  }

  private static String check(String name, String where) {
    try {
      return SourceEncoding.canonical(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Cannot use encoding '" + name + "' (" + where + "): " + e.getMessage(), e);
    }
  }

  /**
   * The encoding a document is read in: that of the deepest partition holding it, or the table's.
   */
  String of(String uri) {
    for (Declared d : partitions) {
      if (uri.startsWith(d.location())) {
        return d.encoding();
      }
    }
    return dflt;
  }

  /** Partitions that declare their own encoding. */
  int partitionsDeclaring() {
    return partitions.size();
  }

  /** The table's encoding (or the argument's). */
  String tableEncoding() {
    return dflt;
  }
}
