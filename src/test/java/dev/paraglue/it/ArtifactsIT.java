package dev.paraglue.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What `mvn package` ships: the Glue jar without Spark, the trigger jar without Spark either. */
class ArtifactsIT {

  private static List<String> entries(Path jar) throws IOException {
    try (JarFile f = new JarFile(jar.toFile())) {
      return f.stream().map(e -> e.getName()).collect(Collectors.toList());
    }
  }

  @Test
  void glueJar_holdsTheJob_andNoSparkHadoopOrIceberg() throws IOException {
    Path jar = Path.of("target/paraglue-glue.jar");
    List<String> names = entries(jar);
    System.out.printf("paraglue-glue.jar: %,d bytes, %d entries%n", Files.size(jar), names.size());
    assertThat(names)
        .contains("dev/paraglue/job/ParagraphJob.class", "dev/paraglue/text/ParagraphReader.class");
    assertThat(names)
        .noneMatch(n -> n.startsWith("org/apache/spark/"))
        .noneMatch(n -> n.startsWith("org/apache/hadoop/"))
        .noneMatch(n -> n.startsWith("org/apache/iceberg/"));
  }

  @Test
  void triggerJar_holdsTheHandlerAndSdk_andNoSparkHadoopOrIceberg() throws IOException {
    Path jar = Path.of("target/paraglue-trigger.jar");
    List<String> names = entries(jar);
    System.out.printf(
        "paraglue-trigger.jar: %,d bytes, %d entries%n", Files.size(jar), names.size());
    assertThat(names)
        .contains(
            "dev/paraglue/trigger/UploadTrigger.class",
            "dev/paraglue/api/DocumentApi.class",
            "dev/paraglue/notifications/BucketNotifications.class",
            "dev/paraglue/lambda/JsonLog.class",
            "dev/paraglue/text/ParagraphSplitter.class",
            "com/amazonaws/services/lambda/runtime/events/APIGatewayV2HTTPEvent.class",
            "software/amazon/awssdk/services/glue/GlueClient.class",
            "software/amazon/awssdk/http/urlconnection/UrlConnectionHttpClient.class",
            "com/amazonaws/services/lambda/runtime/RequestStreamHandler.class");
    assertThat(names)
        .noneMatch(n -> n.startsWith("org/apache/spark/"))
        .noneMatch(n -> n.startsWith("org/apache/hadoop/"))
        .noneMatch(n -> n.startsWith("org/apache/iceberg/"))
        .noneMatch(n -> n.startsWith("dev/paraglue/job/"))
        .noneMatch(n -> n.startsWith("dev/paraglue/pipeline/"))
        .noneMatch(n -> n.startsWith("dev/paraglue/local/"))
        .noneMatch(n -> n.startsWith("dev/paraglue/cli/"))
        .noneMatch(n -> n.startsWith("io/netty/"))
        .noneMatch(n -> n.startsWith("software/amazon/awssdk/services/cloudwatch/"))
        .noneMatch(n -> n.startsWith("software/amazon/awssdk/protocols/rpcv2/"));
  }
}
