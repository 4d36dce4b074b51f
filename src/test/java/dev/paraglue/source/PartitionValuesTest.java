package dev.paraglue.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.holdenkarau.spark.testing.JavaDatasetSuiteBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Partition values cast on the driver give what Spark's query over them gives. */
class PartitionValuesTest extends JavaDatasetSuiteBase {
  @Override
  public SparkConf conf() {
    return new SparkConf()
        .setMaster("local[1]")
        .setAppName("PartitionValuesTest")
        .set("spark.ui.enabled", "false")
        .set("spark.sql.session.timeZone", "America/New_York") // not the JVM's: casts use this
        .set("spark.driver.host", "127.0.0.1");
  }

  @Override
  public boolean enableHiveSupport() {
    return false;
  }

  @BeforeEach
  void startSpark() {
    runBefore();
  }

  @AfterAll
  static void stopSpark() {
    runAfterClass();
  }

  @Test
  void cast_isWhatSparksQueryGives_forEveryTypeAndOddValues() {
    List<DataType> types =
        List.of(
            DataTypes.StringType,
            DataTypes.IntegerType,
            DataTypes.LongType,
            DataTypes.DoubleType,
            DataTypes.BooleanType,
            DataTypes.DateType,
            DataTypes.TimestampType,
            DataTypes.createDecimalType(10, 2));
    List<String> values =
        Arrays.asList(
            "7",
            " -12 ",
            "12.345",
            "1e3",
            "true",
            "abc",
            "",
            null,
            "2026-11-03",
            "2026-02-30",
            "2026-11-03 04:05:06",
            "2026-03-08T02:30:00",
            "99999999999");
    List<StructField> columns = new ArrayList<>();
    for (int i = 0; i < types.size(); i++) {
      columns.add(DataTypes.createStructField("c" + i, types.get(i), true));
    }
    List<List<String>> tuples = new ArrayList<>();
    for (String v : values) {
      tuples.add(java.util.Collections.nCopies(types.size(), v));
    }
    InternalRow[] byQuery =
        PartitionValues.typed(spark(), tuples, columns)
            .queryExecution()
            .executedPlan()
            .executeCollect();

    assertThat(byQuery).hasSize(values.size());
    int nonNull = 0;
    for (InternalRow r : byQuery) {
      String raw = r.isNullAt(types.size()) ? null : r.getUTF8String(types.size()).toString();
      for (int i = 0; i < types.size(); i++) {
        Object want = r.isNullAt(i) ? null : r.get(i, types.get(i));
        nonNull += want == null ? 0 : 1;
        assertThat(PartitionValues.cast(spark(), raw, types.get(i)))
            .as("'%s' as %s", raw, types.get(i))
            .isEqualTo(want);
      }
    }
    assertThat(nonNull).isGreaterThan(20);
  }
}
