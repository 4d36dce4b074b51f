package dev.paraglue.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.function.Function;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.deletes.EqualityDeleteWriter;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.FileWriterFactory;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.parquet.ParquetValueWriter;
import org.apache.iceberg.shaded.org.apache.parquet.schema.MessageType;
import org.apache.iceberg.spark.data.SparkParquetWriters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * Parquet data files of an Iceberg table, written by Iceberg's Parquet writer with the table's
 * write properties, from rows of type {@code T} given to a value writer of the file's schema.
 */
final class DataFiles<T> implements FileWriterFactory<T> {
  private final Table table;
  private final Function<MessageType, ParquetValueWriter<?>> values;

  DataFiles(Table table, Function<MessageType, ParquetValueWriter<?>> values) {
    this.table = table;
    this.values = values;
  }

  /**
   * From Spark internal rows in the table's column order, with the writer Iceberg's own Spark
   * writes use.
   */
  static DataFiles<InternalRow> sparkRows(Table table, StructType sparkType) {
    return new DataFiles<>(table, message -> SparkParquetWriters.buildWriter(sparkType, message));
  }

  /**
   * In every file name: the run id and a random part, as a run id may be given twice (a rerun with
   * the same --JOB_RUN_ID) and task attempt ids start again in every session.
   */
  static String operationId(String runId) {
    return runId + "-" + UUID.randomUUID();
  }

  /** Names the files of one task attempt. */
  static OutputFileFactory names(Table table, int partitionId, long taskId, String operationId) {
    return OutputFileFactory.builderFor(table, partitionId, taskId)
        .format(FileFormat.PARQUET)
        .operationId(operationId)
        .build();
  }

  @Override
  public DataWriter<T> newDataWriter(
      EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
    try {
      return Parquet.writeData(file)
          .forTable(table)
          .withSpec(spec)
          .withPartition(partition)
          .createWriterFunc(values)
          .overwrite()
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write data file "
              + file.encryptingOutputFile().location()
              + " of "
              + table.name()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public EqualityDeleteWriter<T> newEqualityDeleteWriter(
      EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
    throw new UnsupportedOperationException("paraglue writes data files only");
  }

  @Override
  public PositionDeleteWriter<T> newPositionDeleteWriter(
      EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
    throw new UnsupportedOperationException("paraglue writes data files only");
  }
}
