import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The job as it is usually hand-written on Glue, for comparison: read each file whole
 * ({@code wholetext}), split on blank lines with a regex, posexplode, write the paragraphs as a
 * Parquet table, put documents back together with groupBy + collect_list + concat, and write one
 * text output per document with {@code partitionBy}.
 *
 * <pre>java -cp SPARK_CLASSPATH jobs/bench/NaiveSparkBaseline.java IN OUT</pre>
 */
public final class NaiveSparkBaseline {
  public static void main(String[] args) {
    SparkSession spark =
        SparkSession.builder()
            .master(System.getProperty("master", "local[2]"))
            .appName("naive-baseline")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    String in = args[0];
    String out = args[1];
    Dataset<Row> docs =
        spark.read().option("wholetext", "true").option("recursiveFileLookup", "true").text(in)
            .withColumn("doc", input_file_name());
    Dataset<Row> paragraphs =
        docs.select(col("doc"), posexplode(split(col("value"), "\\r?\\n[ \\t\\u3000]*\\r?\\n")).as(new String[] {"idx", "text"}))
            .withColumn("text", regexp_replace(col("text"), "\\r\\n", "\n"))
            .where(length(trim(col("text"))).gt(0));
    paragraphs.cache();
    paragraphs.write().mode("overwrite").parquet(out + "/paragraphs");
    Dataset<Row> reassembled =
        paragraphs
            .groupBy("doc")
            .agg(sort_array(collect_list(struct(col("idx"), col("text")))).as("ps"))
            .select(
                regexp_replace(col("doc"), "[^A-Za-z0-9._-]", "_").as("doc_name"),
                concat(concat_ws("\n\n", col("ps.text")), lit("\n")).as("value"));
    // One output per document, the usual way: a partition per document name.
    reassembled.write().mode("overwrite").partitionBy("doc_name").text(out + "/documents");
    System.out.printf("naive: %d paragraphs%n", paragraphs.count());
    spark.stop();
  }
}
