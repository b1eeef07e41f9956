package dev.baton.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy between one replica and the API server. It counts the replica's HTTP requests and can cut
 * the replica off: while cut, bytes in both directions are dropped and new connections are accepted but never
 * reach the server (a partition, not a refusal: the client waits for its timeouts). Healing closes every
 * connection that lived through the cut, so the client reconnects, as after a real partition whose TCP sessions
 * died.
 */
final class CutProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final List<HttpRequestCounter.Request> requests = HttpRequestCounter.newLog();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** The request reader of each open client connection, by its socket (for {@link #openWatches()}). */
    private final Map<Socket, HttpRequestCounter> connections = new ConcurrentHashMap<>();
    private volatile boolean cut;
    private volatile boolean closed;

    CutProxy(String name, int upstreamPort) throws IOException {
        this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::acceptLoop, "cut-proxy-" + name);
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Every request seen so far, in order. */
    List<HttpRequestCounter.Request> requests() {
        return requests;
    }

    /** Watches open now: client connections still open whose latest request was a watch. */
    int openWatches() {
        int n = 0;
        for (HttpRequestCounter c : connections.values()) {
            HttpRequestCounter.Request last = c.last();
            if (last != null && last.isWatch()) {
                n++;
            }
        }
        return n;
    }

    void cut() {
        cut = true;
    }

    void heal() {
        cut = false;
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                open.add(client);
                if (cut) {
                    // Held open and silent until healed.
                    pump(client.getInputStream(), OutputStream.nullOutputStream(), null, client, null);
                    continue;
                }
                Socket server = new Socket();
                server.connect(upstream, 2000);
                open.add(server);
                HttpRequestCounter counter = new HttpRequestCounter(requests);
                connections.put(client, counter);
                pump(client.getInputStream(), server.getOutputStream(), counter, client, server);
                pump(server.getInputStream(), client.getOutputStream(), null, server, client);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pump(InputStream in, OutputStream out, HttpRequestCounter counter, Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (cut) {
                        continue;
                    }
                    if (counter != null) {
                        counter.feed(buf, 0, n);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException | RuntimeException e) {
                // The other side closed, or heal() did.
            } finally {
                closeQuietly(from);
                if (to != null) {
                    closeQuietly(to);
                }
            }
        }, "cut-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        connections.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // already closed
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
    }
}
