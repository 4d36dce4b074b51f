package dev.paraglue.job;

import java.util.Optional;

/**
 * How a run ended: the process exit code, the one-line reason (empty on success), and the report
 * when the run got far enough to have one.
 */
public record RunResult(int exitCode, String message, Optional<RunReport> report) {
  public static final int SUCCEEDED = 0;
  public static final int FAILED = 1;
  public static final int BAD_INPUT = 2;

  public boolean succeeded() {
    return exitCode == SUCCEEDED;
  }
}
