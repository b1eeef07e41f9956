package dev.baton.bench;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads one client-to-server byte stream as HTTP/1.1 and records each request line. Bodies are skipped by
 * {@code Content-Length} or chunked encoding; after a request asking for an {@code Upgrade} (a watch over a
 * WebSocket) the rest of the stream is frames, not requests, and is no longer parsed.
 */
final class HttpRequestCounter {

    /**
     * One request seen by a proxy.
     *
     * @param bytes the length of its body (0 for none), as sent: the API cost benchmark sums them
     */
    record Request(long at, String method, String target, long bytes) {

        Request(long at, String method, String target) {
            this(at, method, target, 0);
        }

        boolean isWrite() {
            return method.equals("PUT") || method.equals("PATCH") || method.equals("POST") || method.equals("DELETE");
        }

        boolean isWatch() {
            return target.contains("watch=true") || target.contains("watch=1");
        }
    }

    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, TRAILER, OPAQUE }

    private final List<Request> sink;
    private final StringBuilder line = new StringBuilder();
    private State state = State.HEAD;
    private long remaining;
    private String requestLine;
    private long contentLength;
    private boolean chunked;
    private boolean upgrade;
    /** A chunked request's line and start, recorded once its last chunk is read (its size known then). */
    private String[] chunkedParts;
    private long chunkedAt;
    private long chunkedBytes;
    private volatile Request last;

    HttpRequestCounter(List<Request> sink) {
        this.sink = sink;
    }

    static List<Request> newLog() {
        return new CopyOnWriteArrayList<>();
    }

    /**
     * The latest request on this connection, or null before the first. A connection whose latest request is a watch
     * is busy with it while it stays open: HTTP/1.1 answers a watch with a stream that lasts as long as the watch, and
     * a WebSocket watch turns the whole connection into it.
     */
    Request last() {
        return last;
    }

    void feed(byte[] buf, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            switch (state) {
                case OPAQUE -> {
                    return;
                }
                case BODY, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        state = state == State.BODY ? State.HEAD : State.CHUNK_SIZE;
                    }
                }
                default -> {
                    char c = (char) (buf[i++] & 0xff);
                    if (c == '\n') {
                        onLine(stripCr(line));
                        line.setLength(0);
                    } else {
                        line.append(c);
                    }
                }
            }
        }
    }

    private void onLine(String l) {
        switch (state) {
            case HEAD -> {
                if (requestLine == null) {
                    if (!l.isEmpty()) {
                        requestLine = l;
                    }
                    return;
                }
                if (!l.isEmpty()) {
                    header(l);
                    return;
                }
                String[] parts = requestLine.split(" ");
                if (chunked && !upgrade) {
                    chunkedParts = parts;
                    chunkedAt = System.currentTimeMillis();
                    chunkedBytes = 0;
                } else {
                    last = new Request(System.currentTimeMillis(), parts[0], parts.length > 1 ? parts[1] : "",
                            contentLength);
                    sink.add(last);
                }
                if (upgrade) {
                    state = State.OPAQUE;
                } else if (chunked) {
                    state = State.CHUNK_SIZE;
                } else if (contentLength > 0) {
                    remaining = contentLength;
                    state = State.BODY;
                }
                requestLine = null;
                contentLength = 0;
                chunked = false;
                upgrade = false;
            }
            case CHUNK_SIZE -> {
                if (l.isEmpty()) {
                    return;
                }
                String hex = l.split(";")[0].trim();
                remaining = Long.parseLong(hex, 16);
                chunkedBytes += remaining;
                // Each chunk's data is followed by CRLF, read as an empty line in CHUNK_SIZE.
                state = remaining == 0 ? State.TRAILER : State.CHUNK_DATA;
            }
            case TRAILER -> {
                if (l.isEmpty()) {
                    state = State.HEAD;
                    last = new Request(chunkedAt, chunkedParts[0], chunkedParts.length > 1 ? chunkedParts[1] : "",
                            chunkedBytes);
                    sink.add(last);
                }
            }
            default -> {
            }
        }
    }

    private void header(String l) {
        int colon = l.indexOf(':');
        if (colon < 0) {
            return;
        }
        String name = l.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = l.substring(colon + 1).trim();
        switch (name) {
            case "content-length" -> contentLength = Long.parseLong(value);
            case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
            case "upgrade" -> upgrade = true;
            default -> {
            }
        }
    }

    private static String stripCr(StringBuilder sb) {
        int n = sb.length();
        return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
    }
}
