package dev.paraglue.api;

import dev.paraglue.lambda.StackVariables;
import java.util.Map;
import java.util.Optional;

/**
 * The HTTP API's configuration, from the stack's shared variables ({@link StackVariables}): where
 * submitted documents go (the watched {@code PARAGLUE_SOURCE_PREFIX}), where the job writes ({@code
 * PARAGLUE_OUTPUT_PREFIX}, the job's {@code --output_path}), and whether runs name documents from
 * the source table's location ({@code PARAGLUE_SOURCE_TABLE} set) or from each object's folder.
 */
public record ApiConfig(
    String sourcePrefix, String outputPrefix, boolean namedFromTable, int maxBodyBytes) {

  public static final String MAX_BODY_BYTES = "PARAGLUE_API_MAX_BYTES";

  /**
   * The largest body accepted: 4 MiB of UTF-8. A Lambda request carries at most 6 MB, and API
   * Gateway base64-encodes bodies it treats as binary (4/3 larger); the text comes back in a
   * response under the same 6 MB limit.
   */
  public static final int MAX_BODY_BYTES_LIMIT = 4 * 1024 * 1024;

  public ApiConfig {
    sourcePrefix = folder(StackVariables.SOURCE_PREFIX, sourcePrefix);
    outputPrefix = folder(StackVariables.OUTPUT_PREFIX, outputPrefix);
    if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
      throw new IllegalArgumentException(
          "Cannot use "
              + MAX_BODY_BYTES
              + " "
              + maxBodyBytes
              + ": must be between 1 and "
              + MAX_BODY_BYTES_LIMIT);
    }
  }

  public static ApiConfig fromEnvironment(Map<String, String> env) {
    int max = MAX_BODY_BYTES_LIMIT;
    String m = env.get(MAX_BODY_BYTES);
    if (m != null && !m.isBlank()) {
      try {
        max = Integer.parseInt(m.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "Cannot use " + MAX_BODY_BYTES + " '" + m + "': not a whole number", e);
      }
    }
    return new ApiConfig(
        required(env, StackVariables.SOURCE_PREFIX),
        required(env, StackVariables.OUTPUT_PREFIX),
        Optional.ofNullable(env.get(StackVariables.SOURCE_TABLE))
            .filter(s -> !s.isBlank())
            .isPresent(),
        max);
  }

  private static String required(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("Cannot serve documents: " + name + " is not set");
    }
    return v.strip();
  }

  private static String folder(String name, String uri) {
    if (uri == null || !(uri.startsWith("s3://") || uri.startsWith("file:/"))) {
      throw new IllegalArgumentException(
          "Cannot use " + name + " '" + uri + "': expected s3://bucket/prefix/ or file:/folder/");
    }
    if (uri.contains("/../") || uri.endsWith("/..")) {
      throw new IllegalArgumentException("Cannot use " + name + " '" + uri + "': has '..'");
    }
    return uri.endsWith("/") ? uri : uri + "/";
  }

  /** Where a submitted document is stored. */
  public String sourceUri(ApiDocument d) {
    return sourcePrefix + d.relativeKey();
  }

  /**
   * The job's {@code doc_id} for a submitted document (docs/contract.md §2): relative to the
   * table's location (the watched prefix) when runs name a source table, else to the object's
   * folder.
   */
  public String docId(ApiDocument d) {
    return namedFromTable ? d.relativeKey() : d.fileName();
  }

  /** Where the job publishes the reassembled document. */
  public String resultUri(ApiDocument d) {
    return outputPrefix + "documents/" + docId(d);
  }

  /** Where the job records a rejection (an addition, docs/contract.md §2). */
  public String rejectionUri(ApiDocument d) {
    return outputPrefix + "_rejected/" + docId(d) + ".json";
  }
}
