package dev.paraglue.lambda;

/**
 * An {@code s3://bucket/path} URI split into its bucket and path (a key or a prefix, maybe empty):
 * the one place the Lambda side parses one.
 */
public record S3Uri(String bucket, String path) {
  private static final String SCHEME = "s3://";

  /**
   * Splits {@code uri}; the path may be empty. Bad input: "Cannot use {@code what} 'uri': reason".
   */
  public static S3Uri parse(String what, String uri) {
    if (uri == null || !uri.startsWith(SCHEME)) {
      throw new IllegalArgumentException(
          "Cannot use " + what + " '" + uri + "': expected s3://bucket/...");
    }
    String rest = uri.substring(SCHEME.length());
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    if (bucket.isEmpty()) {
      throw new IllegalArgumentException("Cannot use " + what + " '" + uri + "': no bucket");
    }
    return new S3Uri(bucket, slash < 0 ? "" : rest.substring(slash + 1));
  }

  /** An object's URI: as {@link #parse}, and the key must not be empty. */
  public static S3Uri object(String uri) {
    S3Uri u = parse("object", uri);
    if (u.path().isEmpty()) {
      throw new IllegalArgumentException("Cannot use object '" + uri + "': no key");
    }
    return u;
  }

  public String uri() {
    return SCHEME + bucket + "/" + path;
  }
}
