package dev.paraglue.job;

import dev.paraglue.cli.OneLine;
import dev.paraglue.fault.Failpoint;
import dev.paraglue.pipeline.DocumentSummary;
import dev.paraglue.pipeline.ParagraphPipeline;
import dev.paraglue.pipeline.VerificationException;
import dev.paraglue.sink.CommitConflicts;
import dev.paraglue.sink.DocumentWriter;
import dev.paraglue.sink.IcebergTables;
import dev.paraglue.sink.Ledger;
import dev.paraglue.sink.ParagraphFiles;
import dev.paraglue.sink.ResultSettings;
import dev.paraglue.source.RemovalScope;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.source.SourcePlan;
import dev.paraglue.source.SourceRequest;
import dev.paraglue.source.SourceResolver;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.DataFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the job on a session: arguments, then sources, pipeline, sinks and report, in that order.
 * Maps every failure to an exit code and a one-line reason; nothing below calls System.exit.
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  private static final DateTimeFormatter RUN_ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);

  private final SparkSession spark;
  private final Clock clock;

  public JobRunner(SparkSession spark) {
    this(spark, Clock.systemUTC());
  }

  /**
   * A runner whose report times (start, finish, publication and so the publish lag) come from
   * {@code clock}; stage durations and staging ages stay on the system's clocks.
   */
  public JobRunner(SparkSession spark, Clock clock) {
    this.spark = spark;
    this.clock = clock;
  }

  public RunResult run(String... argv) {
    Instant start = clock.instant();
    JobArguments args;
    JobSettings settings;
    try {
      args = JobArguments.parse(argv);
      settings = JobSettings.from(spark.conf());
    } catch (IllegalArgumentException e) {
      return new RunResult(RunResult.BAD_INPUT, e.getMessage(), Optional.empty());
    }
    String runId = args.jobRunId().orElseGet(() -> newRunId(start));
    RunReport report = new RunReport(runId, args.jobName().orElse("paraglue"), start);
    int code;
    String message;
    try {
      execute(args, settings, report);
      code = RunResult.SUCCEEDED;
      message = "";
    } catch (IllegalArgumentException e) {
      code = RunResult.BAD_INPUT;
      message = OneLine.of(e);
    } catch (JobFailedException e) {
      code = RunResult.FAILED;
      message = e.getMessage();
    } catch (Exception e) { // SparkException is checked, and Scala throws it undeclared
      code = RunResult.FAILED;
      Optional<JobFailedException> check = verificationFailure(e, runId);
      if (check.isPresent()) {
        LOG.error("Run {} failed its check", runId, e);
        message = check.get().getMessage();
      } else {
        LOG.error("Run {} failed", runId, e);
        message = "Run " + runId + " failed: " + OneLine.of(OneLine.mostTelling(e));
      }
    }
    report.finish(code == 0 ? "succeeded" : "failed", code == 0 ? null : message, clock.instant());
    record(args, report);
    return new RunResult(code, message, Optional.of(report));
  }

  /** Writes the run report and, with --metrics_namespace, sends its metrics; neither can fail. */
  private void record(JobArguments args, RunReport report) {
    try {
      String uri = report.write(args.outputPath(), hadoopConf());
      LOG.info("Run {} {}: report at {}", report.runId(), report.status(), uri);
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot write run report for {}: {}", report.runId(), e.toString());
    }
    args.metricsNamespace().ifPresent(ns -> RunMetrics.publish(ns, report));
  }

  private static String newRunId(Instant start) {
    return "local-"
        + RUN_ID_TIME.format(start)
        + "-"
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
  }

  private Configuration hadoopConf() {
    return spark.sparkContext().hadoopConfiguration();
  }

  private <T> T stage(RunReport report, String name, Supplier<T> body) {
    spark.sparkContext().setJobDescription("paraglue " + report.runId() + ": " + name);
    Instant t0 = Instant.now();
    long cpu0 = processCpuNanos();
    try {
      return body.get();
    } finally {
      report.stage(name, Duration.between(t0, Instant.now()));
      if (cpu0 >= 0) {
        report.stageCpu(name, Duration.ofNanos(processCpuNanos() - cpu0));
      }
      spark.sparkContext().setJobDescription(null);
    }
  }

  /** CPU time of this JVM, all threads, or -1 where the JVM does not say. */
  private static long processCpuNanos() {
    if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /**
   * One run, step by step: sources, tables, what to read, then read, write and commit the rows,
   * publish the documents, commit the ledger. A step that fails ends the run (see {@link #run}).
   */
  private void execute(JobArguments args, JobSettings jobSettings, RunReport report) {
    Configuration conf = hadoopConf();
    String output = qualifiedOutput(args.outputPath(), conf); // a bad one fails before any read
    LOG.info("Run {} starting", report.runId());
    SourcePlan plan = resolve(args, report);
    IcebergTables tables = new IcebergTables(spark, jobSettings.driverScanBytes());
    ensureTables(args, plan, tables, report);
    // After the tables exist: the paragraph table's catalog name is part of the settings.
    ResultSettings settings =
        new ResultSettings(
            output, args.maxParagraphBytes(), tables.catalogName(args.paragraphTable()));
    Selection selection = select(args, plan, tables, settings, report);
    RunOutcome outcome = startOutcome(plan, selection, settings, report);
    DocumentWriter writer = new DocumentWriter(args.outputPath(), report.runId());
    removeStaleStaging(writer, conf, jobSettings.staleStagingSeconds(), report);
    try (ParagraphPipeline pipeline =
        new ParagraphPipeline(spark, args.maxParagraphBytes(), jobSettings.sizes())) {
      Steps steps = new Steps(args, plan, tables, pipeline, writer, outcome, report);
      Map<String, DocumentSummary> summaries = steps.readWriteAndCommit(selection.toRead());
      steps.publish(summaries, selection.previouslyRejected(), conf);
      steps.commitLedger();
    } finally {
      cleanStaging(writer, conf);
    }
    finish(args, outcome, selection.skipped(), report);
    // Last: a run that fails (--fail_on_reject included) leaves its manifests to the next.
    if (!plan.takenManifests().isEmpty()) {
      report.count("manifests_retired", plan.retireTakenManifests(conf));
    }
  }

  /** Lists the sources (nothing is read yet). */
  private SourcePlan resolve(JobArguments args, RunReport report) {
    SourcePlan plan =
        stage(report, "resolve", () -> new SourceResolver(spark).resolve(sourceRequest(args)));
    report.count("listed", plan.listed());
    report.count("own_output_skipped", plan.ownOutputSkipped());
    report.count("own_output_folders_pruned", plan.ownOutputPruned());
    Failpoint.hit("resolve.after", 0, report.runId());
    return plan;
  }

  private void ensureTables(
      JobArguments args, SourcePlan plan, IcebergTables tables, RunReport report) {
    stage(
        report,
        "tables",
        () -> {
          tables.ddl().ensureParagraphTable(args.paragraphTable(), plan.partitionColumns());
          tables.ddl().ensureDocumentsTable(args.documentsTable());
          return null;
        });
  }

  /**
   * What this run reads: the listed documents that changed since the ledger recorded them (all of
   * them when not incremental), and the sources that are gone.
   *
   * @param toRead the documents to read, in listing order
   * @param previouslyRejected those of them whose ledger row says rejected (a record to clear)
   * @param gone the ledger's documents whose source is gone (--remove_missing)
   * @param skipped how many listed documents are unchanged
   */
  private record Selection(
      List<SourceDocument> toRead,
      Set<String> previouslyRejected,
      List<SourceDocument> gone,
      long skipped) {}

  private Selection select(
      JobArguments args,
      SourcePlan plan,
      IcebergTables tables,
      ResultSettings settings,
      RunReport report) {
    // Read even when not incremental: it says which documents had a rejection to clear.
    Map<String, Row> ledger =
        stage(
            report,
            "ledger",
            () ->
                tables
                    .ledger()
                    .rows(
                        args.documentsTable(),
                        plan.documents().stream().map(SourceDocument::getDocId).toList()));
    List<SourceDocument> gone =
        plan.removal().isEmpty()
            ? List.of()
            : stage(report, "removals", () -> gone(args.documentsTable(), plan, tables));
    Set<String> goneKeys = new HashSet<>();
    gone.forEach(d -> goneKeys.add(d.getOutputKey()));
    List<SourceDocument> toRead = new ArrayList<>();
    Set<String> previouslyRejected = new HashSet<>();
    for (SourceDocument d : plan.documents()) {
      Row entry = ledger.get(d.getDocId());
      // A document whose output key a removed one shared (a.txt beside a removed a.txt.gz) was
      // rejected as a conflict: it is read again, whatever the ledger says.
      if (!args.incremental()
          || !Ledger.unchanged(d, entry, settings)
          || goneKeys.contains(d.getOutputKey())) {
        toRead.add(d);
        if (entry != null && Ledger.wasRejected(entry)) {
          previouslyRejected.add(d.getDocId());
        }
      }
    }
    Selection selection =
        new Selection(
            toRead, previouslyRejected, gone, plan.documents().size() - (long) toRead.size());
    report.count("skipped_unchanged", selection.skipped());
    LOG.info(
        "Run {}: {} listed, {} unchanged, {} to read, {} refused before reading",
        report.runId(),
        plan.listed(),
        selection.skipped(),
        toRead.size(),
        plan.refused().size());
    return selection;
  }

  /** The outcome as known before reading: documents refused while listing, and removals. */
  private static RunOutcome startOutcome(
      SourcePlan plan, Selection selection, ResultSettings settings, RunReport report) {
    RunOutcome outcome =
        new RunOutcome(report.runId(), new Timestamp(System.currentTimeMillis()), settings);
    plan.refused().forEach((d, r) -> outcome.rejected(d, DocumentSummary.rejected(r), report));
    selection.gone().forEach(outcome::removed);
    report.count("removed", selection.gone().size());
    return outcome;
  }

  /** The steps that read, write and publish, on one pipeline and one writer. */
  private final class Steps {
    private final JobArguments args;
    private final SourcePlan plan;
    private final IcebergTables tables;
    private final ParagraphPipeline pipeline;
    private final DocumentWriter writer;
    private final RunOutcome outcome;
    private final RunReport report;
    private final String runId;

    Steps(
        JobArguments args,
        SourcePlan plan,
        IcebergTables tables,
        ParagraphPipeline pipeline,
        DocumentWriter writer,
        RunOutcome outcome,
        RunReport report) {
      this.args = args;
      this.plan = plan;
      this.tables = tables;
      this.pipeline = pipeline;
      this.writer = writer;
      this.outcome = outcome;
      this.report = report;
      this.runId = report.runId();
    }

    /**
     * Validates the byte ranges of large documents (the rest are read once, by the commit's write),
     * then writes every document's staged output and rows and commits the rows in one commit;
     * classifies each document by what its read found, and returns those findings.
     */
    Map<String, DocumentSummary> readWriteAndCommit(List<SourceDocument> toRead) {
      stage(report, "validate_ranges", () -> pipeline.validate(toRead));
      report.count("ranged_documents", pipeline.rangedDocuments().size());
      Failpoint.hit("validate.after", 0, runId);
      List<String> replaced = outcome.replacedIds(toRead);
      ParagraphFiles files =
          tables.paragraphFiles(args.paragraphTable(), plan.partitionColumns(), toRead, runId);
      stage(
          report,
          "read_explode_commit",
          () -> {
            // Every task writes its documents' staged outputs and its data files; one commit then.
            List<DataFile> written = replaced.isEmpty() ? List.of() : pipeline.write(writer, files);
            commit(
                report,
                tables,
                args.paragraphTable(),
                written,
                replaced,
                () -> Failpoint.hit("commit.before", 0, runId));
            Failpoint.hit("commit.after", 0, runId);
            return null;
          });
      Map<String, DocumentSummary> summaries = pipeline.summaries();
      for (SourceDocument d : toRead) {
        outcome.classify(d, summaries.get(d.getDocId()), writer, report);
      }
      return summaries;
    }

    /** Joins ranged documents' parts and publishes the documents, after the rows' commit. */
    void publish(
        Map<String, DocumentSummary> summaries,
        Set<String> previouslyRejected,
        Configuration conf) {
      stage(
          report,
          "publish_documents",
          () -> {
            outcome.assembleRanged(pipeline.rangedDocuments(), summaries, writer, conf);
            outcome.publish(writer, previouslyRejected, conf);
            Failpoint.hit("publish.after", 0, runId);
            return null;
          });
      outcome.oldestAccepted().ifPresent(m -> report.published(clock.instant(), m));
    }

    /** Records the run's documents in the ledger, last: what it does not record is redone. */
    void commitLedger() {
      if (outcome.ledgerRows().isEmpty()) {
        return;
      }
      stage(
          report,
          "commit_ledger",
          () -> {
            List<String> ids = outcome.ledgerRows().stream().map(r -> r.getString(0)).toList();
            List<DataFile> written =
                tables.ledger().documentFiles(args.documentsTable(), outcome.ledgerRows(), runId);
            commit(report, tables, args.documentsTable(), written, ids, () -> {});
            return null;
          });
    }
  }

  private static void cleanStaging(DocumentWriter writer, Configuration conf) {
    try {
      writer.cleanStaging(conf);
    } catch (IOException e) {
      LOG.warn("Cannot clean staging {}: {}", writer.stagingRoot(), e.toString());
    }
  }

  /** Counts and logs the result; fails the run when --fail_on_reject and any was rejected. */
  private static void finish(
      JobArguments args, RunOutcome outcome, long skipped, RunReport report) {
    report.count("processed", outcome.processed());
    report.count("rejected", report.rejected().size());
    LOG.info(
        "Run {}: {} processed, {} paragraphs, {} rejected, {} unchanged",
        report.runId(),
        outcome.processed(),
        report.count("paragraphs"),
        report.count("rejected"),
        skipped);
    if (args.failOnReject() && !report.rejected().isEmpty()) {
      RunReport.Problem first = report.rejected().get(0);
      throw new JobFailedException(
          "Run "
              + report.runId()
              + " rejected "
              + report.rejected().size()
              + " document(s) with --fail_on_reject true, first "
              + first.docId()
              + ": "
              + first.reason());
    }
  }

  private static SourceRequest sourceRequest(JobArguments args) {
    return new SourceRequest(
        args.sourceTable(),
        args.partitionFilter(),
        args.sourcePaths(),
        args.sourceManifest(),
        args.outputPath(),
        args.paragraphTable(),
        args.documentsTable(),
        args.removeMissing(),
        args.sourceEncoding());
  }

  /**
   * With --remove_missing: the ledger's documents whose source is gone (docs/contract.md §2,
   * Removal). Not one this run lists or refuses under the same doc id from another URI (a source
   * that moved).
   */
  private static List<SourceDocument> gone(
      String documents, SourcePlan plan, IcebergTables tables) {
    List<String> listed = new ArrayList<>();
    Set<String> listedIds = new HashSet<>();
    for (SourceDocument d : plan.documents()) {
      listed.add(d.getUri());
      listedIds.add(d.getDocId());
    }
    for (SourceDocument d : plan.refused().keySet()) {
      listed.add(d.getUri());
      listedIds.add(d.getDocId());
    }
    RemovalScope scope = plan.removal();
    List<SourceDocument> candidates = new ArrayList<>();
    for (Row r : tables.ledger().gone(documents, scope.prefixes(), scope.objects(), listed)) {
      if (!listedIds.contains(r.getString(0))) {
        scope.candidate().apply(r.getString(0), r.getString(1)).ifPresent(candidates::add);
      }
    }
    List<SourceDocument> gone = scope.within().apply(candidates);
    LOG.info("{} documents' sources are gone; they are removed", gone.size());
    return gone;
  }

  /**
   * A document that failed its check inside a task surfaces as a Spark job failure; finds it and
   * makes it the run's one-line reason.
   */
  static Optional<JobFailedException> verificationFailure(Throwable e, String runId) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      int at = m == null ? -1 : m.indexOf(VerificationException.PREFIX);
      if (at >= 0) {
        String line = m.substring(at).lines().findFirst().orElse("");
        return Optional.of(
            new JobFailedException("Run " + runId + " failed, nothing committed: " + line));
      }
    }
    return Optional.empty();
  }

  /**
   * Makes {@code files} the rows of {@code docIds} in {@code table}, retrying conflicts with the
   * same files; deletes the files when no commit took them.
   */
  private static void commit(
      RunReport report,
      IcebergTables tables,
      String table,
      List<DataFile> files,
      List<String> docIds,
      Runnable beforeCommit) {
    try {
      retryingConflicts(
          report, table, () -> tables.commits().replaceRows(table, files, docIds, beforeCommit));
    } catch (RuntimeException e) {
      tables.commits().discard(table, files, e);
      throw e;
    }
  }

  /** Commit attempts when another run commits to the same documents at the same time. */
  static final int COMMIT_ATTEMPTS = 4;

  /**
   * Runs a commit, redoing it on the table as it is now when Iceberg reports a conflict with a
   * concurrent run (which never leaves partial data: the losing commit is simply not applied).
   */
  private static void retryingConflicts(RunReport report, String table, Runnable commit) {
    for (int attempt = 1; ; attempt++) {
      try {
        commit.run();
        return;
      } catch (Exception e) { // also what Scala throws undeclared; rethrown as it came
        if (attempt >= COMMIT_ATTEMPTS || !CommitConflicts.isCommitConflict(e)) {
          throw e;
        }
        report.count("commit_retries", report.count("commit_retries") + 1);
        long pause = ThreadLocalRandom.current().nextLong(200L << attempt);
        LOG.warn(
            "Run {}: commit to {} conflicted with another run ({}); retrying in {} ms",
            report.runId(),
            table,
            OneLine.of(e),
            pause);
        try {
          Thread.sleep(pause);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static void removeStaleStaging(
      DocumentWriter writer, Configuration conf, long age, RunReport report) {
    try {
      int removed = writer.removeStaleStaging(conf, System.currentTimeMillis() - age * 1000);
      if (removed > 0) {
        LOG.info(
            "Run {}: removed the staging of {} earlier run(s) that did not finish",
            report.runId(),
            removed);
      }
      report.count("stale_staging_removed", removed);
    } catch (IOException e) {
      LOG.warn(
          "Cannot remove stale staging under {}: {}",
          writer.stagingRoot().getParent(),
          e.toString());
    }
  }

  /**
   * The output path qualified by its file system, without a trailing slash: one place, one
   * spelling. Fails before any read when the file system cannot be reached.
   */
  private static String qualifiedOutput(String outputPath, Configuration conf) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(outputPath);
      String q = p.getFileSystem(conf).makeQualified(p).toString();
      return q.endsWith("/") && q.length() > 1 ? q.substring(0, q.length() - 1) : q;
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "Cannot use --output_path " + outputPath + ": " + OneLine.of(e), e);
    }
  }
}
