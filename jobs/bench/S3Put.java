import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Uploads every file under a folder to {@code s3://BUCKET/PREFIX<relative path>} on an
 * S3-compatible endpoint, 16 at a time (the bench's s3lat scenario fills S3Mock with it).
 *
 * <pre>java -cp CLASSPATH jobs/bench/S3Put.java ENDPOINT BUCKET PREFIX DIR</pre>
 */
public final class S3Put {
  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      throw new IllegalArgumentException("Cannot upload: expected ENDPOINT BUCKET PREFIX DIR");
    }
    String bucket = args[1];
    String prefix = args[2];
    Path dir = Path.of(args[3]);
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (S3Client s3 =
        S3Client.builder()
            .endpointOverride(URI.create(args[0]))
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {
      List<Future<?>> puts =
          files.stream()
              .<Future<?>>map(
                  f ->
                      pool.submit(
                          () ->
                              s3.putObject(
                                  b ->
                                      b.bucket(bucket)
                                          .key(prefix + dir.relativize(f).toString()),
                                  f)))
              .toList();
      for (Future<?> p : puts) {
        p.get();
      }
    } finally {
      pool.shutdown();
    }
    System.out.println("uploaded " + files.size() + " objects to s3://" + bucket + "/" + prefix);
  }
}
