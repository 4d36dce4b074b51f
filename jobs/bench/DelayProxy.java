import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A loopback TCP proxy that adds a fixed delay before each response: on every connection, the first
 * bytes the server sends after the client has sent something are held back {@code --delay-ms}
 * before they are passed on, as an object store's time to first byte would. Everything else is
 * passed on as it comes, in both directions. The bench's s3lat scenario puts it between paraglue
 * and S3Mock.
 *
 * <pre>java jobs/bench/DelayProxy.java --listen PORT --to HOST:PORT [--delay-ms 20]</pre>
 *
 * Prints "ready PORT" once it accepts connections; runs until killed.
 */
public final class DelayProxy {
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
      while (true) {
        Socket client = server.accept();
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
          out.write(buf, 0, n);
          out.flush();
          requested.set(true);
          continue;
        }
        if (requested.getAndSet(false)) {
          Thread.sleep(delayMs);
        }
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side closed: closing both ends the other pump
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
