package dev.paraglue.trigger;

import dev.paraglue.lambda.S3Uri;
import dev.paraglue.lambda.StackVariables;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The trigger's configuration, read once from the environment (docs/contract.md §3). Every variable
 * sits beside its default and is checked here, so a misconfigured function fails on its first event
 * with the variable's name.
 */
public record TriggerConfig(
    String jobName,
    Optional<String> sourceTable,
    Optional<S3Location> sourcePrefix,
    List<String> suffixes,
    Optional<S3Location> outputPrefix,
    Optional<S3Location> manifestPrefix,
    int maxKeysPerRun,
    Optional<S3Location> pendingPrefix) {

  public static final String JOB_NAME = "PARAGLUE_JOB_NAME";
  public static final String SOURCE_TABLE = StackVariables.SOURCE_TABLE;
  public static final String SOURCE_PREFIX = StackVariables.SOURCE_PREFIX;
  public static final String SUFFIXES = "PARAGLUE_SUFFIXES";
  public static final String SUFFIXES_DEFAULT = ".txt,.md,.text,.gz,.bz2";
  public static final String OUTPUT_PREFIX = StackVariables.OUTPUT_PREFIX;
  public static final String MANIFEST_PREFIX = "PARAGLUE_MANIFEST_PREFIX";
  public static final String MAX_KEYS_PER_RUN = "PARAGLUE_MAX_KEYS_PER_RUN";
  public static final int MAX_KEYS_PER_RUN_DEFAULT = 100;

  /**
   * Coalesced runs: each batch's keys become a pending manifest under this prefix, and a run is
   * started only when none is waiting; the run takes every pending manifest (docs/aws.md).
   */
  public static final String PENDING_PREFIX = "PARAGLUE_PENDING_PREFIX";

  /** An {@code s3://bucket/prefix} location. */
  public record S3Location(String bucket, String prefix) {
    static S3Location parse(String name, String uri) {
      S3Uri u = S3Uri.parse(name, uri);
      return new S3Location(u.bucket(), u.path());
    }

    boolean contains(String bucket, String key) {
      return this.bucket.equals(bucket) && key.startsWith(prefix);
    }

    public String uri() {
      return new S3Uri(bucket, prefix).uri();
    }
  }

  public static TriggerConfig fromEnvironment(Map<String, String> env) {
    String job = env.get(JOB_NAME);
    if (job == null || job.isBlank()) {
      throw new IllegalArgumentException("Cannot start runs: " + JOB_NAME + " is not set");
    }
    List<String> suffixes = new ArrayList<>();
    for (String s : env.getOrDefault(SUFFIXES, SUFFIXES_DEFAULT).split(",")) {
      if (!s.isBlank()) {
        suffixes.add(s.strip().toLowerCase(Locale.ROOT));
      }
    }
    int maxKeys = MAX_KEYS_PER_RUN_DEFAULT;
    String max = env.get(MAX_KEYS_PER_RUN);
    if (max != null) {
      try {
        maxKeys = Integer.parseInt(max.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Cannot use " + MAX_KEYS_PER_RUN + " '" + max + "': not a whole number", e);
      }
      if (maxKeys < 1) {
        throw new IllegalArgumentException(
            "Cannot use " + MAX_KEYS_PER_RUN + " " + maxKeys + ": must be at least 1");
      }
    }
    return new TriggerConfig(
        job.strip(),
        Optional.ofNullable(env.get(SOURCE_TABLE)).filter(s -> !s.isBlank()).map(String::strip),
        location(env, SOURCE_PREFIX),
        List.copyOf(suffixes),
        location(env, OUTPUT_PREFIX),
        location(env, MANIFEST_PREFIX),
        maxKeys,
        location(env, PENDING_PREFIX).map(TriggerConfig::folder));
  }

  private static S3Location folder(S3Location l) {
    return l.prefix().isEmpty() || l.prefix().endsWith("/")
        ? l
        : new S3Location(l.bucket(), l.prefix() + "/");
  }

  private static Optional<S3Location> location(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name))
        .filter(s -> !s.isBlank())
        .map(s -> S3Location.parse(name, s.strip()));
  }
}
