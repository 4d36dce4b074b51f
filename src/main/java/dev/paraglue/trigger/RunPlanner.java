package dev.paraglue.trigger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides what a batch starts: filters the objects (folder markers, suffixes, prefixes), collapses
 * duplicates to the newest event, and builds one run's arguments, with the sources inline or, for a
 * large batch or a key with a comma, in a manifest named by its content. When the newest event of
 * any source is a removal, the run has {@code --remove_missing true}: the job then removes what is
 * gone and processes what is there, whatever order the events came in.
 */
final class RunPlanner {
  /** Glue's limit on a run's arguments is about 260 KB; stay well under it. */
  static final int ARGUMENT_BUDGET_BYTES = 200_000;

  private final TriggerConfig config;

  RunPlanner(TriggerConfig config) {
    this.config = config;
  }

  /** An object that will not be processed, and why. */
  record Ignored(String uri, String reason) {}

  /** One run to start: its arguments, the manifest to write first (if any), the sources. */
  record PlannedRun(
      Map<String, String> arguments,
      String manifestUri,
      String manifestContent,
      List<ObjectEvent> sources) {}

  record Plan(List<PlannedRun> runs, List<Ignored> ignored) {}

  Plan plan(List<ObjectEvent> events) {
    List<Ignored> ignored = new ArrayList<>();
    Map<String, ObjectEvent> newest = new TreeMap<>();
    for (ObjectEvent e : events) {
      String reason = reasonToIgnore(e);
      if (reason != null) {
        ignored.add(new Ignored(e.uri(), reason));
        continue;
      }
      ObjectEvent seen = newest.get(e.uri());
      if (seen == null || e.newerThan(seen)) {
        newest.put(e.uri(), e);
      }
    }
    if (newest.isEmpty()) {
      return new Plan(List.of(), ignored);
    }
    List<ObjectEvent> sources = new ArrayList<>(newest.values());
    return new Plan(
        List.of(config.pendingPrefix().isPresent() ? pending(sources) : run(sources)), ignored);
  }

  private String reasonToIgnore(ObjectEvent e) {
    if (e.key().isEmpty() || e.key().endsWith("/")) {
      return "folder marker";
    }
    if (config.sourcePrefix().isPresent()
        && !config.sourcePrefix().get().contains(e.bucket(), e.key())) {
      return "outside the watched prefix " + config.sourcePrefix().get().uri();
    }
    if (config.outputPrefix().isPresent()
        && config.outputPrefix().get().contains(e.bucket(), e.key())) {
      return "under the output prefix " + config.outputPrefix().get().uri();
    }
    String lower = e.key().toLowerCase(Locale.ROOT);
    if (config.suffixes().stream().noneMatch(lower::endsWith)) {
      return "suffix not accepted (" + String.join(",", config.suffixes()) + ")";
    }
    return null;
  }

  private PlannedRun run(List<ObjectEvent> sources) {
    Map<String, String> args = new LinkedHashMap<>();
    config.sourceTable().ifPresent(t -> args.put("--source_table", t));
    if (sources.stream().anyMatch(ObjectEvent::removal)) {
      args.put("--remove_missing", "true");
    }
    List<String> uris = sources.stream().map(ObjectEvent::uri).toList();
    String inline = String.join(",", uris);
    boolean comma = sources.stream().anyMatch(s -> s.key().indexOf(',') >= 0);
    boolean tooMany = uris.size() > config.maxKeysPerRun();
    boolean tooLong = inline.getBytes(StandardCharsets.UTF_8).length > ARGUMENT_BUDGET_BYTES;
    if (!comma && !tooMany && !tooLong) {
      args.put("--source_paths", inline);
      return new PlannedRun(args, null, null, sources);
    }
    TriggerConfig.S3Location where =
        config
            .manifestPrefix()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "Cannot start a run for "
                            + uris.size()
                            + " sources: they need a manifest and "
                            + TriggerConfig.MANIFEST_PREFIX
                            + " is not set"));
    String content = String.join("\n", uris) + "\n";
    String uri = where.uri() + "manifest-" + sha256(content).substring(0, 32) + ".txt";
    args.put("--source_manifest", uri);
    return new PlannedRun(args, uri, content, sources);
  }

  /**
   * A coalesced run: the batch's keys as a pending manifest (named by its keys and their events'
   * sequencers, so a redelivered batch rewrites the same object and a new upload of a key does
   * not), and the arguments of a run that takes every pending manifest. Removal is always on: a
   * named source that is gone is removed, whichever event came last.
   */
  private PlannedRun pending(List<ObjectEvent> sources) {
    Map<String, String> args = new LinkedHashMap<>();
    config.sourceTable().ifPresent(t -> args.put("--source_table", t));
    String folder = config.pendingPrefix().get().uri();
    args.put("--source_manifest", folder);
    args.put("--remove_missing", "true");
    String content = String.join("\n", sources.stream().map(ObjectEvent::uri).toList()) + "\n";
    // Named by the events, not only the keys: a new upload of a key must not rewrite the manifest
    // a running run took (its retirement would delete the new one), while a redelivery must.
    String events =
        String.join(
            "\n",
            sources.stream()
                .map(e -> e.sequencer() != null ? e.sequencer() : String.valueOf(e.messageId()))
                .toList());
    String uri = folder + "batch-" + sha256(content + "\n" + events).substring(0, 32) + ".txt";
    return new PlannedRun(args, uri, content, sources);
  }

  static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot hash a manifest: SHA-256 missing", e);
    }
  }
}
