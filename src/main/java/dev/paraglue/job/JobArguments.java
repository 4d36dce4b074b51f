package dev.paraglue.job;

import dev.paraglue.text.ParagraphSplitter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The job's arguments in Glue's {@code --name value} form (SPEC section 2). Every key sits beside
 * its default; all values are checked here, before any data is read.
 */
public final class JobArguments {
  public static final String SOURCE_TABLE = "source_table";
  public static final String PARTITION_FILTER = "partition_filter";
  public static final String SOURCE_PATHS = "source_paths";
  public static final String SOURCE_MANIFEST = "source_manifest";
  public static final String OUTPUT_PATH = "output_path";
  public static final String PARAGRAPH_TABLE = "paragraph_table";
  public static final String PARAGRAPH_TABLE_DEFAULT = "paraglue.paragraphs";
  public static final String DOCUMENTS_TABLE = "documents_table";
  public static final String DOCUMENTS_TABLE_DEFAULT = "paraglue.documents";
  public static final String INCREMENTAL = "incremental";
  public static final boolean INCREMENTAL_DEFAULT = true;
  public static final String MAX_PARAGRAPH_BYTES = "max_paragraph_bytes";
  public static final long MAX_PARAGRAPH_BYTES_DEFAULT =
      ParagraphSplitter.DEFAULT_MAX_PARAGRAPH_BYTES;
  public static final String FAIL_ON_REJECT = "fail_on_reject";
  public static final boolean FAIL_ON_REJECT_DEFAULT = false;

  /** Glue's own run id; the only Glue argument that is used. */
  public static final String JOB_RUN_ID = "JOB_RUN_ID";

  public static final String JOB_NAME = "JOB_NAME";

  private static final Set<String> VALID =
      Collections.unmodifiableSet(
          new TreeSet<>(
              Arrays.asList(
                  SOURCE_TABLE,
                  PARTITION_FILTER,
                  SOURCE_PATHS,
                  SOURCE_MANIFEST,
                  OUTPUT_PATH,
                  PARAGRAPH_TABLE,
                  DOCUMENTS_TABLE,
                  INCREMENTAL,
                  MAX_PARAGRAPH_BYTES,
                  FAIL_ON_REJECT)));

