package dev.paraglue.source;

import dev.paraglue.cli.OneLine;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.SubqueryExpression;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/** {@code --partition_filter}: a SQL predicate over the source table's partition columns. */
final class PartitionFilter {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionFilter.class);

  private final SparkSession spark;
  private final Expression parsed;
  private final String text;
  private final List<StructField> partitionCols;

  private PartitionFilter(
      SparkSession spark, Expression parsed, String text, List<StructField> partitionCols) {
    this.spark = spark;
    this.parsed = parsed;
    this.text = text;
    this.partitionCols = partitionCols;
  }

  /** Parses the filter; refuses one that names other columns or holds a subquery. */
  static PartitionFilter parse(
      SparkSession spark, String filter, String tableName, List<StructField> partitionCols) {
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
      requireAllowed(node, names, tableName);
    }
    return new PartitionFilter(spark, expr, filter, partitionCols);
  }

  private static void requireAllowed(Expression node, Set<String> names, String tableName) {
    if (node instanceof SubqueryExpression) {
      throw new IllegalArgumentException(
          "Cannot use --partition_filter: subqueries are not allowed");
    }
    if (node instanceof UnresolvedAttribute a
        && !names.contains(a.name().toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "Cannot use --partition_filter: unknown column "
              + a.name()
              + "; partition columns of "
              + tableName
              + " are "
              + new TreeSet<>(names));
    }
  }

  private static void collect(Expression e, List<Expression> out) {
    out.add(e);
    for (Expression child : JavaConverters.seqAsJavaList(e.children())) {
      collect(child, out);
    }
  }

  /** Keeps the documents whose partition values pass the filter, evaluated by Spark SQL. */
  List<SourceDocument> apply(List<SourceDocument> docs) {
    Map<List<String>, List<SourceDocument>> byValues = new LinkedHashMap<>();
    for (SourceDocument d : docs) {
      byValues.computeIfAbsent(d.getPartitionValues(), k -> new ArrayList<>()).add(d);
    }
    List<SourceDocument> out = new ArrayList<>();
    for (Row r : passing(byValues.keySet())) {
      List<String> raw = new ArrayList<>();
      for (int i = 0; i < partitionCols.size(); i++) {
        raw.add(r.getString(partitionCols.size() + i));
      }
      out.addAll(byValues.getOrDefault(raw, List.of()));
    }
    LOG.info("Partition filter kept {} of {} documents", out.size(), docs.size());
    return out;
  }

  private List<Row> passing(Set<List<String>> tuples) {
    try {
      return PartitionValues.typed(spark, tuples, partitionCols)
          .where(new Column(parsed))
          .collectAsList();
    } catch (Exception e) {
      // AnalysisException is checked to javac but thrown undeclared from Scala.
      if (e instanceof AnalysisException a) {
        throw new IllegalArgumentException(
            "Cannot use --partition_filter '" + text + "': " + a.getSimpleMessage(), e);
      }
      throw e;
    }
  }
}
