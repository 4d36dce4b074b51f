import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns the harness's measurements into jobs/bench/RESULTS.md: medians, ratios, targets. */
public final class Report {
  record Run(String scenario, String tool, double seconds, long rssMb, int exit, long bytes) {}

  public static void main(String[] args) throws IOException {
    List<Run> runs = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      String[] f = line.split("\t");
      runs.add(new Run(f[0], f[1], Double.parseDouble(f[2]), Long.parseLong(f[3]), Integer.parseInt(f[4]), Long.parseLong(f[5])));
    }
    Map<String, String> checks = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of(args[1]))) {
      String[] f = line.split("\t");
      // A failed check is kept over a later round's success.
      checks.merge(f[0], f[1] + "\t" + f[2], (a, b) -> a.contains("\tNO") ? a : b);
    }
    Map<String, String> failures = new LinkedHashMap<>();
    if (args.length > 4 && Files.exists(Path.of(args[4]))) {
      for (String line : Files.readAllLines(Path.of(args[4]))) {
        String[] f = line.split("\t", 3);
        if (f.length == 3) {
          failures.put(f[0] + "/" + f[1], f[2].strip());
        }
      }
    }
    StringBuilder md = new StringBuilder();
    md.append("# Benchmark results\n\n");
    md.append("Produced by `").append(args[3].strip()).append("` (the harness in this folder).\n\n");
    md.append("Machine: ").append(machine()).append("\n\n");
    md.append("Each figure is the median of the runs made. Wall time includes JVM and Spark start; for ");
    md.append("paraglue it also includes the catalog calls, creating the Iceberg tables, the commit, the ");
    md.append("reassembled documents, the ledger and the report (the embedded metastore's one-time schema ");
    md.append("creation is done before timing: Glue has a catalog). The naive job writes a Parquet table ");
    md.append("of paragraphs and one text output per document (partitionBy), as such jobs usually do.\n\n");
    Map<String, Map<String, List<Run>>> all = new LinkedHashMap<>();
    Map<String, Map<String, Run>> medians = new LinkedHashMap<>();
    for (Run r : runs) {
      medians.computeIfAbsent(r.scenario(), k -> new LinkedHashMap<>());
    }
    for (String scenario : medians.keySet()) {
      Map<String, List<Run>> byTool = new LinkedHashMap<>();
      runs.stream().filter(r -> r.scenario().equals(scenario)).forEach(r -> byTool.computeIfAbsent(r.tool(), k -> new ArrayList<>()).add(r));
      all.put(scenario, byTool);
      byTool.forEach((tool, rs) -> {
        List<Run> sorted = new ArrayList<>(rs);
        sorted.sort((a, b) -> Double.compare(a.seconds(), b.seconds()));
        medians.get(scenario).put(tool, sorted.get(sorted.size() / 2));
      });
    }
    for (var e : medians.entrySet()) {
      String scenario = e.getKey();
      Run pg = e.getValue().get("paraglue");
      md.append(String.format("## %s (%.0f MB)%n%n", scenario, mb(e.getValue().values().iterator().next().bytes())));
      md.append("| tool | wall s | runs (min–max s) | MB/s | peak RSS MB | exit | time vs paraglue |\n|---|---|---|---|---|---|---|\n");
      for (Run r : e.getValue().values()) {
        String ratio = pg == null ? "" : String.format("%.2f×", r.seconds() / pg.seconds());
        List<Run> rs = all.get(scenario).get(r.tool());
        double min = rs.stream().mapToDouble(Run::seconds).min().orElse(0);
        double max = rs.stream().mapToDouble(Run::seconds).max().orElse(0);
        md.append(String.format("| %s | %.1f | %d (%.1f–%.1f) | %.1f | %d | %s | %s |%n", r.tool(), r.seconds(), rs.size(), min, max,
            r.exit() == 0 ? mb(r.bytes()) / r.seconds() : 0.0, r.rssMb(), r.exit() == 0 ? "0" : r.exit() + " (failed)", ratio));
      }
      for (Run r : e.getValue().values()) {
        String why = failures.get(scenario + "/" + r.tool());
        if (r.exit() != 0 && why != null) {
          md.append("\n").append(r.tool()).append(" failed: `").append(why).append("`\n");
        }
      }
      if (checks.containsKey(scenario)) {
        String[] check = checks.get(scenario).split("\t", 2);
        md.append(check[0].equals("identical") ? "\nparaglue's documents byte-identical to the independent reference: "
            : "\nparaglue's run summary as expected: ").append(check[1]).append("\n");
      }
      md.append('\n');
    }
    md.append("## Targets\n\n");
    Map<String, Run> many = medians.getOrDefault("many", Map.of());
    Map<String, Run> dbl = medians.getOrDefault("double", Map.of());
    Map<String, Run> big = medians.getOrDefault("big", Map.of());
    if (many.containsKey("paraglue") && many.containsKey("naive-spark")) {
      double r = many.get("naive-spark").seconds() / many.get("paraglue").seconds();
      md.append(String.format("- many documents, naive Spark / paraglue: %.2f× (target ≥ 8×): %s", r, r >= 8 ? "met" : "missed"));
      List<Run> p = all.get("many").get("paraglue");
      List<Run> n = all.get("many").get("naive-spark");
      if (p.size() > 1 && p.size() == n.size()) {
        List<String> paired = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
          paired.add(String.format("%.2f×", n.get(i).seconds() / p.get(i).seconds()));
        }
        md.append(" (round by round: ").append(String.join(", ", paired)).append(")");
      }
      md.append('\n');
    }
    if (many.containsKey("paraglue") && many.containsKey("single-thread")) {
      double r = many.get("paraglue").seconds() / many.get("single-thread").seconds();
      md.append(String.format("- many documents, paraglue / single Java thread: %.2f× (target ≤ 6×): %s%n", r, r <= 6 ? "met" : "missed"));
    }
    if (big.containsKey("paraglue") && many.containsKey("paraglue")) {
      Run b = big.get("paraglue");
      Run m = many.get("paraglue");
      double tb = mb(b.bytes()) / b.seconds();
      double tm = mb(m.bytes()) / m.seconds();
      md.append(String.format("- one large document with a 3 GB heap: exit %d, %.1f MB/s vs %.1f MB/s for many (target ≥ half): %s%n",
          b.exit(), tb, tm, b.exit() == 0 && tb >= tm / 2 ? "met" : "missed"));
      if (big.containsKey("naive-spark")) {
        md.append(String.format("- naive Spark on the large document: exit %d%s%n", big.get("naive-spark").exit(),
            big.get("naive-spark").exit() == 0 ? "" : " (failed: " + failures.getOrDefault("big/naive-spark", "see naive-big.log") + ")"));
      }
    }
    if (dbl.containsKey("paraglue") && many.containsKey("paraglue")) {
      double r = dbl.get("paraglue").seconds() / many.get("paraglue").seconds();
      md.append(String.format("- doubling the input: %.2f× the time (target ≤ 2.1×): %s%n", r, r <= 2.1 ? "met" : "missed"));
    }
    Map<String, Run> tiny = medians.getOrDefault("tiny", Map.of());
    if (tiny.containsKey("paraglue")) {
      double t = tiny.get("paraglue").seconds();
      md.append(String.format("- tiny documents: %.1f s (target ≤ 20 s): %s%n", t, t <= 20 ? "met" : "missed"));
    }
    Map<String, Run> samples = medians.getOrDefault("samples", Map.of());
    if (samples.containsKey("paraglue")) {
      double t = samples.get("paraglue").seconds();
      md.append(String.format("- the samples on an existing home, one changed: %.1f s (target ≤ 5 s): %s%n", t, t <= 5 ? "met" : "missed"));
    }
    Map<String, Run> bz = medians.getOrDefault("bzip2", Map.of());
    if (bz.containsKey("paraglue") && bz.containsKey("paraglue-whole")) {
      md.append(String.format("- one bzip2 document: read whole by one task %.1f s, as byte ranges of blocks %.1f s: %.2f× faster"
          + " (no target; the ranges decompress it twice, once to measure, once to write, in parallel)%n",
          bz.get("paraglue-whole").seconds(), bz.get("paraglue").seconds(), bz.get("paraglue-whole").seconds() / bz.get("paraglue").seconds()));
    }
    Files.writeString(Path.of(args[2]), md.toString());
  }

  static double mb(long bytes) {
    return bytes / 1048576.0;
  }

  static String machine() throws IOException {
    String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown CPU");
    long memKb = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal")).map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
    return String.format("%d cores (%s), %d GB memory, Java %s, %s", Runtime.getRuntime().availableProcessors(), cpu, memKb / 1048576, System.getProperty("java.version"), System.getProperty("os.name") + " " + System.getProperty("os.version"));
  }
}
