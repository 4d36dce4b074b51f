import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy that adds a fixed delay before each response: on every connection, the first
 * bytes the server sends after the client has sent something are held back {@code --delay-ms}
 * before they are passed on, as an object store's time to first byte would. Everything else is
 * passed on as it comes, in both directions. The bench's s3lat scenario puts it between paraglue
 * and S3Mock.
 *
 * <pre>java jobs/bench/DelayProxy.java --listen PORT --to HOST:PORT [--delay-ms 20]</pre>
 *
 * Prints "ready PORT" once it accepts connections; runs until killed. Each line read on standard
 * input is answered with what it counted since the last: {@code requests N connections C
 * max-in-flight M} (a request is in flight from its first bytes to its response's first bytes;
 * M is the most at once, how many requests the client really had waiting together).
 */
public final class DelayProxy {
  private static final AtomicInteger REQUESTS = new AtomicInteger();
  private static final AtomicInteger CONNECTIONS = new AtomicInteger();
  private static final AtomicInteger IN_FLIGHT = new AtomicInteger();
  private static final AtomicInteger MAX_IN_FLIGHT = new AtomicInteger();

  public static void main(String[] args) throws IOException {
    int listen = 0;
    String to = null;
    long delayMs = 20;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--listen" -> listen = Integer.parseInt(args[i + 1]);
        case "--to" -> to = args[i + 1];
        case "--delay-ms" -> delayMs = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("Cannot use option " + args[i] + ": unknown");
      }
    }
    if (to == null || !to.contains(":")) {
      throw new IllegalArgumentException("Cannot proxy: --to HOST:PORT is required");
    }
    long delay = delayMs;
    String host = to.substring(0, to.lastIndexOf(':'));
    int port = Integer.parseInt(to.substring(to.lastIndexOf(':') + 1));
    try (ServerSocket server = new ServerSocket(listen, 512, InetAddress.getLoopbackAddress())) {
      System.out.println("ready " + server.getLocalPort());
      System.out.flush();
      start(DelayProxy::answerStats);
      while (true) {
        Socket client = server.accept();
        CONNECTIONS.incrementAndGet();
        Socket upstream;
        try {
          upstream = new Socket(host, port);
        } catch (IOException e) {
          client.close();
          continue;
        }
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        AtomicBoolean requested = new AtomicBoolean();
        start(() -> pump(client, upstream, requested, -1));
        start(() -> pump(upstream, client, requested, delay));
      }
    }
  }

  /** Answers each line of standard input with the counts since the last, then resets them. */
  private static void answerStats() {
    try {
      InputStream in = System.in;
      for (int c = in.read(); c >= 0; c = in.read()) {
        if (c != '\n') {
          continue;
        }
        String stats =
            "requests "
                + REQUESTS.getAndSet(0)
                + " connections "
                + CONNECTIONS.getAndSet(0)
                + " max-in-flight "
                + MAX_IN_FLIGHT.getAndSet(IN_FLIGHT.get());
        System.out.write((stats + "\n").getBytes(StandardCharsets.UTF_8));
        System.out.flush();
      }
    } catch (IOException e) {
      // standard input closed: no one asks any more
    }
  }

  private static void start(Runnable r) {
    Thread t = new Thread(r);
    t.setDaemon(true);
    t.start();
  }

  /**
   * Copies {@code from} to {@code to}. The request direction ({@code delayMs < 0}) marks that a
   * request went out; the response direction waits {@code delayMs} before its first bytes after
   * each such mark.
   */
  private static void pump(Socket from, Socket to, AtomicBoolean requested, long delayMs) {
    byte[] buf = new byte[64 * 1024];
    try (from; to) {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        if (delayMs < 0) {
          // marked before it goes out, so that its response cannot come back unmarked
          if (!requested.getAndSet(true)) {
            REQUESTS.incrementAndGet();
            MAX_IN_FLIGHT.accumulateAndGet(IN_FLIGHT.incrementAndGet(), Math::max);
          }
          out.write(buf, 0, n);
          out.flush();
          continue;
        }
        boolean first = requested.getAndSet(false);
        if (first) {
          Thread.sleep(delayMs);
        }
        out.write(buf, 0, n);
        out.flush();
        if (first) {
          IN_FLIGHT.decrementAndGet();
        }
      }
    } catch (IOException e) {
      // one side closed: closing both ends the other pump
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (delayMs >= 0 && requested.getAndSet(false)) {
      IN_FLIGHT.decrementAndGet(); // closed before its response
    }
  }
}
