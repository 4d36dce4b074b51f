package dev.paraglue.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileContent;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.DeleteOrphanFiles;
import org.apache.iceberg.actions.ExpireSnapshots;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.actions.RewriteManifests;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps an Iceberg table healthy after many small runs, with Iceberg's own Spark actions: compacts
 * data files (sorted by doc id into files of the table's target size, applying position deletes),
 * compacts the delete files left, rewrites manifests, expires old snapshots and removes orphan
 * files. None of it changes what a query returns. Each action is its own commit, validated by
 * Iceberg against what runs commit meanwhile: a file group that conflicts with a run is left for
 * the next time, and a run whose deletes point at a file compacted away redoes its commit.
 */
public final class TableMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);

  /**
   * How much history to keep.
   *
   * @param retainDays snapshots older than this many days are expired...
   * @param retainLast ...but at least this many of the newest snapshots are kept
   * @param orphanDays files no snapshot references are deleted once older than this many days (a
   *     run that is writing has files no snapshot references yet)
   * @param now the time the ages are measured from
   */
  public record Retention(int retainDays, int retainLast, int orphanDays, Instant now) {
    Instant expireBefore() {
      return now.minus(Duration.ofDays(retainDays));
    }

    Instant orphanBefore() {
      return now.minus(Duration.ofDays(orphanDays));
    }
  }

  /** What maintenance did to one table. */
  public record Outcome(
      String table,
      int dataFilesRewritten,
      int dataFilesAdded,
      long deleteFilesRemoved,
      int manifestsRewritten,
      int snapshotsExpired,
      long filesDeleted,
      int orphansRemoved,
      int fileGroupsLeft) {
    /** One line for a person: what changed. */
    public String summary() {
      return String.format(
          "%s: %d data files compacted into %d, %d fewer delete files, %d manifests rewritten,"
              + " %d snapshots expired (%d files deleted), %d orphan files removed%s",
          table,
          dataFilesRewritten,
          dataFilesAdded,
          deleteFilesRemoved,
          manifestsRewritten,
          snapshotsExpired,
          filesDeleted,
          orphansRemoved,
          fileGroupsLeft == 0
              ? ""
              : ", " + fileGroupsLeft + " file groups left for next time (a run committed them)");
    }
  }

  private final SparkSession spark;

  public TableMaintenance(SparkSession spark) {
    this.spark = spark;
  }

  /** Compacts, rewrites manifests, expires snapshots and removes orphans of {@code table}. */
  public Outcome maintain(String table, Retention retention) {
    Table t = load(table);
    long deleteFilesBefore = deleteFiles(t);
    SparkActions actions = SparkActions.get(spark);
    RewriteDataFiles.Result data = compactDataFiles(actions, t);
    compactDeleteFiles(actions, t);
    RewriteManifests.Result manifests = actions.rewriteManifests(t).execute();
    t.refresh();
    ExpireSnapshots.Result expired =
        actions
            .expireSnapshots(t)
            .expireOlderThan(retention.expireBefore().toEpochMilli())
            .retainLast(retention.retainLast())
            .execute();
    t.refresh();
    DeleteOrphanFiles.Result orphans =
        actions.deleteOrphanFiles(t).olderThan(retention.orphanBefore().toEpochMilli()).execute();
    Outcome outcome =
        new Outcome(
            table,
            data.rewrittenDataFilesCount(),
            data.addedDataFilesCount(),
            deleteFilesBefore - deleteFiles(t),
            count(manifests.rewrittenManifests()),
            (int) expired.deletedManifestListsCount(), // one manifest list per snapshot
            expired.deletedDataFilesCount()
                + expired.deletedPositionDeleteFilesCount()
                + expired.deletedManifestsCount()
                + expired.deletedManifestListsCount(),
            count(orphans.orphanFileLocations()),
            data.rewriteFailures().size());
    LOG.info("Maintained {}", outcome.summary());
    spark.sql("REFRESH TABLE " + table);
    return outcome;
  }

  /**
   * A table property set once a compaction has rewritten every data file sorted by doc id: from
   * then on only the files that need it are rewritten.
   */
  static final String SORTED_PROPERTY = "paraglue.compaction.sorted-by-doc-id";

  /**
   * Compacts data files sorted by doc id, applying their deletes. Sorted, each file holds a narrow
   * range of doc ids, so a later run's existence check and deletes read only the files whose range
   * holds one of its documents ({@link DocIdRanges}); a run's own files span every name (documents
   * are packed onto tasks by size). The first time, every data file is rewritten so; then only
   * those with deletes and the small ones, as bin-packing would.
   */
  private static RewriteDataFiles.Result compactDataFiles(SparkActions actions, Table t) {
    boolean sorted = Boolean.parseBoolean(t.properties().getOrDefault(SORTED_PROPERTY, "false"));
    long dataFiles = dataFiles(t);
    RewriteDataFiles.Result data =
        actions
            .rewriteDataFiles(t)
            .sort(SortOrder.builderFor(t.schema()).asc("doc_id").build())
            .option("rewrite-all", Boolean.toString(!sorted))
            // Any file with a delete is rewritten (the deletes applied), and any two small files
            // of a partition are packed together: many small runs leave many small files.
            .option("delete-file-threshold", "1")
            .option("min-input-files", "2")
            // The new files get a sequence number above every delete, so the deletes they absorbed
            // no longer apply to anything (dropped below). A run's deletes
            // committed meanwhile against the old files fail that file group instead, left for
            // next time.
            .option(RewriteDataFiles.USE_STARTING_SEQUENCE_NUMBER, "false")
            .option(RewriteDataFiles.REMOVE_DANGLING_DELETES, "true")
            .option(RewriteDataFiles.PARTIAL_PROGRESS_ENABLED, "true")
            .execute();
    t.refresh();
    // With partial progress a file group whose commit failed (a run's deletes committed meanwhile)
    // is only logged, not in rewriteFailures(): sorted means every data file was rewritten.
    if (!sorted
        && data.rewriteFailures().isEmpty()
        && data.rewrittenDataFilesCount() == dataFiles) {
      t.updateProperties().set(SORTED_PROPERTY, "true").commit();
      t.refresh();
    }
    return data;
  }

  /** The live data files of the table's current snapshot (0 without one). */
  private static long dataFiles(Table t) {
    return t.currentSnapshot() == null
        ? 0
        : Long.parseLong(t.currentSnapshot().summary().getOrDefault("total-data-files", "0"));
  }

  /** Compacts the delete files left and drops those that apply to nothing. */
  private static void compactDeleteFiles(SparkActions actions, Table t) {
    if (t.currentSnapshot() != null) {
      actions.rewritePositionDeletes(t).execute();
      t.refresh();
      actions.removeDanglingDeleteFiles(t).execute();
      t.refresh();
      dropDeletesOlderThanEveryDataFile(t);
    }
  }

  /**
   * Drops the position delete files of an unpartitioned table that apply to no live data file:
   * those with a sequence number below every live data file's (a position delete applies only to
   * data files of its sequence number or older). Iceberg's dangling-delete action leaves an
   * unpartitioned table to the table-wide filter of each commit, but the compaction's commit still
   * counts the data files it rewrote (listed as deleted, with their old sequence numbers) and keeps
   * the deletes of the last runs before it, which then point at files no longer in the table.
   */
  private static void dropDeletesOlderThanEveryDataFile(Table t) {
    Snapshot s = t.currentSnapshot();
    if (!t.spec().isUnpartitioned() || t.specs().size() != 1) {
      return; // partitioned: Iceberg's action compares partition by partition
    }
    long min = Long.MAX_VALUE;
    List<DeleteFile> older = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks =
        t.newScan().useSnapshot(s.snapshotId()).planFiles()) {
      for (FileScanTask task : tasks) {
        min = Math.min(min, task.file().dataSequenceNumber());
      }
      for (ManifestFile m : s.deleteManifests(t.io())) {
        try (ManifestReader<DeleteFile> live =
            ManifestFiles.readDeleteManifest(m, t.io(), t.specs())) {
          for (DeleteFile d : live) {
            if (d.content() == FileContent.POSITION_DELETES && d.dataSequenceNumber() < min) {
              older.add(d.copyWithoutStats());
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot plan " + t.name() + ": " + e.getMessage(), e);
    }
    if (!older.isEmpty()) {
      RewriteFiles drop = t.newRewrite().validateFromSnapshot(s.snapshotId());
      older.forEach(drop::deleteFile);
      drop.commit();
      t.refresh();
      LOG.info("Dropped {} delete files of {} older than every data file", older.size(), t.name());
    }
  }

  private Table load(String table) {
    try {
      return Spark3Util.loadIcebergTable(spark, table);
    } catch (org.apache.spark.sql.catalyst.parser.ParseException
        | org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalArgumentException(
          "Cannot maintain table " + table + ": " + e.getMessage().lines().findFirst().orElse(""),
          e);
    }
  }

  /** Live delete files, from the current snapshot's summary. */
  private static long deleteFiles(Table t) {
    Snapshot s = t.currentSnapshot();
    return s == null ? 0 : Long.parseLong(s.summary().getOrDefault("total-delete-files", "0"));
  }

  private static int count(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }
}
