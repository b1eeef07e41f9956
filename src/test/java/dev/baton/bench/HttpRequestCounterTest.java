package dev.baton.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class HttpRequestCounterTest {

    private final List<HttpRequestCounter.Request> seen = HttpRequestCounter.newLog();
    private final HttpRequestCounter counter = new HttpRequestCounter(seen);

    @Test
    void countsKeptAliveRequestsAndSkipsTheirBodiesEvenWhenSplitAcrossReads() {
        String body = "{\"kind\":\"Lease\",\"note\":\"GET /not/a/request HTTP/1.1\\r\\n\\r\\n\"}";
        String stream = "GET /apis/coordination.k8s.io/v1/namespaces/bench/leases/x HTTP/1.1\r\nHost: a\r\n\r\n"
                + "PUT /apis/coordination.k8s.io/v1/namespaces/bench/leases/x HTTP/1.1\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body
                + "POST /api/v1/namespaces/bench/events HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n3;ext=1\r\nGET\r\n0\r\n\r\n"
                + "GET /apis/coordination.k8s.io/v1/namespaces/bench/leases?watch=true HTTP/1.1\r\nUpgrade: websocket\r\n\r\n"
                + "GET /frames/after/the/upgrade HTTP/1.1\r\n\r\n";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += 7) {
            counter.feed(bytes, i, Math.min(7, bytes.length - i));
        }

        assertEquals(List.of("GET", "PUT", "POST", "GET"), seen.stream().map(HttpRequestCounter.Request::method).toList());
        assertEquals(2, seen.stream().filter(HttpRequestCounter.Request::isWrite).count());
        assertEquals(1, seen.stream().filter(HttpRequestCounter.Request::isWatch).count());
        // The body sizes the API cost benchmark sums: by Content-Length, and chunk by chunk.
        assertEquals(List.of(0L, (long) body.getBytes(StandardCharsets.UTF_8).length, 8L, 0L),
                seen.stream().map(HttpRequestCounter.Request::bytes).toList());
    }
}
