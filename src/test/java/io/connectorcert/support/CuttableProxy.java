package io.connectorcert.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy on loopback in front of one server, that a test can cut: every open connection is closed and new ones
 * are refused, as when a network partition separates one replica from the API server while it still reaches Graph.
 */
public final class CuttableProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final InetSocketAddress target;
  private final AtomicBoolean cut = new AtomicBoolean();
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  public CuttableProxy(int targetPort) {
    try {
      this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a proxy port", e);
    }
    var acceptor = new Thread(this::accept, "proxy-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** From now on nothing passes: open connections are closed, new ones are closed at once. */
  public void cut() {
    cut.set(true);
    open.forEach(CuttableProxy::closeQuietly);
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        var client = listener.accept();
        if (cut.get()) {
          closeQuietly(client);
          continue;
        }
        var server = new Socket(target.getAddress(), target.getPort());
        open.add(client);
        open.add(server);
        pump(client, server);
        pump(server, client);
      } catch (IOException e) {
        // listener closed, or the target refused: the client sees a closed connection
      }
    }
  }

  private void pump(Socket from, Socket to) {
    var thread = new Thread(() -> {
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        in.transferTo(out);
      } catch (IOException e) {
        // one side went away
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    }, "proxy-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() {
    cut();
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
