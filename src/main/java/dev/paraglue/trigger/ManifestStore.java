package dev.paraglue.trigger;

/** Where manifests are written: S3 for real, nowhere for a dry run. */
public interface ManifestStore {
  /** Writes (or rewrites) the manifest at an {@code s3://} URI. */
  void put(String uri, String content);
}
