package dev.paraglue.pipeline;

import dev.paraglue.source.PrefetchedObject;
import dev.paraglue.source.SourceDocument;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A task's read units in their order, the small ones' bytes read ahead: up to {@code depth} units
 * are queued, their reads in flight on daemon threads of the task's own. Only a unit {@link
 * #eligible} is read ahead, one of at most {@code budgetBytes / depth} bytes, so the queue holds at
 * most {@code budgetBytes} (and the unit handed out its share); any other is handed out as it
 * comes, for its reader to open at its turn as before. Whatever a read finds, the error of an
 * object that cannot be read included, travels with its unit ({@link PrefetchedObject}); the task
 * thread meets it at that unit's turn. {@link #close} stops the threads and closes what was read
 * and not handed out.
 */
final class Prefetcher implements Iterator<Prefetcher.Unit>, AutoCloseable {
  /** A unit and, when it was read ahead, its stored bytes (else null). */
  record Unit(SourceDocument doc, PrefetchedObject fetched) {}

  private record Pending(SourceDocument doc, Future<PrefetchedObject> fetched) {}

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Iterator<SourceDocument> docs;
  private final int depth;
  private final long budgetBytes;
  private final Function<SourceDocument, PrefetchedObject> fetch;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private final Set<PrefetchedObject> unclaimed =
      Collections.newSetFromMap(new IdentityHashMap<>());
  private ThreadPoolExecutor pool;
  private volatile boolean closed;

  Prefetcher(
      Iterator<SourceDocument> docs,
      int depth,
      long budgetBytes,
      Function<SourceDocument, PrefetchedObject> fetch) {
    this.docs = docs;
    this.depth = depth;
    this.budgetBytes = budgetBytes;
    this.fetch = fetch;
  }

  /**
   * Whether a unit is read ahead: a whole document, not bzip2 (read block by block), not on local
   * disk (opening costs nothing there), and no larger than an equal share of the budget.
   */
  boolean eligible(SourceDocument d) {
    return depth > 0
        && !d.ranged()
        && !d.getUri().endsWith(".bz2")
        && !d.getUri().startsWith("file:")
        && d.getSize() <= budgetBytes / depth;
  }

  @Override
  public boolean hasNext() {
    fill();
    return !queue.isEmpty();
  }

  @Override
  public Unit next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Pending p = queue.poll();
    if (p.fetched() == null) {
      return new Unit(p.doc(), null);
    }
    PrefetchedObject o = await(p);
    synchronized (unclaimed) {
      unclaimed.remove(o);
    }
    fill();
    return new Unit(p.doc(), o);
  }

  /** Queues units, starting the reads of those eligible, until {@code depth} are queued. */
  private void fill() {
    while (!closed && queue.size() < Math.max(1, depth) && docs.hasNext()) {
      SourceDocument d = docs.next();
      queue.add(new Pending(d, eligible(d) ? pool().submit(() -> fetched(d)) : null));
    }
  }

  private PrefetchedObject fetched(SourceDocument d) {
    PrefetchedObject o = fetch.apply(d);
    synchronized (unclaimed) {
      if (closed) {
        o.close();
      } else {
        unclaimed.add(o);
      }
    }
    return o;
  }

  private static PrefetchedObject await(Pending p) {
    try {
      return p.fetched().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Cannot read " + p.doc().getUri() + ": interrupted while it was read ahead", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(
          "Cannot read " + p.doc().getUri() + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  private ThreadPoolExecutor pool() {
    if (pool == null) {
      pool =
          new ThreadPoolExecutor(
              depth,
              depth,
              30, // a slow store leaves threads idle between reads: keep them, close() ends them
              TimeUnit.SECONDS,
              new LinkedBlockingQueue<>(),
              r -> {
                Thread t = new Thread(r, "paraglue-read-ahead-" + THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
              });
      pool.allowCoreThreadTimeOut(true);
    }
    return pool;
  }

  /** Waits until every thread that read for this task has ended; false if one is still alive. */
  boolean awaitStopped(long seconds) throws InterruptedException {
    return pool == null || pool.awaitTermination(seconds, TimeUnit.SECONDS);
  }

  /** Stops reading ahead: interrupts reads in flight and closes what was read and not taken. */
  @Override
  public void close() {
    synchronized (unclaimed) {
      closed = true;
      unclaimed.forEach(PrefetchedObject::close);
      unclaimed.clear();
    }
    if (pool != null) {
      pool.shutdownNow();
    }
    queue.clear();
  }
}
