package dev.paraglue.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.MetadataColumns;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.util.ContentFileUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits a run's rows to either table: the documents' earlier rows deleted on a private branch,
 * then one validated row delta on main.
 */
public final class RowCommits {
  private static final Logger LOG = LoggerFactory.getLogger(RowCommits.class);

  private final SparkSession spark;
  private final DriverScans scans;

  RowCommits(SparkSession spark, DriverScans scans) {
    this.spark = spark;
    this.scans = scans;
  }

  /**
   * Makes {@code files} (of {@link IcebergTables#paragraphFiles} or {@link Ledger#documentFiles})
   * the rows of the given documents, in one commit validated against what other runs committed
   * meanwhile: when some of the documents already have rows, those are deleted first on a private
   * branch (position deletes, merge-on-read), and the branch's delete files and the new data files
   * reach main in one row delta. Fails with Iceberg's ValidationException, never duplicating, when
   * another run committed rows or deletes of any of them since, or removed a data file the deletes
   * point at.
   */
  public void replaceRows(
      String table, List<DataFile> files, Collection<String> docIds, Runnable beforeCommit) {
    if (docIds.isEmpty()) {
      return;
    }
    Snapshot base = refreshedBase(table);
    Table t = IcebergTables.load(spark, table);
    Map<String, DataFile> small =
        base == null
            ? null
            : scans.smallScan(t, base.snapshotId(), DriverScans.ofDocuments(docIds));
    try {
      if (base == null || small != null) {
        // Nothing to delete, or few enough files to delete from here: no branch, no Spark job.
        StagedChanges staged =
            base == null ? StagedChanges.NONE : deleteOnDriver(t, base, docIds, small);
        commitStaged(table, files, docIds, staged, base, beforeCommit);
      } else {
        replaceOnBranch(table, files, docIds, base, beforeCommit);
      }
    } finally {
      spark.sql("REFRESH TABLE " + table);
    }
  }

  /** Commits, deleting the staged delete files when the commit surely did not take them. */
  private void commitStaged(
      String table,
      List<DataFile> files,
      Collection<String> docIds,
      StagedChanges staged,
      Snapshot base,
      Runnable beforeCommit) {
    try {
      beforeCommit.run();
      commitDelta(table, files, docIds, staged, base);
    } catch (RuntimeException e) {
      discard(table, staged.deletes(), e);
      throw e;
    }
  }

  /**
   * The Spark way, for a table too large to scan here: whether the documents have rows is a Spark
   * job, and their rows are deleted by Spark's DELETE on a private branch.
   */
  private void replaceOnBranch(
      String table,
      List<DataFile> files,
      Collection<String> docIds,
      Snapshot base,
      Runnable beforeCommit) {
    Dataset<Row> ids = IcebergTables.frame(spark, docIds, "doc_id");
    Optional<DocIdRanges> ranges = ranges(table, base, docIds);
    // Where the documents' rows can be: all of the table when its files do not say.
    String where = ranges.map(DocIdRanges::sql).orElse("TRUE");
    boolean existing =
        !ranges.map(DocIdRanges::none).orElse(false)
            && !spark.table(table).where(where).select("doc_id").join(ids, "doc_id").isEmpty();
    String branch = existing ? createBranch(table, base) : null;
    try {
      StagedChanges staged =
          branch == null ? StagedChanges.NONE : deleteOnBranch(table, branch, ids, where, base);
      beforeCommit.run();
      commitDelta(table, files, docIds, staged, base);
    } finally {
      if (branch != null) {
        dropBranch(table, branch);
      }
    }
  }

