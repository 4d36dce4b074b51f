package dev.paraglue.sink;

/** Which failures are commit conflicts with another writer. */
public final class CommitConflicts {
  private CommitConflicts() {}

  /**
   * True when a failure is an Iceberg commit conflict with another writer: the same work, redone on
   * the table as it is now, can succeed.
   */
  public static boolean isCommitConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.apache.iceberg.exceptions.ValidationException
          || t instanceof org.apache.iceberg.exceptions.CommitFailedException) {
        return true;
      }
    }
    return false;
  }
}
