package dev.paraglue.source;

import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * A place documents are listed from ({@code start}), and the root their doc ids are relative to
 * (null: the start itself, or its parent for a file); a partition's spec when it is one.
 */
record ListingRoot(Path root, Path start, Map<String, String> partitionSpec) {}
