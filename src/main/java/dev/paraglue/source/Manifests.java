package dev.paraglue.source;

import dev.paraglue.text.RejectReason;
import dev.paraglue.text.Rejection;
import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code --source_manifest}: a file of object names, or a folder of the trigger's manifests. */
final class Manifests {
  private static final Logger LOG = LoggerFactory.getLogger(Manifests.class);

  private final Configuration conf;
  private final List<String> taken = new ArrayList<>();

  Manifests(Configuration conf) {
    this.conf = conf;
  }

  /** The pending manifests this run took from a folder, to retire after its commits. */
  List<String> taken() {
    return List.copyOf(taken);
  }

  /**
   * The objects the manifest names; one that is missing is refused as unreadable (or, with {@code
   * --remove_missing}, added to {@code gone}), one that is the job's own output is left out (not a
   * document: as a rejection it would take the ledger row and withdraw the output of the real
   * document whose name it shares).
   */
  List<SourceDocument> documents(
      SourceRequest args,
      Optional<Path> tableRoot,
      OwnOutput own,
      SourceListing listing,
      List<StructField> partitionColumns,
      Map<SourceDocument, Rejection> refused,
      List<String> gone) {
    List<SourceDocument> documents = new ArrayList<>();
    for (String line : readManifests(args.sourceManifest().get())) {
      Path path = SourcePaths.qualify(conf, new Path(line));
      Optional<String> ours = own.leaveOut(path, false);
      if (ours.isPresent()) {
        LOG.warn("Left out {} named by the manifest: it {}", path, ours.get());
        continue;
      }
      tableRoot.ifPresent(r -> SourcePaths.requireUnder(path, r, args.sourceTable().get()));
      Path root = tableRoot.orElse(path.getParent());
      try {
        FileStatus status = path.getFileSystem(conf).getFileStatus(path);
        documents.add(listing.document(root, status, Map.of()));
      } catch (FileNotFoundException e) {
        if (args.removeMissing()) {
          gone.add(path.toString()); // removed if the ledger has it, nothing to do otherwise
          continue;
        }
        refused.put(missing(root, path, partitionColumns), notFound());
      } catch (IOException e) {
        throw new UncheckedIOException(
            "Cannot read source object " + path + ": " + e.getMessage(), e);
      }
    }
    return documents;
  }

  private static SourceDocument missing(Path root, Path path, List<StructField> partitionColumns) {
    return new SourceDocument(
        SourcePaths.relative(root, path),
        path.toString(),
        0,
        0,
        PartitionValues.nulls(partitionColumns));
  }

  private static Rejection notFound() {
    return new Rejection(RejectReason.UNREADABLE, 0, "object listed in the manifest was not found");
  }

  /**
   * The lines of the manifest at {@code uri}; when {@code uri} ends with {@code /}, of every
   * manifest in that folder (the trigger's pending manifests, docs/contract.md §3): the run takes
   * those there now, and the job retires them after its commits ({@link
   * SourcePlan#takenManifests}).
   */
  private List<String> readManifests(String uri) {
    if (!uri.endsWith("/")) {
      return readManifest(uri);
    }
    Path folder = SourcePaths.qualify(conf, new Path(uri));
    List<String> lines = new ArrayList<>();
    try {
      FileSystem fs = folder.getFileSystem(conf);
      FileStatus[] found = fs.exists(folder) ? fs.listStatus(folder) : new FileStatus[0];
      Arrays.sort(found, Comparator.comparing(f -> f.getPath().toString()));
      for (FileStatus f : found) {
        String name = f.getPath().getName();
        if (f.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
          lines.addAll(readManifest(f.getPath().toString()));
          taken.add(f.getPath().toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot list source manifests " + uri + ": " + e.getMessage(), e);
    }
    LOG.info("Took {} pending manifests under {}", taken.size(), uri);
    return lines;
  }

  private List<String> readManifest(String uri) {
    Path path = SourcePaths.qualify(conf, new Path(uri));
    List<String> lines = new ArrayList<>();
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(path.getFileSystem(conf).open(path), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String t = line.strip();
        if (!t.isEmpty() && !t.startsWith("#")) {
          lines.add(t);
        }
      }
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("Cannot read source manifest " + uri + ": not found", e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read source manifest " + uri + ": " + e.getMessage(), e);
    }
    LOG.info("Manifest {} lists {} objects", uri, lines.size());
    return lines;
  }
}
