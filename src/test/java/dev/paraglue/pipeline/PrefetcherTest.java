package dev.paraglue.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.paraglue.source.PrefetchedObject;
import dev.paraglue.source.SourceDocument;
import dev.paraglue.text.Paragraph;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading ahead changes nothing but when bytes arrive: units come out in their order, each with its
 * own object's bytes and its own error, and a unit read from its bytes read ahead is found exactly
 * as one read from the store.
 */
class PrefetcherTest {
  @TempDir Path dir;

  private static SourceDocument remote(int i) {
    return new SourceDocument("d" + i, "s3a://bucket/d" + i, 8, 0, List.of());
  }

  private static byte[] body(int i) {
    return ("doc " + i + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String read(PrefetchedObject o) throws IOException {
    try (InputStream in = o.stored()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void unitsComeOutInOrder_eachWithItsOwnBytesAndErrors_whenReadsFinishOutOfOrder()
      throws Exception {
    List<SourceDocument> docs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      docs.add(i == 7 ? remote(i).slice(0, 2, 0, 4) : remote(i)); // 7: a range, read at its turn
    }
    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch thirdRead = new CountDownLatch(1);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    Function<SourceDocument, PrefetchedObject> fetch =
        d -> {
          mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          try {
            int i = Integer.parseInt(d.getDocId().substring(1));
            if (i == 0) {
              firstStarted.countDown();
              thirdRead.await(); // the first finishes after the fourth: out of order
            }
            if (i == 3) {
              firstStarted.await();
            }
            if (i == 2) {
              return PrefetchedObject.failedToOpen(new FileNotFoundException("no d2"));
            }
            if (i == 5) {
              return PrefetchedObject.read(body(5), new IOException("reset after d5's bytes"));
            }
            return PrefetchedObject.read(body(i), null);
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          } finally {
            inFlight.decrementAndGet();
            if (d.getDocId().equals("d3")) {
              thirdRead.countDown();
            }
          }
        };
    List<String> seen = new ArrayList<>();
    Prefetcher units = new Prefetcher(docs.iterator(), 4, 4 * 8, fetch);
    while (units.hasNext()) {
      Prefetcher.Unit u = units.next();
      String id = u.doc().getDocId();
      assertThat(id).isEqualTo(docs.get(seen.size()).getDocId());
      if (id.equals("d7")) {
        assertThat(u.fetched()).isNull();
      } else if (id.equals("d2")) {
        assertThatThrownBy(u.fetched()::stored).hasMessage("no d2");
      } else if (id.equals("d5")) {
        InputStream in = u.fetched().stored();
        assertThat(in.readNBytes(body(5).length)).isEqualTo(body(5));
        assertThatThrownBy(in::read).hasMessage("reset after d5's bytes");
      } else {
        assertThat(read(u.fetched())).isEqualTo("doc " + id.substring(1) + "\n");
      }
      seen.add(id);
    }
    units.close();
    assertThat(units.awaitStopped(30)).isTrue();
    assertThat(seen).containsExactly("d0 d1 d2 d3 d4 d5 d6 d7 d8 d9 d10 d11".split(" "));
    assertThat(mostInFlight.get()).isBetween(2, 4);
  }

  @Test
  void onlySmallWholeObjectsOffDisk_areReadAhead() {
    Prefetcher p = new Prefetcher(List.<SourceDocument>of().iterator(), 4, 4 * 8, d -> null);
    assertThat(p.eligible(remote(1))).isTrue();
    assertThat(p.eligible(new SourceDocument("big", "s3a://b/big", 9, 0, List.of()))).isFalse();
    assertThat(p.eligible(new SourceDocument("b.bz2", "s3a://b/b.bz2", 8, 0, List.of()))).isFalse();
    assertThat(p.eligible(new SourceDocument("l", "file:/tmp/l", 8, 0, List.of()))).isFalse();
    assertThat(p.eligible(remote(1).slice(1, 2, 4, 8))).isFalse();
    assertThat(new Prefetcher(List.of(remote(1)).iterator(), 0, 64, d -> null).eligible(remote(1)))
        .isFalse();
  }

  @Test
  void close_midTask_endsReadsInFlight_andItsThreads() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    CountDownLatch never = new CountDownLatch(1);
    Function<SourceDocument, PrefetchedObject> fetch =
        d -> {
          started.countDown();
          try {
            never.await();
          } catch (InterruptedException e) {
            return PrefetchedObject.failedToOpen(new IOException("interrupted"));
          }
          return PrefetchedObject.read(body(0), null);
        };
    Prefetcher units = new Prefetcher(List.of(remote(0), remote(1)).iterator(), 2, 16, fetch);
    assertThat(units.hasNext()).isTrue();
    started.await();
    units.close();
    assertThat(units.awaitStopped(30)).isTrue();
    assertThat(units.hasNext()).isFalse();
  }

  /** The same unit read from the store and from its bytes read ahead: the same summary. */
  private DocumentSummary[] bothWays(SourceDocument doc) {
    Configuration conf = new Configuration();
    List<String> direct = new ArrayList<>();
    List<String> ahead = new ArrayList<>();
    DocumentSummary fromStore = ReadUnits.readThrough(doc, conf, 64, p -> direct.add(text(p)));
    DocumentSummary fromAhead =
        ReadUnits.readThrough(
            doc,
            PrefetchedObject.fetch(doc.getUri(), doc.getSize(), conf),
            conf,
            64,
            p -> ahead.add(text(p)));
    assertThat(ahead).isEqualTo(direct);
    return new DocumentSummary[] {fromStore, fromAhead};
  }

  private static String text(Paragraph p) {
    return new String(p.textBytes(), StandardCharsets.UTF_8);
  }

  private SourceDocument file(String name, byte[] body, long listedSize) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, body);
    return new SourceDocument(name, f.toUri().toString(), listedSize, 0, List.of());
  }

