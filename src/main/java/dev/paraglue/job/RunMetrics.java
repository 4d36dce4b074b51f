package dev.paraglue.job;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * The run's counts and durations as CloudWatch metrics ({@code --metrics_namespace}), one {@code
 * PutMetricData} per run with the dimension {@value #DIMENSION}. An adapter at the job's edge: a
 * metric that cannot be sent is a warning, never the run's failure.
 */
final class RunMetrics {
  private static final Logger LOG = LoggerFactory.getLogger(RunMetrics.class);

  /** The one dimension of every metric: the Glue job's name. */
  static final String DIMENSION = "JobName";

  /** Seconds from the oldest processed source's modification time to its publication. */
  static final String PUBLISH_LAG = "PublishLagSeconds";

  private RunMetrics() {}

  /** Sends the report's metrics through a default client; logs, never throws. */
  static void publish(String namespace, RunReport report) {
    try (CloudWatchClient client = CloudWatchClient.create()) {
      publish(client, namespace, report);
    } catch (RuntimeException | LinkageError e) { // LinkageError: no SDK on this classpath
      LOG.warn("Cannot send the metrics of run {}: {}", report.runId(), e.toString());
    }
  }

  /** Sends the report's metrics through {@code client}; logs, never throws. */
  static void publish(CloudWatchClient client, String namespace, RunReport report) {
    List<MetricDatum> data = data(report);
    try {
      client.putMetricData(r -> r.namespace(namespace).metricData(data));
      LOG.info("Run {}: {} metrics sent to {}", report.runId(), data.size(), namespace);
    } catch (RuntimeException e) {
      LOG.warn("Cannot send the metrics of run {}: {}", report.runId(), e.toString());
    }
  }

  /** The metrics of a finished run, each with the job's name and the run's end as timestamp. */
  static List<MetricDatum> data(RunReport report) {
    Dimension job = Dimension.builder().name(DIMENSION).value(report.jobName()).build();
    Instant at = report.end().orElseGet(Instant::now);
    List<MetricDatum> out = new ArrayList<>();
    add(out, "DocumentsProcessed", (double) report.count("processed"), StandardUnit.COUNT);
    add(out, "DocumentsRejected", (double) report.count("rejected"), StandardUnit.COUNT);
    add(out, "DocumentsRemoved", (double) report.count("removed"), StandardUnit.COUNT);
    add(out, "Paragraphs", (double) report.count("paragraphs"), StandardUnit.COUNT);
    add(out, "BytesIn", (double) report.count("bytes_in"), StandardUnit.BYTES);
    add(out, "RunSeconds", report.elapsed().toMillis() / 1000.0, StandardUnit.SECONDS);
    Optional<Long> lag = report.publishLagSeconds();
    lag.ifPresent(s -> add(out, PUBLISH_LAG, (double) s, StandardUnit.SECONDS));
    return out.stream().map(d -> d.toBuilder().dimensions(job).timestamp(at).build()).toList();
  }

  private static void add(List<MetricDatum> out, String name, double value, StandardUnit unit) {
    out.add(MetricDatum.builder().metricName(name).value(value).unit(unit).build());
  }
}