  /**
   * Deletes the documents' rows of {@code base} as Spark's DELETE would, from here: finds their
   * positions with Iceberg's reader (earlier deletes applied) in {@code scanned}, the data files a
   * scan for them reads, and writes one position delete file per data file holding any.
   */
  private static StagedChanges deleteOnDriver(
      Table t, Snapshot base, Collection<String> docIds, Map<String, DataFile> scanned) {
    Map<String, List<Long>> positions = new TreeMap<>();
    Schema projection =
        new Schema(
            t.schema().findField("doc_id"),
            MetadataColumns.FILE_PATH,
            MetadataColumns.ROW_POSITION);
    DriverScans.forEach(
        t,
        base.snapshotId(),
        DriverScans.ofDocuments(docIds),
        projection,
        r ->
            positions
                .computeIfAbsent(r.get(1).toString(), f -> new ArrayList<>())
                .add((Long) r.get(2)));
    if (positions.isEmpty()) {
      return StagedChanges.NONE;
    }
    List<DeleteFile> deletes = new ArrayList<>();
    try {
      for (Map.Entry<String, List<Long>> e : positions.entrySet()) {
        deletes.add(DriverScans.positionDeletes(t, scanned.get(e.getKey()), e.getValue()));
      }
    } catch (RuntimeException e) {
      deletes.forEach(d -> t.io().deleteFile(d.location()));
      throw e;
    }
    LOG.info(
        "Rows of {} documents in {}: {} of {} data files hold some (read here)",
        docIds.size(),
        t.name(),
        positions.size(),
        base.summary().get("total-data-files"));
    return new StagedChanges(
        List.of(), List.of(), deletes, List.copyOf(positions.keySet()), Optional.empty());
  }

  /** Commits the new files and the branch's staged changes to main in one validated row delta. */
  private void commitDelta(
      String table,
      List<DataFile> files,
      Collection<String> docIds,
      StagedChanges staged,
      Snapshot base) {
    Table t = IcebergTables.load(spark, table);
    t.refresh();
    RowDelta delta = t.newRowDelta();
    files.forEach(delta::addRows);
    staged.applyTo(delta);
    // The branch's delete files now belong to main: say so, or Iceberg's incremental snapshot
    // expiry (core API users) would delete them with the dropped branch's snapshot.
    staged.sourceSnapshotId().ifPresent(id -> delta.set("source-snapshot-id", Long.toString(id)));
    if (base != null) {
      delta.validateFromSnapshot(base.snapshotId());
    }
    delta
        .conflictDetectionFilter(Expressions.in("doc_id", docIds.toArray()))
        .validateDataFilesExist(staged.referencedDataFiles())
        .validateDeletedFiles()
        .validateNoConflictingDataFiles()
        .validateNoConflictingDeleteFiles()
        .commit();
    LOG.info(
        "Committed {} data files of {} documents to {} ({} delete files, {} earlier files"
            + " rewritten)",
        files.size(),
        docIds.size(),
        table,
        staged.deletes().size(),
        staged.removed().size());
  }

  /**
   * What deleting some documents' rows on a branch wrote, to be committed to main, and the data
   * files its position deletes point at: they must still be live when it commits.
   */
  private record StagedChanges(
      List<DataFile> removed,
      List<DataFile> added,
      List<DeleteFile> deletes,
      List<String> referencedDataFiles,
      Optional<Long> sourceSnapshotId) {
    static final StagedChanges NONE =
        new StagedChanges(List.of(), List.of(), List.of(), List.of(), Optional.empty());

    void applyTo(RowDelta delta) {
      removed.forEach(delta::removeRows);
      added.forEach(delta::addRows);
      deletes.forEach(delta::addDeletes);
    }
  }

  /**
   * The data files the delete files point at: each one's, from its {@code file_path} bounds (one
   * data file per delete file, 'write.delete.granularity'='file'); every data file of {@code base}
   * when one of them does not say.
   */
  private static List<String> referencedDataFiles(
      Table t, Snapshot base, List<DeleteFile> deletes) {
    List<String> out = new ArrayList<>();
    for (DeleteFile d : deletes) {
      String f = ContentFileUtil.referencedDataFileLocation(d);
      if (f == null) {
        out.clear();
        try (CloseableIterable<FileScanTask> tasks =
            t.newScan().useSnapshot(base.snapshotId()).planFiles()) {
          tasks.forEach(task -> out.add(task.file().location()));
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot plan " + t.name() + ": " + e.getMessage(), e);
        }
        return out;
      }
      out.add(f);
    }
    return out;
  }

