package dev.paraglue.it;

import dev.paraglue.local.LocalCatalog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A real S3 API server on loopback: S3Mock's exec jar (copied by the build to target/s3mock) run as
 * its own process on a free port, with one bucket, stopped when closed.
 */
public final class S3MockServer implements AutoCloseable {
  static final String ACCESS_KEY = "paraglue-test";
  static final String SECRET_KEY = "paraglue-test-secret";

  final int port;
  final String bucket;

  private final Path root;
  private Process process;

  public S3MockServer(String bucket, Path root) throws IOException, InterruptedException {
    this.bucket = bucket;
    this.root = root;
    this.port = freePort();
    launch();
  }

  /**
   * Starts S3Mock on this server's port over its root folder, kept across restarts, and waits until
   * the bucket answers.
   */
  private void launch() throws IOException, InterruptedException {
    Path jar;
    try (var s = Files.list(Path.of("target/s3mock"))) {
      jar =
          s.filter(p -> p.toString().endsWith(".jar"))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "Cannot start S3Mock: no jar in target/s3mock (run mvn verify)"));
    }
    Files.createDirectories(root);
    Path log = root.resolveSibling("s3mock.log");
    process =
        new ProcessBuilder(command(jar))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    try {
      awaitBucket(log);
    } catch (InterruptedException e) { // the test's timeout: leave no server behind
      process.destroyForcibly();
      throw e;
    }
  }

  /**
   * Waits until the server answers for its bucket. No wall-clock bound (a start takes 5-9 s on 2
   * idle cores and over a minute on 2 crowded ones): a server that never answers is stopped by the
   * test's timeout, one that exits fails.
   */
  private void awaitBucket(Path log) throws InterruptedException {
    while (!accepting()) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Cannot start S3Mock on port " + port + ": see " + log);
      }
      Thread.sleep(200);
    }
    // The port opens before the buckets exist: wait until the bucket answers.
    try (S3Client s3 = client()) {
      while (true) {
        try {
          s3.headBucket(b -> b.bucket(bucket));
          break;
        } catch (RuntimeException e) {
          if (!process.isAlive()) {
            throw new IllegalStateException("Cannot reach bucket " + bucket + " on S3Mock", e);
          }
          Thread.sleep(200);
        }
      }
    }
  }

  /**
   * java with a small heap, C1 and the serial collector ({@link ChildRun#SHORT_LIVED_JVM}: a start
   * costs 8.4 s of CPU instead of 15.3 s), then S3Mock's options.
   */
  private List<String> command(Path jar) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.addAll(ChildRun.SHORT_LIVED_JVM);
    cmd.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "--http.port=" + port,
            "--server.port=0",
            "--server.address=127.0.0.1",
            "--com.adobe.testing.s3mock.store.initial-buckets=" + bucket,
            "--com.adobe.testing.s3mock.store.root=" + root,
            "--com.adobe.testing.s3mock.store.retain-files-on-exit=true",
            "--logging.level.root=WARN"));
    return cmd;
  }

  /** Starts the server again after {@link #close}, on the same port, with the same objects. */
  public void restart() throws IOException, InterruptedException {
    close();
    launch();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public S3Client client() {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /**
   * A server for {@code bucket} in a new temporary folder, which also holds the embedded catalog of
   * {@link #session()}.
   */
  public static S3MockServer inTempDir(String bucket, String name)
      throws IOException, InterruptedException {
    Path home = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), name);
    return new S3MockServer(bucket, home.resolve("s3"));
  }

  /** A local session on the embedded catalog beside this server's objects. */
  public SparkSession session() {
    return session(root.getParent());
  }

  /**
   * A local session on the embedded catalog under {@code home}, with S3A pointed at this server.
   */
  public SparkSession session(Path home) {
    return LocalCatalog.s3(LocalCatalog.builder(home, "local[2]"), endpoint())
        .config("spark.hadoop.fs.s3a.access.key", ACCESS_KEY)
        .config("spark.hadoop.fs.s3a.secret.key", SECRET_KEY)
        .config(
            "spark.hadoop.fs.s3a.aws.credentials.provider",
            "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider")
        .config("spark.hadoop.fs.s3a.multipart.size", "5242880")
        .config("spark.hadoop.fs.s3a.multipart.threshold", "5242880")
        .config("spark.hadoop.fs.s3a.attempts.maximum", "2")
        .config("spark.hadoop.fs.s3a.retry.limit", "2")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate();
  }

  private boolean accepting() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process
        .info()
        .totalCpuDuration()
        .ifPresent(
            cpu ->
                System.out.printf(
                    "S3Mock on port %d: %.1f s of CPU since its start%n",
                    port, cpu.toMillis() / 1000.0));
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
