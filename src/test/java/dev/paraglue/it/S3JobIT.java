package dev.paraglue.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.paraglue.job.JobRunner;
import dev.paraglue.job.RunResult;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphSplitter;
import dev.paraglue.text.Reassembler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole job on a real S3 API server (S3Mock on loopback) through S3A: the raw table's location,
 * the manifest, the output and the Iceberg warehouse all on S3.
 */
class S3JobIT {
  static final String BUCKET = "paraglue-it";
  private static S3MockServer s3Server;
  private static S3Client s3;
  private static SparkSession spark;
  private static final Map<String, byte[]> uploaded = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    s3Server = S3MockServer.inTempDir(BUCKET, "paraglue-s3");
    s3 = s3Server.client();
    spark = s3Server.session();
    spark.sql("CREATE DATABASE s3db LOCATION 's3a://" + BUCKET + "/warehouse/s3db.db'");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    if (s3 != null) {
      s3.close();
    }
    if (s3Server != null) {
      s3Server.close();
    }
  }

  private static void put(String key, byte[] body) {
    s3.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(body));
    uploaded.put(key, body);
  }

  private static byte[] get(String key) {
    return s3.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asByteArray();
  }

  private static RunResult run(String... args) {
    return new JobRunner(spark).run(args);
  }

  @Test
  void wholeJob_onS3_withAwkwardKeys_nestedPartitions_multipart_andManySmallObjects()
      throws IOException {
    put(
        "raw/dt=2026-11-01/region=eu/with space.txt",
        "space in the key\n\nsecond\n".getBytes(UTF_8));
    put("raw/dt=2026-11-01/region=eu/plus+sign.txt", "plus\r\nsign\r\n".getBytes(UTF_8));
    put("raw/dt=2026-11-01/region=us/中文 😀.md", "中文段落\n\n😀 emoji\n".getBytes(UTF_8));
    StringBuilder big = new StringBuilder();
    for (int i = 0; big.length() < 12 << 20; i++) {
      big.append("paragraph ").append(i).append(" of a document big enough for multipart\n\n");
    }
    put("raw/dt=2026-11-02/region=eu/big.txt", big.toString().getBytes(UTF_8));
    for (int i = 0; i < 1100; i++) { // past S3's 1,000 keys per listing page
      put(
          "raw/dt=2026-11-03/region=us/many/doc-" + i + ".txt",
          ("small " + i + "\n\nend\n").getBytes(UTF_8));
    }
    spark.sql(
        "CREATE EXTERNAL TABLE s3db.raw (line string) PARTITIONED BY (dt string, region string)"
            + " STORED AS TEXTFILE LOCATION 's3a://"
            + BUCKET
            + "/raw'");
    spark.sql("MSCK REPAIR TABLE s3db.raw");

    RunResult r =
        run(
            "--source_table", "s3db.raw",
            "--output_path", "s3://" + BUCKET + "/out",
            "--paragraph_table", "s3db.paragraphs",
            "--documents_table", "s3db.documents",
            "--JOB_RUN_ID", "jr_s3");

    assertThat(r.exitCode()).as(r.message()).isZero();
    assertThat(r.report().get().count("processed")).isEqualTo(uploaded.size());
    long expectedRows = 0;
    for (Map.Entry<String, byte[]> e : uploaded.entrySet()) {
      expectedRows += ParagraphSplitter.split(e.getValue()).paragraphs().size();
    }
    assertThat(spark.table("s3db.paragraphs").count()).isEqualTo(expectedRows);
    for (String key :
        List.of(
            "raw/dt=2026-11-01/region=eu/with space.txt",
            "raw/dt=2026-11-01/region=eu/plus+sign.txt",
            "raw/dt=2026-11-01/region=us/中文 😀.md",
            "raw/dt=2026-11-02/region=eu/big.txt",
            "raw/dt=2026-11-03/region=us/many/doc-1099.txt")) {
      List<Paragraph> expected = ParagraphSplitter.split(uploaded.get(key)).paragraphs();
      byte[] out = get("out/documents/" + key.substring("raw/".length()));
      assertThat(out)
          .as(key)
          .isEqualTo(Reassembler.reassemble(expected.stream().map(Paragraph::text).toList()));
    }
    assertThat(
            spark
                .sql("SELECT DISTINCT region FROM s3db.paragraphs ORDER BY 1")
                .as(Encoders.STRING())
                .collectAsList())
        .containsExactly("eu", "us");
    assertThat(
            spark
                .sql("SELECT file_path FROM s3db.paragraphs.files")
                .as(Encoders.STRING())
                .collectAsList())
        .allMatch(p -> p.startsWith("s3a://" + BUCKET + "/warehouse/s3db.db/paragraphs/"));
    assertThat(get("out/_runs/jr_s3.json")).isNotEmpty();

    // Unchanged on S3: nothing to do.
    RunResult again =
        run(
            "--source_table",
            "s3db.raw",
            "--output_path",
            "s3://" + BUCKET + "/out",
            "--paragraph_table",
            "s3db.paragraphs",
            "--documents_table",
            "s3db.documents");
    assertThat(again.report().get().count("processed")).isZero();
    assertThat(again.report().get().count("skipped_unchanged")).isEqualTo(uploaded.size());

    // A manifest on S3, naming two objects and one that is gone.
    String manifest =
        "s3://"
            + BUCKET
            + "/raw/dt=2026-11-01/region=eu/with space.txt\n"
            + "s3a://"
            + BUCKET
            + "/raw/dt=2026-11-01/region=us/中文 😀.md\n"
            + "s3://"
            + BUCKET
            + "/raw/dt=2026-11-01/region=eu/gone.txt\n";
    s3.putObject(b -> b.bucket(BUCKET).key("manifests/m1.txt"), RequestBody.fromString(manifest));
    RunResult m =
        run(
            "--source_table",
            "s3db.raw",
            "--source_manifest",
            "s3://" + BUCKET + "/manifests/m1.txt",
            "--output_path",
            "s3://" + BUCKET + "/out",
            "--incremental",
            "false",
            "--paragraph_table",
            "s3db.paragraphs",
            "--documents_table",
            "s3db.documents");
    assertThat(m.exitCode()).as(m.message()).isZero();
    assertThat(m.report().get().count("processed")).isEqualTo(2);
    assertThat(m.report().get().rejected())
        .singleElement()
        .satisfies(p -> assertThat(p.docId()).isEqualTo("dt=2026-11-01/region=eu/gone.txt"));
    assertThat(spark.table("s3db.paragraphs").count()).isEqualTo(expectedRows);
  }

  @Test
  void wrongEndpoint_failsFast_withAOneLineErrorNamingTheUri() {
    // Per-bucket S3A settings: this bucket's endpoint is a closed port.
    spark
        .sparkContext()
        .hadoopConfiguration()
        .set("fs.s3a.bucket.unreachable.endpoint", "http://127.0.0.1:9");
    long start = System.nanoTime();
    RunResult r =
        run(
            "--source_paths",
            "s3://unreachable/raw/",
            "--output_path",
            "s3://" + BUCKET + "/out3",
            "--paragraph_table",
            "s3db.p3",
            "--documents_table",
            "s3db.d3");
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.message()).contains("s3://unreachable/raw").doesNotContain("\n");
    assertThat(seconds).as("seconds to fail").isLessThan(120);
  }

  @Test
  void deniedAccess_isAOneLineErrorNamingTheUri_withoutRetryingForMinutes() throws IOException {
    // A loopback endpoint that answers every request as S3 does when IAM says no.
    com.sun.net.httpserver.HttpServer denied =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    byte[] body =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code>"
                + "<Message>Access Denied</Message><RequestId>0</RequestId></Error>")
            .getBytes(UTF_8);
    denied.createContext(
        "/",
        x -> {
          x.getRequestBody().readAllBytes();
          x.getResponseHeaders().set("Content-Type", "application/xml");
          boolean head = "HEAD".equals(x.getRequestMethod());
          x.sendResponseHeaders(403, head ? -1 : body.length);
          if (!head) {
            x.getResponseBody().write(body);
          }
          x.close();
        });
    denied.start();
    try {
      spark
          .sparkContext()
          .hadoopConfiguration()
          .set(
              "fs.s3a.bucket.forbidden.endpoint",
              "http://127.0.0.1:" + denied.getAddress().getPort());
      long start = System.nanoTime();
      RunResult r =
          run(
              "--source_paths",
              "s3://forbidden/raw/",
              "--output_path",
              "s3://" + BUCKET + "/out4",
              "--paragraph_table",
              "s3db.p4",
              "--documents_table",
              "s3db.d4");
      long seconds = (System.nanoTime() - start) / 1_000_000_000L;
      System.out.println("S3 access denied: " + r.message());
      assertThat(r.exitCode()).isNotZero();
      assertThat(r.message())
          .contains("s3://forbidden/raw")
          .containsIgnoringCase("forbidden")
          .doesNotContain("\n");
      assertThat(seconds).as("seconds to fail").isLessThan(60);
    } finally {
      denied.stop(0);
    }
  }

  @Test
  void missingBucket_isAOneLineErrorNamingTheUri() {
    RunResult r =
        run(
            "--source_paths",
            "s3://no-such-bucket/raw/",
            "--output_path",
            "s3://" + BUCKET + "/out2",
            "--paragraph_table",
            "s3db.p2",
            "--documents_table",
            "s3db.d2");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.message()).contains("s3://no-such-bucket/raw").doesNotContain("\n");
  }

  @Test
  void storageGoneMidRun_failsWithAOneLineReasonNamingTheUri_leavesNothingHalfDone_rerunSucceeds()
      throws Exception {
    Map<String, byte[]> docs = new LinkedHashMap<>();
    docs.put("fault/raw/one.txt", "first\n\nsecond\n".getBytes(UTF_8));
    docs.put("fault/raw/two.txt", "only one\n".getBytes(UTF_8));
    docs.put("fault/raw/sub/three.txt", "3a\n\n3b\n\n3c\n".getBytes(UTF_8));
    // Not through put(): that records uploads for the whole-job test's expectations.
    docs.forEach((k, v) -> s3.putObject(b -> b.bucket(BUCKET).key(k), RequestBody.fromBytes(v)));
    String[] args = {
      "--source_paths",
      "s3://" + BUCKET + "/fault/raw/",
      "--output_path",
      "s3://" + BUCKET + "/fault/out",
      "--paragraph_table",
      "s3db.fault_p",
      "--documents_table",
      "s3db.fault_d"
    };
    Path points = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "fp");
    RunResult failed;
    try {
      failed =
          PausedRun.at(
              "explode.document",
              points,
              () -> run(args),
              s3Server::close); // S3 goes away while documents and rows are being written
    } finally {
      s3Server.restart();
    }
    System.out.println("S3 gone mid-run: " + failed.message());
    assertThat(failed.exitCode()).isEqualTo(RunResult.FAILED);
    assertThat(failed.message())
        .as(failed.message())
        .doesNotContain("\n")
        .contains("failed: Cannot ")
        .containsPattern("s3a?://" + BUCKET + "/fault/");

    // Nothing committed; any document object written in place is whole and correct.
    assertThat(spark.table("s3db.fault_p").count()).isZero();
    assertThat(spark.table("s3db.fault_d").count()).isZero();
    for (var o :
        s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix("fault/out/documents/"))
            .contents()) {
      String source = "fault/raw/" + o.key().substring("fault/out/documents/".length());
      assertThat(get(o.key()))
          .isEqualTo(Reassembler.reassemble(ParagraphSplitter.split(docs.get(source)).texts()));
    }

    RunResult rerun = run(args);
    assertThat(rerun.exitCode()).as(rerun.message()).isZero();
    assertThat(rerun.report().get().count("processed")).isEqualTo(3);
    assertThat(spark.table("s3db.fault_p").count()).isEqualTo(6);
    for (Map.Entry<String, byte[]> d : docs.entrySet()) {
      assertThat(get("fault/out/documents/" + d.getKey().substring("fault/raw/".length())))
          .isEqualTo(Reassembler.reassemble(ParagraphSplitter.split(d.getValue()).texts()));
    }
  }

  @Test
  void anObjectDeletedBetweenListingAndReading_isUnreadableWithItsUri_andTheRestCompletes()
      throws Exception {
    s3.putObject(
        b -> b.bucket(BUCKET).key("gone/raw/stays.txt"), RequestBody.fromString("stays\n"));
    s3.putObject(b -> b.bucket(BUCKET).key("gone/raw/goes.txt"), RequestBody.fromString("goes\n"));
    Path points = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "fp");
    RunResult r =
        PausedRun.at(
            "resolve.after@jr_gone",
            points,
            () ->
                run(
                    "--source_paths", "s3://" + BUCKET + "/gone/raw/",
                    "--output_path", "s3://" + BUCKET + "/gone/out",
                    "--paragraph_table", "s3db.gone_p",
                    "--documents_table", "s3db.gone_d",
                    "--JOB_RUN_ID", "jr_gone"),
            () -> s3.deleteObject(b -> b.bucket(BUCKET).key("gone/raw/goes.txt")));
    assertThat(r.exitCode()).as(r.message()).isZero();
    assertThat(r.report().get().count("listed")).isEqualTo(2);
    assertThat(r.report().get().count("processed")).isEqualTo(1);
    assertThat(r.report().get().rejected())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.docId()).isEqualTo("goes.txt");
              assertThat(p.reason()).isEqualTo("unreadable");
              assertThat(p.detail()).as(p.detail()).contains("gone/raw/goes.txt");
            });
    assertThat(new String(get("gone/out/documents/stays.txt"), UTF_8)).isEqualTo("stays\n");
  }

  @Test
  void theJobsOwnOutput_underTheSourcePrefix_isWalkedAroundUnlisted_andNeverRead() {
    String bucket = "paraglue-own";
    s3.createBucket(b -> b.bucket(bucket));
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    conf.set("fs.s3a.impl", ListingRecorder.class.getName()); // for this bucket's instance only
    try {
      new org.apache.hadoop.fs.Path("s3a://" + bucket + "/").getFileSystem(conf);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      conf.unset("fs.s3a.impl");
    }
    s3.putObject(b -> b.bucket(bucket).key("tree/a.txt"), RequestBody.fromString("a\n\nb\n"));
    s3.putObject(b -> b.bucket(bucket).key("tree/sub/b.txt"), RequestBody.fromString("c\n"));
    spark.sql("CREATE DATABASE owns3 LOCATION 's3a://" + bucket + "/tree/warehouse'");
    String[] args = {
      "--source_paths",
      "s3a://" + bucket + "/tree", // the output is named by s3://: one place
      "--output_path",
      "s3://" + bucket + "/tree/out",
      "--paragraph_table",
      "owns3.paragraphs",
      "--documents_table",
      "owns3.documents"
    };
    assertThat(run(args).report().get().count("processed")).isEqualTo(2);
    ListingRecorder.listed.clear();

    RunResult again = run(args);
    assertThat(again.exitCode()).as(again.message()).isZero();
    assertThat(again.report().get().count("listed")).isEqualTo(2);
    assertThat(again.report().get().count("skipped_unchanged")).isEqualTo(2);
    assertThat(again.report().get().count("own_output_folders_pruned")).isEqualTo(3);
    assertThat(spark.table("owns3.documents").count()).isEqualTo(2);
    // What the listing asked S3 for: the prefixes above our folders one level at a time, the
    // rest flat; nothing inside out/ or the tables' folders.
    assertThat(ListingRecorder.listed)
        .contains("listStatus s3a://" + bucket + "/tree", "listFiles s3a://" + bucket + "/tree/sub")
        .noneMatch(l -> l.contains("/tree/out") || l.contains("/tree/warehouse/"));
  }

  /** S3A, recording the listings asked of it (the source listing's, the job's own output's). */
  public static final class ListingRecorder extends org.apache.hadoop.fs.s3a.S3AFileSystem {
    static final List<String> listed = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public org.apache.hadoop.fs.FileStatus[] listStatus(org.apache.hadoop.fs.Path p)
        throws IOException {
      listed.add("listStatus " + p);
      return super.listStatus(p);
    }

    @Override
    public org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> listFiles(
        org.apache.hadoop.fs.Path p, boolean recursive) throws IOException {
      listed.add("listFiles " + p);
      return super.listFiles(p, recursive);
    }
  }
}