  /**
   * The doc id ranges of {@code base}'s data files that can hold rows of {@code docIds}; logs how
   * many data files a scan of them reads.
   */
  private Optional<DocIdRanges> ranges(String table, Snapshot base, Collection<String> docIds) {
    Table t = IcebergTables.load(spark, table);
    Optional<DocIdRanges> ranges = DocIdRanges.of(t, base.snapshotId(), docIds);
    LOG.info(
        "Rows of {} documents in {}: {} of {} data files to read ({} doc id ranges)",
        docIds.size(),
        table,
        ranges.map(r -> r.files(t, base.snapshotId())).orElse(-1L),
        base.summary().get("total-data-files"),
        ranges.map(r -> Integer.toString(r.ranges().size())).orElse("no bounds: all"));
    return ranges;
  }

  /**
   * Deletes the rows of {@code ids} on the branch, scanning the data files {@code where} lets
   * Iceberg keep, and returns what that wrote.
   */
  private StagedChanges deleteOnBranch(
      String table, String branch, Dataset<Row> ids, String where, Snapshot base) {
    String view = "paraglue_replaced_" + branch;
    ids.createOrReplaceTempView(view);
    try {
      spark.sql(
          "DELETE FROM "
              + table
              + ".branch_"
              + branch
              + " WHERE "
              + where
              + " AND doc_id IN (SELECT doc_id FROM "
              + view
              + ")");
    } finally {
      spark.catalog().dropTempView(view);
    }
    Table t = IcebergTables.load(spark, table);
    t.refresh();
    Snapshot staged = t.snapshot(branch);
    if (staged.snapshotId() == base.snapshotId()) {
      return StagedChanges.NONE;
    }
    List<DataFile> removed = new ArrayList<>();
    List<DataFile> added = new ArrayList<>();
    List<DeleteFile> deletes = new ArrayList<>();
    staged.removedDataFiles(t.io()).forEach(removed::add);
    staged.addedDataFiles(t.io()).forEach(added::add);
    staged.addedDeleteFiles(t.io()).forEach(deletes::add);
    return new StagedChanges(
        removed,
        added,
        deletes,
        referencedDataFiles(t, base, deletes),
        Optional.of(staged.snapshotId()));
  }

  /**
   * Deletes data files written for a commit that did not happen. Not after an unknown commit state:
   * the files may be in the table.
   */
  public void discard(String table, List<? extends ContentFile<?>> files, Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CommitStateUnknownException) {
        return;
      }
    }
    FileIO io = IcebergTables.load(spark, table).io();
    for (ContentFile<?> f : files) {
      try {
        io.deleteFile(f.location());
      } catch (RuntimeException e) {
        LOG.warn("Cannot delete uncommitted file {}: {}", f.location(), e.toString());
      }
    }
  }

  /** The table's current snapshot, after making Spark's cached copy of the table current. */
  private Snapshot refreshedBase(String table) {
    spark.sql("REFRESH TABLE " + table);
    return IcebergTables.load(spark, table).currentSnapshot();
  }

  /**
   * A private branch of the table at {@code base}. It expires a day after {@code base} was made, so
   * a branch a killed run left behind does not hold old files forever: maintenance's snapshot
   * expiry drops it.
   */
  private String createBranch(String table, Snapshot base) {
    String branch =
        "paraglue_" + Long.toHexString(System.nanoTime()) + "_" + Integer.toHexString(hashCode());
    spark.sql(
        "ALTER TABLE "
            + table
            + " CREATE BRANCH "
            + branch
            + " AS OF VERSION "
            + base.snapshotId()
            + " RETAIN 1 DAYS");
    return branch;
  }

  private void dropBranch(String table, String branch) {
    try {
      spark.sql("ALTER TABLE " + table + " DROP BRANCH IF EXISTS " + branch);
    } catch (RuntimeException e) {
      LOG.warn("Cannot drop branch {} of {}: {}", branch, table, e.toString());
    }
  }
}
