package dev.paraglue.trigger;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.glue.GlueClient;
import software.amazon.awssdk.services.glue.model.JobRun;
import software.amazon.awssdk.services.glue.model.JobRunState;
import software.amazon.awssdk.services.glue.model.StartJobRunRequest;

/**
 * Starts runs with StartJobRun and {@code JobRunQueuingEnabled}, and finds a waiting run with
 * GetJobRuns. Throttling, concurrent-run limits, server errors and connection failures are retried
 * with full-jitter exponential backoff while the invocation has time left; anything else fails at
 * once.
 */
public final class GlueStarter implements JobStarter {
  static final long BASE_DELAY_MILLIS = 100;
  static final long MAX_DELAY_MILLIS = 5_000;

  /** Time kept back to answer Lambda after the last attempt. */
  static final long RESERVE_MILLIS = 1_000;

  /** Runs read back by GetJobRuns: a waiting run is among the newest (at most one is). */
  static final int WAITING_LOOKBACK = 25;

  /** Waits between attempts; the tests pass one that moves their clock instead. */
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  private final GlueClient glue;
  private final AtomicLong throttles = new AtomicLong();
  private final LongSupplier clock;
  private final Sleeper sleeper;

  public GlueStarter(GlueClient glue) {
    this(glue, System::currentTimeMillis, Thread::sleep);
  }

  GlueStarter(GlueClient glue, LongSupplier clock, Sleeper sleeper) {
    this.glue = glue;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  @Override
  public String start(String jobName, Map<String, String> arguments, long deadlineMillis) {
    StartJobRunRequest request =
        StartJobRunRequest.builder()
            .jobName(jobName)
            .arguments(arguments)
            .jobRunQueuingEnabled(true)
            .build();
    return retrying(
        "start Glue job " + jobName, () -> glue.startJobRun(request).jobRunId(), deadlineMillis);
  }

  /**
   * GetJobRuns (newest first): the newest run still {@code WAITING} in Glue's queue or {@code
   * STARTING}, i.e. one that has not listed the pending manifests yet.
   */
  @Override
  public Optional<String> waitingRun(String jobName, long deadlineMillis) {
    return retrying(
        "read the runs of Glue job " + jobName,
        () ->
            glue.getJobRuns(b -> b.jobName(jobName).maxResults(WAITING_LOOKBACK)).jobRuns().stream()
                .filter(
                    r ->
                        r.jobRunState() == JobRunState.WAITING
                            || r.jobRunState() == JobRunState.STARTING)
                .map(JobRun::id)
                .findFirst(),
        deadlineMillis);
  }

  @Override
  public long throttles() {
    return throttles.get();
  }

  /** Calls Glue, retrying what waiting can help while the invocation has time left. */
  private <T> T retrying(String what, Supplier<T> call, long deadlineMillis) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        boolean retryable =
            "ThrottlingException".equals(code)
                || "ConcurrentRunsExceededException".equals(code)
                || "InternalServiceException".equals(code)
                || e.statusCode() >= 500
                || e.isThrottlingException();
        if ("ThrottlingException".equals(code)
            || "ConcurrentRunsExceededException".equals(code)
            || e.isThrottlingException()) {
          throttles.incrementAndGet();
        }
        String why = (code == null ? "HTTP " + e.statusCode() : code);
        if (!retryable || !sleepBeforeRetry(attempt, deadlineMillis)) {
          throw new JobStarter.StartException(
              "Cannot " + what + " after " + attempt + " attempt(s): " + why, e);
        }
      } catch (SdkClientException e) {
        if (!sleepBeforeRetry(attempt, deadlineMillis)) {
          throw new JobStarter.StartException(
              "Cannot " + what + " after " + attempt + " attempt(s): " + e.getMessage(), e);
        }
      }
    }
  }

  /** Sleeps a full-jitter backoff if it ends before the deadline; false when there is no time. */
  private boolean sleepBeforeRetry(int attempt, long deadlineMillis) {
    long cap = Math.min(MAX_DELAY_MILLIS, BASE_DELAY_MILLIS << Math.min(20, attempt - 1));
    long delay = ThreadLocalRandom.current().nextLong(cap + 1);
    if (clock.getAsLong() + delay + RESERVE_MILLIS > deadlineMillis) {
      return false;
    }
    try {
      sleeper.sleep(delay);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
