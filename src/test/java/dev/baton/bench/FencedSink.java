package dev.baton.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A store that fences: it accepts a write only if its epoch is not older than the newest epoch it has accepted,
 * as a database guarded by a fencing token would. Loopback HTTP: {@code POST /write?replica=&epoch=&slot=} answers
 * 200 (accepted) or 409 (stale). It keeps every write it was sent, for the analysis.
 */
final class FencedSink implements AutoCloseable {

    /** One write as the sink saw it. */
    record Write(long at, String replica, long epoch, long slot, boolean accepted) {
    }

    private final HttpServer server;
    private final List<Write> writes = new CopyOnWriteArrayList<>();
    private long newestEpoch = Long.MIN_VALUE;

    FencedSink() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/write", this::write);
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "fenced-sink");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/write";
    }

    List<Write> writes() {
        return List.copyOf(writes);
    }

    private void write(HttpExchange exchange) throws IOException {
        Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
        long epoch = Long.parseLong(q.getOrDefault("epoch", "0"));
        boolean accepted;
        synchronized (this) {
            accepted = epoch >= newestEpoch;
            if (accepted) {
                newestEpoch = epoch;
            }
            writes.add(new Write(System.currentTimeMillis(), q.get("replica"), epoch,
                    Long.parseLong(q.getOrDefault("slot", "0")), accepted));
        }
        exchange.sendResponseHeaders(accepted ? 200 : 409, -1);
        exchange.close();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    q.put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        return q;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
