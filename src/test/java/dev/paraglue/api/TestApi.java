package dev.paraglue.api;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.paraglue.lambda.BlobStore;
import dev.paraglue.lambda.JsonLog;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** The HTTP API as its tests build it: over a folder, at a fixed day, logging to a stream. */
public final class TestApi {
  /** The day every test submits on: document ids start 20261129-. */
  public static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-29T05:00:00Z"), ZoneOffset.UTC);

  private TestApi() {}

  /** Sources under {@code dir/raw}, outputs under {@code dir/out}, bodies of at most maxBytes. */
  public static ApiConfig config(Path dir, int maxBytes) {
    return new ApiConfig(
        dir.resolve("raw").toUri().toString(),
        dir.resolve("out").toUri().toString(),
        true,
        maxBytes);
  }

  public static DocumentApi api(ApiConfig cfg, BlobStore store, OutputStream logs) {
    return new DocumentApi(cfg, store, CLOCK, new JsonLog(new PrintStream(logs, true, UTF_8)));
  }
}
