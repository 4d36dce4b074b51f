package dev.paraglue.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.paraglue.fault.Failpoint;
import dev.paraglue.job.JobSettings;
import dev.paraglue.sink.IcebergTables;
import dev.paraglue.text.Paragraph;
import dev.paraglue.text.ParagraphSplitter;
import dev.paraglue.text.Reassembler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kills the job with SIGKILL at named points (during the read, while documents and rows are being
 * written inside the table commit, right after the table commit, after publishing but before the
 * ledger), reruns it, and checks that nothing was lost or duplicated: the tables hold each source's
 * rows exactly once, every output is complete and correct, the ledger agrees, and no half-written
 * object was ever visible under documents/. Each run is its own JVM (ChildRun), as on a cluster.
 */
class KillAndRerunIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path home;
  private Path raw;
  private Path out;
  private Path failpoints;
  private int children;
  private final List<Process> started = new ArrayList<>();

  /** A test that fails or times out while a child waits at a failpoint leaves no child behind. */
  @AfterEach
  void killLeftChildren() {
    started.stream().filter(Process::isAlive).forEach(Process::destroyForcibly);
  }

  private String master = "local[2]";
  private String failures = "";
  private long driverScanBytes = IcebergTables.DRIVER_SCAN_BYTES_DEFAULT;

  /** What one source should produce. */
  private record Expected(boolean rejected, List<Paragraph> paragraphs, byte[] output) {}

  private static Map<String, Expected> expected(Path raw) throws IOException {
    Map<String, Expected> m = new TreeMap<>();
    try (Stream<Path> files = Files.walk(raw)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        ParagraphSplitter.Split s = ParagraphSplitter.split(Files.readAllBytes(f));
        m.put(
            raw.relativize(f).toString(),
            new Expected(
                s.outcome().isRejected(), s.paragraphs(), Reassembler.reassemble(s.texts())));
      }
    }
    return m;
  }

  private static String big() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 600; i++) {
      b.append("Paragraph ").append(i).append(i % 7 == 0 ? " — 段落\r\n" : "\n");
      b.append("second line of ").append(i).append('\n');
      b.append(i % 5 == 0 ? " \t \n\n" : "\n");
    }
    return b.toString();
  }

  private void write(String docId, byte[] content) throws IOException {
    Path p = raw.resolve(docId);
    Files.createDirectories(p.getParent());
    Files.write(p, content);
  }

  private Process start(String point, Path dump) throws IOException {
    List<String> cmd = ChildRun.java();
    cmd.addAll(
        List.of(
            "-Xmx1g",
            "-Djava.io.tmpdir=" + Files.createDirectories(home.resolve("tmp")),
            "-D" + JobSettings.RANGE_BYTES + "=2048",
            "-D" + JobSettings.STALE_STAGING_SECONDS + "=0",
            "-D" + JobSettings.DRIVER_SCAN_BYTES + "=" + driverScanBytes,
            "-D" + Failpoint.POINTS + "=" + (point == null ? failures : point + "=wait"),
            "-D" + ChildRun.MASTER + "=" + master,
            "-D" + Failpoint.DIR + "=" + failpoints,
            "-D" + MetastoreFailpoints.LISTENERS + "=" + MetastoreFailpoints.class.getName(),
            ChildRun.class.getName(),
            home.toString(),
            dump == null ? "-" : dump.toString(),
            "k.paragraphs",
            "k.documents",
            "--source_paths",
            raw.toUri().toString(),
            "--output_path",
            out.toUri().toString()));
    Path log = home.resolve("child-" + (++children) + ".log");
    // Only a run to the end (with a dump) may archive class data: a killed run archives nothing.
    Process p =
        ClassDataArchive.start(
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()),
            dump != null);
    started.add(p);
    return p;
  }

  private String logTail() throws IOException {
    List<String> lines = Files.readAllLines(home.resolve("child-" + children + ".log"), UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  /**
   * Runs the job until it reaches {@code point}, then kills it with SIGKILL. No wall-clock bound: a
   * child that hangs is stopped by the test's timeout (failsafe's, or the one on the test).
   */
  private void killAt(String point) throws Exception {
    Process p = start(point, null);
    Path reached = failpoints.resolve(point + ".reached");
    while (!Files.exists(reached)) {
      assertThat(p.isAlive()).as("the run ended before %s:%n%s", point, logTail()).isTrue();
      Thread.sleep(50);
    }
    p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
    assertThat(p.waitFor()).isEqualTo(137);
    Files.delete(reached);
  }

  /** Runs the job to the end and returns the dump of both tables. */
  private List<String> rerun() throws Exception {
    Path dump = home.resolve("dump-" + children + ".jsonl");
    Process p = start(null, dump);
    assertThat(p.waitFor()).as(logTail()).isZero();
    return Files.readAllLines(dump, UTF_8);
  }

  private Map<String, byte[]> files(Path root) throws IOException {
    Map<String, byte[]> m = new TreeMap<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> s = Files.walk(root)) {
        for (Path f : s.filter(Files::isRegularFile).toList()) {
          m.put(root.relativize(f).toString(), Files.readAllBytes(f));
        }
      }
    }
    return m;
  }

  /** Whatever a killed run left visible under documents/ is a whole, correct object. */
  private void nothingHalfWritten(List<Map<String, Expected>> versions) throws IOException {
    for (Map.Entry<String, byte[]> f : files(out.resolve("documents")).entrySet()) {
      assertThat(versions)
          .as("documents/%s is the reassembly of some version of its source", f.getKey())
          .anySatisfy(
              v -> {
                assertThat(v).containsKey(f.getKey());
                assertThat(v.get(f.getKey()).rejected()).isFalse();
                assertThat(f.getValue()).isEqualTo(v.get(f.getKey()).output());
              });
    }
  }

  /** The tables, outputs, rejection records and ledger are exactly what the sources produce. */
  private void exactly(Map<String, Expected> want, List<String> dump) throws IOException {
    List<String> rows = new ArrayList<>();
    Map<String, JsonNode> ledger = new HashMap<>();
    for (String line : dump) {
      JsonNode n = JSON.readTree(line.substring(2));
      if (line.startsWith("P ")) {
        rows.add(
            String.join(
                "|",
                n.get("doc_id").asText(),
                n.get("paragraph_index").asText(),
                n.get("text").asText(),
                n.get("line_number").asText(),
                n.get("byte_offset").asText(),
                n.get("byte_length").asText(),
                n.get("char_count").asText()));
      } else {
        assertThat(ledger.put(n.get("doc_id").asText(), n)).as("one ledger row per doc").isNull();
      }
    }
    List<String> wantRows = new ArrayList<>();
    Map<String, byte[]> wantOutputs = new TreeMap<>();
    Set<String> wantRejected = new HashSet<>();
    for (Map.Entry<String, Expected> e : want.entrySet()) {
      JsonNode entry = ledger.get(e.getKey());
      assertThat(entry).as("ledger row for %s", e.getKey()).isNotNull();
      if (e.getValue().rejected()) {
        wantRejected.add(e.getKey() + ".json");
        assertThat(entry.get("status").asText()).isEqualTo("rejected");
        continue;
      }
      assertThat(entry.get("status").asText()).isEqualTo("ok");
      assertThat(entry.get("paragraph_count").asInt()).isEqualTo(e.getValue().paragraphs().size());
      wantOutputs.put(e.getKey(), e.getValue().output());
      for (Paragraph p : e.getValue().paragraphs()) {
        wantRows.add(
            String.join(
                "|",
                e.getKey(),
                Integer.toString(p.index()),
                p.text(),
                Long.toString(p.lineNumber()),
                Long.toString(p.byteOffset()),
                Integer.toString(p.byteLength()),
                Integer.toString(p.charCount())));
      }
    }
    assertThat(ledger.keySet()).containsExactlyInAnyOrderElementsOf(want.keySet());
    rows.sort(null);
    wantRows.sort(null);
    assertThat(rows).as("paragraph rows, each exactly once").containsExactlyElementsOf(wantRows);
    Map<String, byte[]> outputs = files(out.resolve("documents"));
    assertThat(outputs.keySet()).containsExactlyElementsOf(wantOutputs.keySet());
    wantOutputs.forEach((k, v) -> assertThat(outputs.get(k)).as(k).isEqualTo(v));
    assertThat(files(out.resolve("_rejected")).keySet())
        .containsExactlyInAnyOrderElementsOf(wantRejected);
    assertThat(files(out.resolve("_staging"))).as("staging left by killed runs").isEmpty();
  }

  private void setUp(String name) throws IOException {
    home = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), name);
    raw = home.resolve("raw");
    out = home.resolve("out");
    failpoints = home.resolve("failpoints");
    write("a.txt", "alpha one\n\nalpha two\n\n\nalpha three\n".getBytes(UTF_8));
    write("crlf.txt", "one\r\nline\r\n\r\ntwo\r\n".getBytes(UTF_8));
    write("cjk/中文 notes.txt", "第一段\n\n第二段\u3000\n".getBytes(UTF_8));
    write("big.txt", big().getBytes(UTF_8)); // about 20 KB: read as ranges of 2 KB
    write("bad.txt", new byte[] {'o', 'k', '\n', (byte) 0xC3, '(', '\n'});
    write("empty.txt", new byte[0]);
    write("nested/deep/x.md", "# title\n\nbody\n".getBytes(UTF_8));
  }

  /**
   * One home, killed at every named point in turn, each next run picking up what the last one left.
   * With the first version of the sources: inside the creation of each table (holding its metastore
   * lock), while reading, while writing, inside each commit (the rows, then the ledger), and right
   * after the table commit. The next run releases each dead run's lock and goes on (a lock that
   * stayed would time out its commit); the run to the end has every task fail its first attempt
   * (local[2,2] retries it) and is exact. The sources then change (fewer paragraphs, newly
   * rejected, fixed, added): killed while writing, inside the replacement of earlier rows (through
   * a private branch, as on a big table, then with position deletes written by the driver, as on a
   * small one), and after publishing; the run to the end is exact again.
   */
  @Test
  // Thirteen child runs: 2.5 minutes on 2 idle cores, over 15 on 2 cores shared by 5 builds.
  @Timeout(value = 40, unit = TimeUnit.MINUTES)
  void killedAtEveryPoint_thenRerun_losesAndDuplicatesNothing() throws Exception {
    setUp("paraglue-kill");
    Map<String, Expected> first = expected(raw);
    killAt("metastore.create_table@k.paragraphs");
    killAt("metastore.create_table@k.documents");
    killAt("validate.document");
    nothingHalfWritten(List.of(first));
    killAt("explode.document");
    nothingHalfWritten(List.of(first));
    killAt("metastore.alter_table@k.paragraphs");
    nothingHalfWritten(List.of(first));
    killAt("metastore.alter_table@k.documents");
    nothingHalfWritten(List.of(first));
    assertThat(Files.readString(home.resolve("child-" + children + ".log")))
        .contains("Released 1 metastore lock(s) left by a process that ended")
        .doesNotContain("Waiting for lock");
    killAt("commit.after");
    nothingHalfWritten(List.of(first));
    master = "local[2,2]"; // two threads, each task may fail once
    failures = "validate.document=fail-first-attempt,explode.document=fail-first-attempt";
    driverScanBytes = 0; // documents read in Spark tasks, which may be retried, not on the driver
    exactly(first, rerun());
    driverScanBytes = IcebergTables.DRIVER_SCAN_BYTES_DEFAULT;
    assertThat(Files.readString(home.resolve("child-" + children + ".log")))
        .contains("Failpoint validate.document: failing the first attempt")
        .contains("Failpoint explode.document: failing the first attempt");
    master = "local[2]";
    failures = "";

    write("a.txt", "alpha, now alone\n".getBytes(UTF_8));
    write("crlf.txt", new byte[] {'n', 'o', 'w', ' ', (byte) 0xFF, '\n'});
    write("bad.txt", "fixed\n".getBytes(UTF_8));
    write("new.txt", "brand new\n\nsecond\n".getBytes(UTF_8));
    Map<String, Expected> second = expected(raw);
    killAt("explode.document");
    nothingHalfWritten(List.of(first, second));
    driverScanBytes = 0; // the replacement as on a big table: Spark's DELETE on a private branch
    killAt("metastore.alter_table@k.paragraphs");
    nothingHalfWritten(List.of(first, second));
    driverScanBytes = IcebergTables.DRIVER_SCAN_BYTES_DEFAULT; // position deletes from the driver
    killAt("metastore.alter_table@k.paragraphs");
    nothingHalfWritten(List.of(first, second));
    killAt("publish.after");
    nothingHalfWritten(List.of(first, second));
    exactly(second, rerun());
  }

  /**
   * Runs killed at random moments, the sources changing between some of them, then one run to the
   * end: exact. {@code -Dparaglue.test.kills=N} kills more often (default 4), {@code
   * -Dparaglue.test.seed=S} repeats a sequence; the seed is printed.
   */
  @Test
  void killedAtRandomMoments_thenRerun_isExact() throws Exception {
    setUp("paraglue-random");
    long seed = Long.getLong("paraglue.test.seed", System.nanoTime());
    System.out.println("KillAndRerunIT random kills: -Dparaglue.test.seed=" + seed);
    java.util.Random random = new java.util.Random(seed);
    List<Map<String, Expected>> versions = new ArrayList<>(List.of(expected(raw)));
    for (int i = 0; i < Integer.getInteger("paraglue.test.kills", 4); i++) {
      if (random.nextBoolean()) {
        write("changing-" + random.nextInt(3) + ".txt", ("v" + i + "\n\npara\n").getBytes(UTF_8));
        versions.add(expected(raw));
      }
      Process p = start(null, null);
      // The moment is the input here, not an expectation: a run takes 8-20 s on 2 cores.
      if (p.waitFor(random.nextInt(15_000), TimeUnit.MILLISECONDS)) {
        assertThat(p.exitValue()).as("a run not killed succeeds:%n%s", logTail()).isZero();
      } else {
        p.destroyForcibly();
        p.waitFor();
      }
      nothingHalfWritten(versions);
    }
    exactly(versions.get(versions.size() - 1), rerun());
  }
}
