package dev.paraglue.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
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
import org.apache.iceberg.spark.data.SparkParquetWriters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * Parquet data files of an Iceberg table from Spark internal rows in the table's column order,
 * written with the writer Iceberg's own Spark writes use and the table's write properties.
 */
final class DataFiles implements FileWriterFactory<InternalRow> {
  private final Table table;
  private final StructType sparkType;

  DataFiles(Table table, StructType sparkType) {
    this.table = table;
    this.sparkType = sparkType;
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
  public DataWriter<InternalRow> newDataWriter(
      EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
    try {
      return Parquet.writeData(file)
          .forTable(table)
          .withSpec(spec)
          .withPartition(partition)
          .createWriterFunc(message -> SparkParquetWriters.buildWriter(sparkType, message))
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
  public EqualityDeleteWriter<InternalRow> newEqualityDeleteWriter(
      EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
    throw new UnsupportedOperationException("paraglue writes data files only");
  }

  @Override
  public PositionDeleteWriter<InternalRow> newPositionDeleteWriter(
      EncryptedOutputFile file, PartitionSpec spec, StructLike partition) {
    throw new UnsupportedOperationException("paraglue writes data files only");
  }
}
