package dev.baton.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** The proxy's count of open watches, which the SCALE benchmark reports per replica. */
class CutProxyTest {

    @Test
    void countsConnectionsBusyWithAWatchWhileTheyStayOpen() throws Exception {
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                CutProxy proxy = new CutProxy("test", upstream.getLocalPort())) {
            Thread accept = new Thread(() -> {
                try {
                    while (true) {
                        upstream.accept(); // held open, silent: the proxy only needs the other end to exist
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            accept.setDaemon(true);
            accept.start();

            Socket watch = send(proxy, "GET /apis/coordination.k8s.io/v1/namespaces/n/leases?watch=true HTTP/1.1");
            Socket plain = send(proxy, "GET /apis/coordination.k8s.io/v1/namespaces/n/leases/x HTTP/1.1");
            Socket both = send(proxy, "GET /apis/coordination.k8s.io/v1/namespaces/n/leases?watch=1 HTTP/1.1");
            awaitRequests(proxy, 3);
            assertEquals(2, proxy.openWatches());

            // A connection that was watching and went on to a plain request is no longer busy with the watch.
            write(both, "GET /apis/coordination.k8s.io/v1/namespaces/n/leases/y HTTP/1.1");
            awaitRequests(proxy, 4);
            assertEquals(1, proxy.openWatches());

            watch.close();
            Group.poll(Duration.ofSeconds(5), () -> proxy.openWatches() == 0);
            assertEquals(0, proxy.openWatches());
            plain.close();
            both.close();
        }
    }

    private static Socket send(CutProxy proxy, String requestLine) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        write(s, requestLine);
        return s;
    }

    private static void write(Socket s, String requestLine) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write((requestLine + "\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static void awaitRequests(CutProxy proxy, int n) {
        Group.await(Duration.ofSeconds(5), () -> proxy.requests().size() >= n, n + " requests through the proxy");
    }
}
