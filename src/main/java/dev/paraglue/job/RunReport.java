package dev.paraglue.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.paraglue.source.ObjectStores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/** The run report written to {@code <output_path>/_runs/<run_id>.json} (docs/contract.md §2). */
public final class RunReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final ObjectMapper COMPACT = new ObjectMapper();

  /** A document that was not processed, with the reason and where in it the reason was found. */
  public record Problem(
      @JsonProperty("doc_id") String docId,
      @JsonProperty("source_uri") String sourceUri,
      @JsonProperty("reason") String reason,
      @JsonProperty("offset") Long offset,
      @JsonProperty("detail") String detail) {}

  private static final String PUBLISH_LAG = "publish_lag_seconds";

  private final String runId;
  private final String jobName;
  private final Instant start;
  private Instant end;
  private String status = "running";
  private String failure;
  private final Map<String, Long> counts = new LinkedHashMap<>();
  private final Map<String, Long> stageMillis = new LinkedHashMap<>();
  private final Map<String, Long> stageCpuMillis = new LinkedHashMap<>();
  private final List<Problem> rejected = new ArrayList<>();

  public RunReport(String runId, String jobName, Instant start) {
    this.runId = runId;
    this.jobName = jobName;
    this.start = start;
    for (String c :
        List.of(
            "listed",
            "skipped_unchanged",
            "processed",
            "rejected",
            "paragraphs",
            "bytes_in",
            "bytes_out")) {
      counts.put(c, 0L);
    }
  }

  public void count(String name, long value) {
    counts.put(name, value);
  }

  public long count(String name) {
    return counts.getOrDefault(name, 0L);
  }

  public void stage(String name, Duration d) {
    stageMillis.merge(name, d.toMillis(), Long::sum);
  }

  /**
   * CPU time this JVM spent during a stage, all threads: the driver's on a cluster; locally, where
   * the executors are threads of the same JVM, the whole run's.
   */
  public void stageCpu(String name, Duration d) {
    stageCpuMillis.merge(name, d.toMillis(), Long::sum);
  }

  public void rejected(Problem p) {
    rejected.add(p);
  }

  public List<Problem> rejected() {
    return rejected;
  }

  public void finish(String status, String failure, Instant end) {
    this.status = status;
    this.failure = failure;
    this.end = end;
  }

  /**
   * Records the lag of the oldest processed source: from its modification time (its upload) to
   * {@code at}, its publication, as the count {@value #PUBLISH_LAG} (whole seconds, never
   * negative).
   */
  public void published(Instant at, long oldestModifiedMillis) {
    count(PUBLISH_LAG, Math.max(0, (at.toEpochMilli() - oldestModifiedMillis) / 1000));
  }

  /** The lag {@link #published} recorded; empty when the run published nothing. */
  public Optional<Long> publishLagSeconds() {
    return Optional.ofNullable(counts.get(PUBLISH_LAG));
  }

  public String runId() {
    return runId;
  }

  public String jobName() {
    return jobName;
  }

  public Optional<Instant> end() {
    return Optional.ofNullable(end);
  }

  /** From the start to the end, or to now while the run has not finished. */
  public Duration elapsed() {
    return Duration.between(start, end().orElseGet(Instant::now));
  }

  public String status() {
    return status;
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("run_id", runId);
    m.put("job_name", jobName);
    m.put("start", start.toString());
    m.put("end", end == null ? null : end.toString());
    m.put("status", status);
    if (failure != null) {
      m.put("failure", failure);
    }
    m.put("counts", counts);
    m.put("rejected", rejected);
    m.put("stage_millis", stageMillis);
    m.put("stage_process_cpu_millis", stageCpuMillis);
    return m;
  }

  /**
   * The record of one rejected document under {@code <output_path>/_rejected/<doc_id>.json}: the
   * problem and the run that found it.
   */
  public static byte[] rejectionRecord(Problem p, String runId) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("doc_id", p.docId());
    m.put("source_uri", p.sourceUri());
    m.put("status", "rejected");
    m.put("reason", p.reason());
    m.put("reason_offset", p.offset());
    m.put("reason_detail", p.detail());
    m.put("run_id", runId);
    try {
      return COMPACT.writeValueAsBytes(m);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot render the rejection of " + p.docId(), e);
    }
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(toMap());
    } catch (IOException e) {
      throw new IllegalStateException("Cannot render run report " + runId, e);
    }
  }

  /** Writes the report, whole, to {@code <outputRoot>/_runs/<run_id>.json}; returns its URI. */
  public String write(String outputRoot, Configuration conf) throws IOException {
    Path target = new Path(new Path(outputRoot, "_runs"), runId + ".json");
    ObjectStores.writeWhole(target, toJson().getBytes(StandardCharsets.UTF_8), runId, conf);
    return target.toString();
  }
}
