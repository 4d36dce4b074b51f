package dev.paraglue.trigger;

import java.util.Map;
import java.util.Optional;

/** Starts one Glue job run; the real one calls StartJobRun, the dry run prints the request. */
public interface JobStarter {
  /** Returns the run id; throws {@link StartException} when the run could not be started. */
  String start(String jobName, Map<String, String> arguments, long deadlineMillis);

  /** Glue's throttling answers met so far (retried or not); the trigger reports them. */
  default long throttles() {
    return 0;
  }

  /**
   * The id of a run of the job that has not yet begun its work (queued or starting), if any: a
   * coalescing trigger then starts none, as that run will take the pending manifests. The dry run
   * sees none.
   */
  default Optional<String> waitingRun(String jobName, long deadlineMillis) {
    return Optional.empty();
  }

  /** The run could not be started, after whatever retries the deadline allowed. */
  final class StartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StartException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
