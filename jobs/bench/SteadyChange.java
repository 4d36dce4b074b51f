import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One steady-state cycle of changes to a corpus made by GenCorpus.java (names
 * part-NNN/doc-NNNNNN.txt): adds --new documents, changes --changed and removes --removed, chosen
 * by --seed among the first --docs. A changed document gets a new last paragraph; a new one is a
 * copy of an existing document with a paragraph of its own first. Files are replaced, never
 * written in place (the corpus may be hard links to a cached copy). Writes the relative paths of
 * the new and changed documents to OUT/written.txt, of the removed ones to OUT/removed.txt, and
 * prints the text bytes of the new and changed documents.
 *
 * <pre>java jobs/bench/SteadyChange.java --dir DIR --docs 1000 --out LISTS
 *     [--new 200] [--changed 200] [--removed 100] [--seed 2]</pre>
 */
public final class SteadyChange {
  public static void main(String[] args) throws IOException {
    Path dir = null;
    Path out = null;
    int docs = 0;
    int added = 200;
    int changed = 200;
    int removed = 100;
    long seed = 2;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--dir" -> dir = Path.of(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        case "--docs" -> docs = Integer.parseInt(args[i + 1]);
        case "--new" -> added = Integer.parseInt(args[i + 1]);
        case "--changed" -> changed = Integer.parseInt(args[i + 1]);
        case "--removed" -> removed = Integer.parseInt(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("Cannot change: unknown option " + args[i]);
      }
    }
    if (dir == null || out == null || docs < changed + removed) {
      throw new IllegalArgumentException("Cannot change: --dir, --out and --docs >= changed + removed are required");
    }
    SplittableRandom random = new SplittableRandom(seed);
    Set<Integer> picked = new LinkedHashSet<>();
    while (picked.size() < changed + removed) {
      picked.add(random.nextInt(docs));
    }
    Files.createDirectories(out);
    long bytes = 0;
    try (PrintWriter written = new PrintWriter(Files.newBufferedWriter(out.resolve("written.txt")));
        PrintWriter gone = new PrintWriter(Files.newBufferedWriter(out.resolve("removed.txt")))) {
      int n = 0;
      for (int d : picked) {
        String name = name(d);
        Path f = dir.resolve(name);
        if (n++ < changed) {
          byte[] old = Files.readAllBytes(f);
          byte[] tail = ("\n\nChanged in cycle " + seed + ": the harbor ledger of document " + d + ".\n")
              .getBytes(StandardCharsets.UTF_8);
          bytes += replace(f, concat(old, tail));
          written.println(name);
        } else {
          Files.delete(f);
          gone.println(name);
        }
      }
      for (int i = 0; i < added; i++) {
        int d = docs + i;
        Path from = dir.resolve(name(random.nextInt(docs)));
        while (!Files.exists(from)) { // removed above
          from = dir.resolve(name(random.nextInt(docs)));
        }
        byte[] body = Files.readAllBytes(from);
        byte[] head = ("New in cycle " + seed + ": document " + d + ".\n\n").getBytes(StandardCharsets.UTF_8);
        bytes += replace(dir.resolve(name(d)), concat(head, body));
        written.println(name(d));
      }
    }
    System.out.println(bytes);
  }

  private static String name(int d) {
    return String.format("part-%03d/doc-%06d.txt", d % 100, d);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static long replace(Path f, byte[] content) throws IOException {
    Files.deleteIfExists(f);
    Files.createDirectories(f.getParent());
    Files.write(f, content);
    return content.length;
  }
}
