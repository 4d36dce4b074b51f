package dev.paraglue.job;

import dev.paraglue.pipeline.DocumentPacker;
import dev.paraglue.pipeline.ParagraphPipeline;
import dev.paraglue.sink.IcebergTables;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.RuntimeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

/**
 * Every {@code spark.paraglue.*} setting: how a run scales, never what it writes. Each name sits
 * beside its default and its least value; all are read and checked once, when a run starts, and a
 * bad value ends the run before any data is read with "Cannot use spark.paraglue.x 'v': reason".
 * docs/scaling.md has the table.
 */
public record JobSettings(
    long rangeBytes,
    long bzip2RangeBytes,
    long bufferBytes,
    long openCostBytes,
    long staleStagingSeconds,
    int readAhead,
    long readAheadBytes,
    long driverScanBytes) {
  private static final Logger LOG = LoggerFactory.getLogger(JobSettings.class);

  /** What every setting's name starts with; an unknown name under it is logged, not used. */
  public static final String PREFIX = "spark.paraglue.";

  /** Bytes per range of a large document; a document above two ranges is read in ranges. */
  public static final String RANGE_BYTES = "spark.paraglue.rangeBytes";

  public static final long RANGE_BYTES_DEFAULT = 64L * 1024 * 1024;

  /** Compressed bytes per range of a large bzip2 document. */
  public static final String BZIP2_RANGE_BYTES = "spark.paraglue.bzip2RangeBytes";

  /** About {@link #RANGE_BYTES_DEFAULT} of text, at bzip2's usual 4:1 on text. */
  public static final long BZIP2_RANGE_BYTES_DEFAULT = 16L * 1024 * 1024;

  /**
   * Paragraph bytes a task may hold to read a whole document once; a larger one is read twice
   * (validated, then emitted).
   */
  public static final String BUFFER_BYTES = "spark.paraglue.bufferBytes";

  public static final long BUFFER_BYTES_DEFAULT = 16L * 1024 * 1024;

  /** What opening one object costs, in bytes, when small documents are packed into tasks. */
  public static final String OPEN_COST_BYTES = "spark.paraglue.openCostBytes";

  public static final long OPEN_COST_BYTES_DEFAULT = DocumentPacker.OPEN_COST_BYTES_DEFAULT;

  /** Seconds after which another run's staging counts as left by a killed run and is removed. */
  public static final String STALE_STAGING_SECONDS = "spark.paraglue.staleStagingSeconds";

  public static final long STALE_STAGING_SECONDS_DEFAULT = 24L * 60 * 60;

  /**
   * Objects a task reads ahead of the one it splits, on threads of its own: on an object store each
   * is a request with tens of milliseconds before its first byte. 0 reads one after another.
   */
  public static final String READ_AHEAD = "spark.paraglue.readAhead";

  /**
   * 64: S3A reads an object with two requests (a HEAD, then the GET), so at 20 ms before each
   * response a task holding d reads in flight gets at most d / 40 ms objects a second: 16 left a
   * task waiting on S3 for tiny objects (the bench's s3lat: 20,000 objects, 25 s of waiting on 2
   * tasks), 64 brings that under the splitting's own time. Memory stays {@link #READ_AHEAD_BYTES}.
   */
  public static final int READ_AHEAD_DEFAULT = 64;

  /** The most objects a task may read ahead. */
  public static final int READ_AHEAD_MAX = 256;

  /**
   * Stored bytes a task may hold read ahead; only an object of at most this over {@link
   * #READ_AHEAD} bytes is read ahead, a larger one is streamed at its turn.
   */
  public static final String READ_AHEAD_BYTES = "spark.paraglue.readAheadBytes";

  public static final long READ_AHEAD_BYTES_DEFAULT = 32L * 1024 * 1024;

  /**
   * Bytes of a table (the files a lookup reads) up to which a run looks up the ledger and deletes
   * replaced rows on the driver instead of in Spark jobs, and stored bytes of the documents a run
   * reads up to which it splits and writes them on the driver; 0 always uses Spark jobs.
   */
  public static final String DRIVER_SCAN_BYTES = "spark.paraglue.driverScanBytes";

  /** Every setting's name, in the order of the docs' table. */
  public static final List<String> NAMES =
      List.of(
          RANGE_BYTES,
          BZIP2_RANGE_BYTES,
          BUFFER_BYTES,
          OPEN_COST_BYTES,
          STALE_STAGING_SECONDS,
          READ_AHEAD,
          READ_AHEAD_BYTES,
          DRIVER_SCAN_BYTES);

  /** The settings as a Spark session has them (its SparkConf, -D system properties included). */
  public static JobSettings from(RuntimeConfig conf) {
    List<String> unknown =
        JavaConverters.mapAsJavaMap(conf.getAll()).keySet().stream()
            .filter(k -> k.startsWith(PREFIX) && !NAMES.contains(k))
            .sorted()
            .toList();
    if (!unknown.isEmpty()) {
      LOG.warn("Ignoring unknown setting(s) {}; the settings are {}", unknown, NAMES);
    }
    return from(name -> conf.contains(name) ? conf.get(name) : null);
  }

  /** The settings from a lookup that answers null for a setting that is not given. */
  public static JobSettings from(Function<String, String> lookup) {
    return new JobSettings(
        whole(lookup, RANGE_BYTES, RANGE_BYTES_DEFAULT, 1),
        whole(lookup, BZIP2_RANGE_BYTES, BZIP2_RANGE_BYTES_DEFAULT, 1),
        whole(lookup, BUFFER_BYTES, BUFFER_BYTES_DEFAULT, 0),
        whole(lookup, OPEN_COST_BYTES, OPEN_COST_BYTES_DEFAULT, 0),
        whole(lookup, STALE_STAGING_SECONDS, STALE_STAGING_SECONDS_DEFAULT, 0),
        (int) whole(lookup, READ_AHEAD, READ_AHEAD_DEFAULT, 0, READ_AHEAD_MAX),
        whole(lookup, READ_AHEAD_BYTES, READ_AHEAD_BYTES_DEFAULT, 0),
        whole(lookup, DRIVER_SCAN_BYTES, IcebergTables.DRIVER_SCAN_BYTES_DEFAULT, 0));
  }

  /** What the pipeline needs of these. */
  public ParagraphPipeline.Sizes sizes() {
    return new ParagraphPipeline.Sizes(
        rangeBytes,
        bzip2RangeBytes,
        bufferBytes,
        openCostBytes,
        readAhead,
        readAheadBytes,
        driverScanBytes);
  }

  private static long whole(Function<String, String> lookup, String name, long dflt, long min) {
    return whole(lookup, name, dflt, min, Long.MAX_VALUE);
  }

  private static long whole(
      Function<String, String> lookup, String name, long dflt, long min, long max) {
    String value = lookup.apply(name);
    if (value == null) {
      return dflt;
    }
    long n;
    try {
      n = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Cannot use " + name + " '" + value + "': expected a whole number of at least " + min, e);
    }
    if (n < min) {
      throw new IllegalArgumentException(
          "Cannot use " + name + " '" + value + "': expected a whole number of at least " + min);
    }
    if (n > max) {
      throw new IllegalArgumentException(
          "Cannot use " + name + " '" + value + "': expected a whole number of at most " + max);
    }
    return n;
  }
}