  /** Arguments Glue adds to every run: accepted and ignored (JOB_RUN_ID and JOB_NAME are read). */
  private static final Set<String> GLUE_ARGUMENTS =
      Set.of(
          JOB_NAME,
          "JOB_ID",
          JOB_RUN_ID,
          "TempDir",
          "job-bookmark-option",
          "job-language",
          "class",
          "extra-jars",
          "extra-py-files",
          "extra-files",
          "user-jars-first",
          "datalake-formats",
          "conf",
          "security_configuration",
          "encryption-type",
          "additional-python-modules",
          "python-modules-installer-option",
          "scriptLocation",
          "spark-event-logs-path",
          "redshiftTmpDir",
          "auto-scale-within-microbatch",
          "executor-cores",
          "customer-driver-env-vars",
          "customer-executor-env-vars",
          "job-run-id");

  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_]+\\.[A-Za-z0-9_]+");

  private final Optional<String> sourceTable;
  private final Optional<String> partitionFilter;
  private final List<String> sourcePaths;
  private final Optional<String> sourceManifest;
  private final String outputPath;
  private final String paragraphTable;
  private final String documentsTable;
  private final boolean incremental;
  private final long maxParagraphBytes;
  private final boolean failOnReject;
  private final Optional<String> jobRunId;
  private final Optional<String> jobName;

  private JobArguments(Map<String, String> values) {
    this.sourceTable =
        Optional.ofNullable(values.get(SOURCE_TABLE)).map(t -> table(SOURCE_TABLE, t));
    this.partitionFilter = Optional.ofNullable(values.get(PARTITION_FILTER));
    this.sourcePaths = paths(values.get(SOURCE_PATHS));
    this.sourceManifest = Optional.ofNullable(values.get(SOURCE_MANIFEST));
    this.outputPath = values.get(OUTPUT_PATH);
    this.paragraphTable =
        table(PARAGRAPH_TABLE, values.getOrDefault(PARAGRAPH_TABLE, PARAGRAPH_TABLE_DEFAULT));
    this.documentsTable =
        table(DOCUMENTS_TABLE, values.getOrDefault(DOCUMENTS_TABLE, DOCUMENTS_TABLE_DEFAULT));
    this.incremental = bool(INCREMENTAL, values.get(INCREMENTAL), INCREMENTAL_DEFAULT);
    this.maxParagraphBytes = maxBytes(values.get(MAX_PARAGRAPH_BYTES));
    this.failOnReject = bool(FAIL_ON_REJECT, values.get(FAIL_ON_REJECT), FAIL_ON_REJECT_DEFAULT);
    this.jobRunId = Optional.ofNullable(values.get(JOB_RUN_ID));
    this.jobName = Optional.ofNullable(values.get(JOB_NAME));

    if (sourceTable.isEmpty() && sourcePaths.isEmpty() && sourceManifest.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot run: one of --source_table, --source_paths, --source_manifest is required");
    }
    if (partitionFilter.isPresent() && sourceTable.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot use --partition_filter without --source_table: it filters the table's partitions");
    }
    if (partitionFilter.isPresent() && partitionFilter.get().isBlank()) {
      throw new IllegalArgumentException("Cannot use --partition_filter: it is empty");
    }
    if (outputPath == null || outputPath.isBlank()) {
      throw new IllegalArgumentException("Cannot run: --output_path is required");
    }
    if (paragraphTable.equalsIgnoreCase(documentsTable)) {
      throw new IllegalArgumentException(
          "Cannot use one table for --paragraph_table and --documents_table: " + paragraphTable);
    }
  }

  /** Parses {@code --name value} pairs; unknown names are rejected with the valid list. */
  public static JobArguments parse(String... args) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> unknown = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--") || arg.length() == 2) {
        throw new IllegalArgumentException(
            "Cannot parse arguments: expected --name value, got '" + arg + "'");
      }
      String name = arg.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length && !isName(args[i + 1])) {
        value = args[++i];
      }
      boolean glue = GLUE_ARGUMENTS.contains(name) || name.startsWith("enable-");
      if (!VALID.contains(name) && !glue) {
        unknown.add("--" + name);
        continue;
      }
      if (value == null && !glue) {
        throw new IllegalArgumentException("Cannot parse --" + name + ": it needs a value");
      }
      if (value != null && values.put(name, value) != null && !glue) {
        throw new IllegalArgumentException("Cannot parse --" + name + ": given more than once");
      }
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot run: unknown argument(s) "
              + String.join(", ", unknown)
              + "; valid arguments are --"
              + String.join(", --", VALID));
    }
    return new JobArguments(values);
  }

  private static boolean isName(String s) {
    return s.startsWith("--") && s.length() > 2 && Character.isLetter(s.charAt(2));
  }

  private static String table(String key, String value) {
    if (!TABLE_NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "Cannot use --" + key + " '" + value + "': expected database.table (letters, digits, _)");
    }
    return value.toLowerCase(Locale.ROOT);
  }

  private static List<String> paths(String value) {
    if (value == null) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String p : value.split(",", -1)) {
      String t = p.trim();
      if (t.isEmpty()) {
        throw new IllegalArgumentException(
            "Cannot use --" + SOURCE_PATHS + " '" + value + "': it has an empty entry");
      }
      out.add(t);
    }
    return List.copyOf(out);
  }

  private static boolean bool(String key, String value, boolean dflt) {
    if (value == null) {
      return dflt;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "Cannot use --" + key + " '" + value + "': expected true or false");
    };
  }

  private static long maxBytes(String value) {
    if (value == null) {
      return MAX_PARAGRAPH_BYTES_DEFAULT;
    }
    long n;
    try {
      n = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Cannot use --" + MAX_PARAGRAPH_BYTES + " '" + value + "': not a whole number", e);
    }
    long max = Integer.MAX_VALUE - 16L;
    if (n < 1 || n > max) {
      throw new IllegalArgumentException(
          "Cannot use --" + MAX_PARAGRAPH_BYTES + " " + n + ": must be between 1 and " + max);
    }
    return n;
  }

  public Optional<String> sourceTable() {
    return sourceTable;
  }

  public Optional<String> partitionFilter() {
    return partitionFilter;
  }

  public List<String> sourcePaths() {
    return sourcePaths;
  }

  public Optional<String> sourceManifest() {
    return sourceManifest;
  }

  public String outputPath() {
    return outputPath;
  }

  public String paragraphTable() {
    return paragraphTable;
  }

  public String documentsTable() {
    return documentsTable;
  }

  public boolean incremental() {
    return incremental;
  }

  public long maxParagraphBytes() {
    return maxParagraphBytes;
  }

  public boolean failOnReject() {
    return failOnReject;
  }

  public Optional<String> jobRunId() {
    return jobRunId;
  }

  public Optional<String> jobName() {
    return jobName;
  }

  /** The valid argument names, for messages and help. */
  public static Set<String> validNames() {
    return VALID;
  }
}
