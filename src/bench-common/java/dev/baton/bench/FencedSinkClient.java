package dev.baton.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Writes one run's result to the harness's fenced sink: {@code POST <url>?replica=&epoch=&slot=}. The sink answers
 * 200 when it accepts and 409 when the epoch is older than the newest it has seen.
 */
public final class FencedSinkClient {

    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    public FencedSinkClient(String url) {
        this.url = url;
    }

    public SinkOutcome write(String replica, long epoch, long slot) {
        HttpRequest request = HttpRequest.newBuilder(
                URI.create(url + "?replica=" + replica + "&epoch=" + epoch + "&slot=" + slot))
                .timeout(Duration.ofSeconds(2))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 ? SinkOutcome.ACCEPTED : status == 409 ? SinkOutcome.REJECTED : SinkOutcome.NONE;
        } catch (IOException e) {
            return SinkOutcome.NONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SinkOutcome.NONE;
        }
    }
}
