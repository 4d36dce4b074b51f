package dev.paraglue.job;

import dev.paraglue.cli.Argument;
import dev.paraglue.cli.Command;
import dev.paraglue.text.ParagraphSplitter;
import dev.paraglue.text.SourceEncoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The job's arguments in Glue's {@code --name value} form (docs/contract.md §2). Every key sits
 * beside its default; all values are checked here, before any data is read.
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
  public static final String SOURCE_ENCODING = "source_encoding";

  /** When neither the argument nor the source table names an encoding. */
  public static final String SOURCE_ENCODING_DEFAULT = SourceEncoding.UTF8;

  public static final String REMOVE_MISSING = "remove_missing";
  public static final boolean REMOVE_MISSING_DEFAULT = false;
  public static final String METRICS_NAMESPACE = "metrics_namespace";

  /** Glue's own run id; the only Glue argument that is used. */
  public static final String JOB_RUN_ID = "JOB_RUN_ID";

  public static final String JOB_NAME = "JOB_NAME";

  /** The table the parser and the help read: name, value, default, one line of meaning. */
  private static final List<Argument> ARGUMENTS =
      List.of(
          Argument.of(
              SOURCE_TABLE,
              "db.table",
              "raw text table in the catalog; its location and partitions give the documents"),
          new Argument(
              PARTITION_FILTER,
              "SQL",
              null,
              "predicate over the source table's partition columns, e.g. \"dt >= '2026-11-01'\";"
                  + " all partitions when absent"),
          Argument.of(
              SOURCE_PATHS,
              "u1,u2",
              "objects or prefixes; with --source_table each must lie under its location"),
          Argument.of(
              SOURCE_MANIFEST,
              "uri",
              "a text object listing one object URI per line; a folder (ending in /): every"
                  + " manifest in it, deleted after the run commits"),
          new Argument(
              SOURCE_ENCODING,
              "NAME",
              null,
              "charset of the documents (any JVM name or alias, or auto: a UTF-8/16/32 byte order"
                  + " mark decides); else the source table's serialization.encoding, then its"
                  + " paraglue.encoding, then utf-8"),
          Argument.of(
              OUTPUT_PATH, "uri", "root of the reassembled documents and run reports; required"),
          new Argument(
              PARAGRAPH_TABLE,
              "db.table",
              PARAGRAPH_TABLE_DEFAULT,
              "Iceberg paragraph table, created when missing"),
          new Argument(
              DOCUMENTS_TABLE,
              "db.table",
              DOCUMENTS_TABLE_DEFAULT,
              "Iceberg documents table (the ledger), created when missing"),
          new Argument(
              INCREMENTAL,
              "true|false",
              String.valueOf(INCREMENTAL_DEFAULT),
              "skip documents whose source (URI, size, modification time), encoding, output path,"
                  + " paragraph table and paragraph limit are unchanged"),
          new Argument(
              MAX_PARAGRAPH_BYTES,
              "n",
              String.valueOf(MAX_PARAGRAPH_BYTES_DEFAULT),
              "longest accepted paragraph text, in UTF-8 bytes"),
          new Argument(
              FAIL_ON_REJECT,
              "true|false",
              String.valueOf(FAIL_ON_REJECT_DEFAULT),
              "end with a failure when any document was rejected"),
          new Argument(
              REMOVE_MISSING,
              "true|false",
              String.valueOf(REMOVE_MISSING_DEFAULT),
              "remove the rows and outputs of documents whose source is gone from a listed root"
                  + " or named path"),
          Argument.of(
              METRICS_NAMESPACE,
              "name",
              "CloudWatch namespace for the run's counts and durations (dimension JobName);"
                  + " none sent when absent"));

  /** The job's command line; {@code run} is what a user does with it. */
  public static final Command COMMAND =
      new Command(
          "run",
          "ParagraphJob --name value ...",
          "Explodes raw text documents into an Iceberg paragraph table and reassembled documents.",
          ARGUMENTS,
          List.of(),
          List.of(
              "At least one of --source_table, --source_paths, --source_manifest is required.",
              "Glue's own arguments (--JOB_NAME, --JOB_RUN_ID, --TempDir, --enable-*, ...) are"
                  + " accepted and ignored; --JOB_RUN_ID becomes the run id."));

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

  /** CloudWatch's namespace characters; a namespace starting "AWS/" is AWS's own. */
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._/#:\\- ]{1,255}");

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
  private final boolean removeMissing;
  private final Optional<String> sourceEncoding;
  private final Optional<String> metricsNamespace;
  private final Optional<String> jobRunId;
  private final Optional<String> jobName;

  private JobArguments(Map<String, String> values) {
    this.sourceTable =
        Optional.ofNullable(values.get(SOURCE_TABLE)).map(t -> table(SOURCE_TABLE, t));
    this.partitionFilter = Optional.ofNullable(values.get(PARTITION_FILTER));
    this.sourcePaths = paths(values.get(SOURCE_PATHS));
    this.sourceManifest = Optional.ofNullable(values.get(SOURCE_MANIFEST));
    this.outputPath = values.get(OUTPUT_PATH);
    this.paragraphTable = table(PARAGRAPH_TABLE, values.get(PARAGRAPH_TABLE));
    this.documentsTable = table(DOCUMENTS_TABLE, values.get(DOCUMENTS_TABLE));
    this.incremental = bool(INCREMENTAL, values.get(INCREMENTAL));
    this.maxParagraphBytes = maxBytes(values.get(MAX_PARAGRAPH_BYTES));
    this.failOnReject = bool(FAIL_ON_REJECT, values.get(FAIL_ON_REJECT));
    this.removeMissing = bool(REMOVE_MISSING, values.get(REMOVE_MISSING));
    this.sourceEncoding = Optional.ofNullable(values.get(SOURCE_ENCODING)).map(e -> encoding(e));
    this.metricsNamespace = Optional.ofNullable(values.get(METRICS_NAMESPACE)).map(n -> ns(n));
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
    return new JobArguments(COMMAND.parse(JobArguments::isGlueArgument, args).values());
  }

  static boolean isGlueArgument(String name) {
    return GLUE_ARGUMENTS.contains(name) || name.startsWith("enable-");
  }

  static String table(String key, String value) {
    if (!TABLE_NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "Cannot use --" + key + " '" + value + "': expected database.table (letters, digits, _)");
    }
    return value.toLowerCase(Locale.ROOT);
  }

  private static String ns(String value) {
    if (!NAMESPACE.matcher(value).matches() || value.startsWith(":") || value.startsWith("AWS/")) {
      throw new IllegalArgumentException(
          "Cannot use --"
              + METRICS_NAMESPACE
              + " '"
              + value
              + "': expected 1-255 letters, digits or . - _ / # : space, not starting AWS/");
    }
    return value;
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

  private static boolean bool(String key, String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "Cannot use --" + key + " '" + value + "': expected true or false");
    };
  }

  private static String encoding(String value) {
    try {
      return SourceEncoding.canonical(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Cannot use --" + SOURCE_ENCODING + " '" + value + "': " + e.getMessage(), e);
    }
  }

  private static long maxBytes(String value) {
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

  public boolean removeMissing() {
    return removeMissing;
  }

  /**
   * The documents' encoding as {@link SourceEncoding#canonical} spells it, when given; otherwise
   * the source table's declaration or {@link #SOURCE_ENCODING_DEFAULT} decides.
   */
  public Optional<String> sourceEncoding() {
    return sourceEncoding;
  }

  /** The CloudWatch namespace the run's metrics go to; none when absent. */
  public Optional<String> metricsNamespace() {
    return metricsNamespace;
  }

  public Optional<String> jobRunId() {
    return jobRunId;
  }

  public Optional<String> jobName() {
    return jobName;
  }
}
