package dev.paraglue.job;

/** The run ended without processing every listed document; the message is the one-line reason. */
public final class JobFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobFailedException(String message) {
    super(message);
  }
}
