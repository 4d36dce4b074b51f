package dev.paraglue.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.encryption.EncryptedOutputFile;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.OutputFileFactory;
import org.apache.iceberg.parquet.Parquet;

/**
 * Small reads of an Iceberg table on the driver, through Iceberg's own generic reader (deletes and
 * the filter applied as a Spark scan would): on a small table a Spark job's fixed cost is most of a
 * small run. A scan is small when the data and delete files it would read total at most {@code
 * maxBytes}; a larger one is left to Spark.
 */
final class DriverScans {
  private final long maxBytes;

  DriverScans(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The filter that keeps the rows of these documents. */
  static Expression ofDocuments(Collection<String> docIds) {
    return Expressions.in("doc_id", docIds.toArray());
  }

  /**
   * The data files a scan of {@code snapshotId} with {@code filter} reads, by location, when they
   * and their delete files total at most {@code maxBytes}; null when the scan is not small.
   */
  Map<String, DataFile> smallScan(Table t, long snapshotId, Expression filter) {
    if (maxBytes <= 0) {
      return null;
    }
    Map<String, DataFile> files = new LinkedHashMap<>();
    long bytes = 0;
    try (CloseableIterable<FileScanTask> tasks =
        t.newScan().useSnapshot(snapshotId).filter(filter).planFiles()) {
      for (FileScanTask task : tasks) {
        bytes += task.file().fileSizeInBytes();
        for (DeleteFile d : task.deletes()) {
          bytes += d.fileSizeInBytes();
        }
        if (bytes > maxBytes) {
          return null;
        }
        files.put(task.file().location(), task.file());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan " + t.name() + ": " + e.getMessage(), e);
    }
    return files;
  }

  /** Each row of {@code snapshotId} that {@code filter} keeps, as {@code projection}. */
  static void forEach(
      Table t, long snapshotId, Expression filter, Schema projection, Consumer<Record> each) {
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(t).useSnapshot(snapshotId).where(filter).project(projection).build()) {
      rows.forEach(each);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + t.name() + ": " + e.getMessage(), e);
    }
  }

  /** The named columns of the table's schema, in the given order. */
  static Schema columns(Table t, List<String> names) {
    List<org.apache.iceberg.types.Types.NestedField> fields = new ArrayList<>();
    for (String n : names) {
      fields.add(t.schema().findField(n));
    }
    return new Schema(fields);
  }

  /**
   * Writes one position delete file of {@code dataFile}'s rows at {@code positions}, in its
   * partition, as Iceberg's Spark writes write them (Parquet, the table's delete properties).
   */
  static DeleteFile positionDeletes(Table t, DataFile dataFile, List<Long> positions) {
    OutputFileFactory names =
        OutputFileFactory.builderFor(t, 0, 0)
            .format(FileFormat.PARQUET)
            .operationId("paraglue-" + UUID.randomUUID())
            .suffix("deletes")
            .build();
    EncryptedOutputFile out =
        names.newOutputFile(t.specs().get(dataFile.specId()), dataFile.partition());
    PositionDeleteWriter<Object> writer;
    try {
      writer =
          Parquet.writeDeletes(out)
              // As Iceberg's Spark writes: the table's properties, no row data (forTable would
              // ask for it).
              .setAll(t.properties())
              .metricsConfig(MetricsConfig.forPositionDelete(t))
              .withSpec(t.specs().get(dataFile.specId()))
              .withPartition(dataFile.partition())
              .overwrite()
              .buildPositionWriter();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write position deletes of " + t.name() + ": " + e.getMessage(), e);
    }
    List<Long> sorted = new ArrayList<>(positions);
    sorted.sort(null);
    PositionDelete<Object> delete = PositionDelete.create();
    try (writer) {
      for (long pos : sorted) {
        writer.write(delete.set(dataFile.location(), pos, null));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write position deletes of " + t.name() + ": " + e.getMessage(), e);
    }
    return writer.toDeleteFile();
  }
}
