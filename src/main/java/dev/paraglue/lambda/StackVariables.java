package dev.paraglue.lambda;

/**
 * The environment variables the stack sets for more than one function: the upload trigger and the
 * HTTP API read the same watched prefix, output prefix and source table, each through its own
 * configuration class.
 */
public final class StackVariables {
  /** The watched {@code s3://bucket/prefix/}: the trigger's sources, the API's submissions. */
  public static final String SOURCE_PREFIX = "PARAGLUE_SOURCE_PREFIX";

  /** The job's {@code --output_path}: ignored by the trigger, read by the API. */
  public static final String OUTPUT_PREFIX = "PARAGLUE_OUTPUT_PREFIX";

  /** The job's {@code --source_table}, when runs name documents from the table's location. */
  public static final String SOURCE_TABLE = "PARAGLUE_SOURCE_TABLE";

  private StackVariables() {}
}