  @Test
  void aUnitReadFromItsBytesReadAhead_isFoundExactlyAsFromTheStore() throws IOException {
    byte[] text = "one\n\ntwo\r\n\r\nthree".getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(gz)) {
      out.write(text);
    }
    byte[] tooLong = new byte[100];
    java.util.Arrays.fill(tooLong, (byte) 'x');
    List<SourceDocument> docs =
        List.of(
            file("plain.txt", text, text.length),
            file("grew.txt", text, text.length - 3), // changed since listing: longer
            file("shrank.txt", text, text.length + 3),
            file("d.gz", gz.toByteArray(), gz.size()),
            file("bad.gz", text, text.length), // not gzip: unreadable
            file("long.txt", tooLong, tooLong.length), // a paragraph above 64 bytes
            new SourceDocument(
                "gone.txt", dir.resolve("gone.txt").toUri().toString(), 5, 0, List.of()));
    for (SourceDocument d : docs) {
      DocumentSummary[] s = bothWays(d);
      assertThat(s[1].sameFindings(s[0])).as(d.getDocId()).isTrue();
      assertThat(s[1].getReasonDetail()).as(d.getDocId()).isEqualTo(s[0].getReasonDetail());
      assertThat(s[1].getBytesRead()).as(d.getDocId()).isEqualTo(s[0].getBytesRead());
    }
    assertThat(bothWays(docs.get(0))[1].ok()).isTrue();
    assertThat(bothWays(docs.get(1))[1].getReasonDetail()).contains("read 17");
    assertThat(bothWays(docs.get(6))[1].getReason()).isEqualTo("unreadable");
  }

  @Test
  void aReadErrorMidObject_isTheUnitsRejection_atTheOffsetItStopped() {
    byte[] text = "one\n\ntwo".getBytes(StandardCharsets.UTF_8);
    SourceDocument doc = remote(1);
    DocumentSummary s =
        ReadUnits.readThrough(
            doc,
            PrefetchedObject.read(text, new IOException("connection reset")),
            new Configuration(),
            64,
            p -> {});
    assertThat(s.getReason()).isEqualTo("unreadable");
    assertThat(s.getReasonOffset()).isEqualTo(text.length);
    assertThat(s.getReasonDetail()).contains("connection reset");
    assertThat(s.getDocId()).isEqualTo("d1");
  }
}
