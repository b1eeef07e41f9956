package dev.baton.clock;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads an HTTP {@code Date} header ({@code Tue, 15 Nov 1994 08:12:31 GMT}, RFC 9110's IMF-fixdate, which is RFC
 * 1123's form). The API server (Go's net/http) always sends this form; the two obsolete forms HTTP still allows
 * (RFC 850, asctime) are not read: an answer carrying one is simply not used for measuring.
 */
final class HttpDate {

    private HttpDate() {
    }

    /** The instant named by {@code header}; empty when missing or not a date, never an exception. */
    static Optional<Instant> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(DateTimeFormatter.RFC_1123_DATE_TIME.parse(header.trim(), Instant::from));
        } catch (DateTimeParseException | ArithmeticException e) {
            return Optional.empty();
        }
    }
}
