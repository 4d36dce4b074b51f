package dev.paraglue.local;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paraglue.api.ApiConfig;
import dev.paraglue.api.ApiDocument;
import dev.paraglue.api.DocumentApi;
import dev.paraglue.api.TestApi;
import dev.paraglue.text.ParagraphSplitter;
import dev.paraglue.text.Reassembler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local development servers: their command lines and the API behind a loopback server. */
class LocalServersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private ApiConfig config;
  private DocumentApi api;

  @BeforeEach
  void setUp() {
    config = TestApi.config(dir, 64);
    api = TestApi.api(config, new LocalBlobStore(), new ByteArrayOutputStream());
  }

  /** What a run would publish for a submitted document. */
  private void processed(ApiDocument d) throws IOException {
    byte[] source = Files.readAllBytes(Path.of(URI.create(config.sourceUri(d))));
    Path result = Path.of(URI.create(config.resultUri(d)));
    Files.createDirectories(result.getParent());
    Files.write(result, Reassembler.reassemble(ParagraphSplitter.split(source).texts()));
  }

  @Test
  void localCommands_helpAndParser_readOneTable() {
    assertThat(LocalApi.COMMAND.help())
        .startsWith("usage: jobs/paraglue api [--port N]\n")
        .contains(
            "\n  --port N       loopback port to serve on (0: any free one) (default: 8787)\n")
        .contains("\n  --home DIR ", "\n  --runner PATH ");
    assertThat(LocalApi.COMMAND.parse("--home", "/h").values())
        .containsEntry("port", "8787")
        .containsEntry("home", "/h")
        .doesNotContainKey("runner");
    assertThatThrownBy(() -> LocalApi.COMMAND.parse("--prot", "1"))
        .hasMessage(
            "Cannot serve the API: unknown argument(s) --prot; valid arguments are --port, --home,"
                + " --runner");

    assertThat(LocalTrigger.COMMAND.help())
        .startsWith("usage: jobs/paraglue trigger [--dry-run] EVENT.json\n")
        .contains("\n  --dry-run  print each StartJobRun request as one JSON line; send nothing\n");
    assertThat(LocalTrigger.COMMAND.parse("e.json", "--dry-run").flag("dry-run")).isTrue();
    assertThatThrownBy(() -> LocalTrigger.COMMAND.parse("--dry-run"))
        .hasMessage("Cannot run the trigger: EVENT.json is required");
  }

  @Test
  void localServer_playsApiGateway_overHttpOnLoopback() throws Exception {
    List<String> queued = new ArrayList<>();
    try (LocalApi local = LocalApi.start(0, api, config, queued::add)) {
      HttpClient http = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + local.port();
      HttpResponse<String> posted =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/documents?name=n%C3%B8tes"))
                  .POST(HttpRequest.BodyPublishers.ofByteArray("café\r\n\r\nbar\n".getBytes(UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).isEqualTo(202);
      JsonNode body = JSON.readTree(posted.body());
      assertThat(body.path("name").asText()).isEqualTo("nøtes");
      String id = body.path("doc_id").asText();
      assertThat(posted.headers().firstValue("location")).contains("/documents/" + id);
      assertThat(queued).containsExactly(body.path("source_uri").asText());
      assertThat(Files.readString(Path.of(URI.create(queued.get(0)))))
          .isEqualTo("café\r\n\r\nbar\n");

      HttpResponse<String> pending =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/documents/" + id)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(pending.statusCode()).isEqualTo(202);
      processed(ApiDocument.parse(id).orElseThrow());
      HttpResponse<String> done =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/documents/" + id)).build(),
              HttpResponse.BodyHandlers.ofString(UTF_8));
      assertThat(done.statusCode()).isEqualTo(200);
      assertThat(done.body()).isEqualTo("café\n\nbar\n");
      assertThat(done.headers().firstValue("content-type")).contains("text/plain; charset=utf-8");

      // DELETE: the source goes, and its URI is queued for the run that removes the rest.
      String source = queued.get(0);
      HttpResponse<String> deleted =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/documents/" + id)).DELETE().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(deleted.statusCode()).isEqualTo(202);
      assertThat(JSON.readTree(deleted.body()).path("status").asText()).isEqualTo("removing");
      assertThat(Path.of(URI.create(source))).doesNotExist();
      assertThat(queued).containsExactly(source, source);
      HttpResponse<String> noSuch =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/documents/20261129-" + "0".repeat(32)))
                  .DELETE()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(noSuch.statusCode()).isEqualTo(404);
      assertThat(queued).hasSize(2);

      for (String path : List.of("/nothing", "/documents/" + id + "/x/y", "/documents/")) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(404);
      }
      HttpResponse<String> escape =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/documents/..%2F..%2Fsecret")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(escape.statusCode()).isEqualTo(400);
      HttpResponse<String> empty =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/documents"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(empty.statusCode()).isEqualTo(400);
      assertThat(queued).hasSize(2); // refused requests queue nothing
    }
  }
}
