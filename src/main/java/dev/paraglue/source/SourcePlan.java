package dev.paraglue.source;

import dev.paraglue.text.Rejection;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run will read: the listed documents, the partition columns they carry (from the source
 * table, in order), and the documents refused before reading (missing from a manifest, or sharing
 * an output key), with their rejections; and how much of the job's own output the listing left out:
 * objects it saw or a manifest named, and folders it walked around without listing them; and, with
 * {@code --remove_missing}, where documents whose source is gone are looked for; and the pending
 * manifests a folder {@code --source_manifest} named, which the run retires after its commits.
 */
public record SourcePlan(
    List<SourceDocument> documents,
    List<StructField> partitionColumns,
    Map<SourceDocument, Rejection> refused,
    long ownOutputSkipped,
    long ownOutputPruned,
    RemovalScope removal,
    List<String> takenManifests) {
  private static final Logger LOG = LoggerFactory.getLogger(SourcePlan.class);

  /**
   * Deletes the pending manifests this run took, after its commits; returns how many. One that
   * cannot be deleted is taken again by the next run, whose documents are then unchanged.
   */
  public int retireTakenManifests(Configuration conf) {
    int retired = 0;
    for (String uri : takenManifests) {
      Path p = new Path(uri);
      try {
        p.getFileSystem(conf).delete(p, false);
        retired++;
      } catch (IOException e) {
        LOG.warn("Cannot retire manifest {}: {}; the next run takes it again", uri, e.toString());
      }
    }
    return retired;
  }

  public int listed() {
    return documents.size() + refused.size();
  }
}
