package dev.procrastinate.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of PostgreSQL that can black-hole its traffic: while stalled, it accepts
 * connections and keeps every socket open but forwards no byte either way, as a network that drops
 * packets does (not one that refuses them: nothing fails, everything waits). When it resumes, what
 * it held flows on, as after a healed partition. One thread accepts; two threads pump each
 * connection.
 */
final class StallProxy implements AutoCloseable {
  private final String host;
  private final int targetPort;
  private final ServerSocket server;
  private final Object lock = new Object();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private boolean stalled;
  private volatile boolean closed;

  /**
   * Listens on a free port of 127.0.0.1 and forwards to the target.
   *
   * @param host the target host
   * @param targetPort the target port
   * @throws IOException if no port can be opened
   */
  StallProxy(String host, int targetPort) throws IOException {
    this.host = host;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    daemon(this::accept, "stall-proxy-accept").start();
  }

  /** Returns the port clients connect to. */
  int port() {
    return server.getLocalPort();
  }

  /** Stops forwarding: every byte in either direction waits until {@link #resume()}. */
  void stall() {
    synchronized (lock) {
      stalled = true;
    }
  }

  /** Forwards again, the held bytes first. */
  void resume() {
    synchronized (lock) {
      stalled = false;
      lock.notifyAll();
    }
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(host, targetPort);
        sockets.add(client);
        sockets.add(upstream);
        daemon(() -> pump(client, upstream), "stall-proxy-up").start();
        daemon(() -> pump(upstream, client), "stall-proxy-down").start();
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        synchronized (lock) {
          while (stalled && !closed) {
            lock.wait();
          }
        }
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // The other side closed, or the proxy did.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing anyway.
    }
  }

  /** Closes the listening socket and every connection. */
  @Override
  public void close() throws IOException {
    closed = true;
    resume();
    server.close();
    sockets.forEach(StallProxy::closeQuietly);
  }
}
