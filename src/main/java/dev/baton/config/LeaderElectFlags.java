package dev.baton.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates the seed's container arguments into Baton's configuration keys, so the manifests of
 * {@code leader-election-native.yaml} and {@code leader-election-deployment.yaml} work verbatim.
 * <p>
 * Quarkus reads no program arguments as configuration, hence this small hand-written parser: it runs in
 * {@code dev.baton.runtime.BatonMain} before Quarkus builds its configuration and sets the result as system properties.
 * <ul>
 * <li>controller flags: {@code --leader-elect}, {@code --leader-election-id}, {@code --leader-election-namespace},
 * {@code --leader-election-lease-duration}, {@code --leader-election-renew-deadline},
 * {@code --leader-election-retry-period} (Go durations such as {@code 15s}, {@code 1m30s}, {@code 500ms});</li>
 * <li>sidecar flags of {@code registry.k8s.io/leader-elector}: {@code --election}, {@code --election-namespace},
 * {@code --id}, {@code --http=host:port}; {@code --election} switches the process to sidecar mode.</li>
 * </ul>
 * An unknown flag in either family, or a value that cannot be read, fails start-up naming the flag.
 */
public final class LeaderElectFlags {

    private LeaderElectFlags() {
    }

    /** Thrown for a flag Baton cannot honour; the message names the flag. */
    public static final class InvalidFlagException extends IllegalArgumentException {
        InvalidFlagException(String message) {
            super(message);
        }
    }

    /**
     * Returns the configuration properties the given arguments stand for, in order. Arguments outside the two
     * families are ignored (they may be meant for Quarkus itself).
     */
    public static Map<String, String> toProperties(String... args) {
        Map<String, String> props = new LinkedHashMap<>();
        for (String arg : args) {
            if (!arg.startsWith("--leader-elect") && !arg.startsWith("--election") && !arg.startsWith("--id")
                    && !arg.startsWith("--http")) {
                continue;
            }
            int eq = arg.indexOf('=');
            String flag = eq < 0 ? arg : arg.substring(0, eq);
            String value = eq < 0 ? null : arg.substring(eq + 1);
            switch (flag) {
                case "--leader-elect" -> props.put("baton.enabled", bool(flag, value));
                case "--leader-election-id", "--election" -> props.put("baton.lease-name", required(flag, value));
                case "--leader-election-namespace", "--election-namespace" ->
                    props.put("baton.namespace", required(flag, value));
                case "--leader-election-lease-duration" -> props.put("baton.lease-duration", duration(flag, value));
                case "--leader-election-renew-deadline" -> props.put("baton.renew-deadline", duration(flag, value));
                case "--leader-election-retry-period" -> props.put("baton.retry-period", duration(flag, value));
                case "--id" -> props.put("baton.identity", required(flag, value));
                case "--http" -> {
                    String address = required(flag, value);
                    int colon = address.lastIndexOf(':');
                    if (colon < 0) {
                        throw new InvalidFlagException(flag + "=" + address + ": expected host:port, e.g. 0.0.0.0:4040");
                    }
                    String host = address.substring(0, colon);
                    props.put("quarkus.http.host", host.isEmpty() ? "0.0.0.0" : host);
                    props.put("quarkus.http.port", port(flag, address.substring(colon + 1)));
                }
                default -> throw new InvalidFlagException("Unknown flag " + flag + "; Baton understands "
                        + "--leader-elect, --leader-election-id, --leader-election-namespace, "
                        + "--leader-election-lease-duration, --leader-election-renew-deadline, "
                        + "--leader-election-retry-period, and the sidecar's --election, --election-namespace, --id, --http");
            }
            if (flag.equals("--election")) {
                props.put("baton.mode", "sidecar");
            }
        }
        return props;
    }

    /** The arguments that are not Baton's, for whatever else reads them. */
    public static String[] remaining(String... args) {
        List<String> rest = new ArrayList<>();
        for (String arg : args) {
            if (!(arg.startsWith("--leader-elect") || arg.startsWith("--election") || arg.startsWith("--id")
                    || arg.startsWith("--http"))) {
                rest.add(arg);
            }
        }
        return rest.toArray(String[]::new);
    }

    private static String required(String flag, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidFlagException(flag + " needs a value, as " + flag + "=VALUE");
        }
        // $(POD_NAMESPACE) is expanded by the kubelet; left unexpanded it means the env var was not declared.
        if (value.startsWith("$(")) {
            throw new InvalidFlagException(flag + "=" + value + ": the variable was not expanded; declare it in the "
                    + "container's env (e.g. POD_NAMESPACE from the downward API)");
        }
        return value;
    }

    private static String bool(String flag, String value) {
        if (value == null || value.equalsIgnoreCase("true")) {
            return "true";
        }
        if (value.equalsIgnoreCase("false")) {
            return "false";
        }
        throw new InvalidFlagException(flag + "=" + value + ": expected true or false");
    }

    private static String port(String flag, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidFlagException(flag + ": port '" + value + "' is not a number from 0 to 65535");
        }
    }

    /** Converts a Go duration ({@code 15s}, {@code 1m30s}, {@code 250ms}, {@code 1h}) to ISO-8601 for Quarkus. */
    static String duration(String flag, String value) {
        String text = required(flag, value);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|h|m|s)").matcher(text);
        long millis = 0;
        int end = 0;
        while (m.find() && m.start() == end) {
            double amount = Double.parseDouble(m.group(1));
            millis += (long) (amount * switch (m.group(2)) {
                case "h" -> 3_600_000;
                case "m" -> 60_000;
                case "s" -> 1_000;
                default -> 1;
            });
            end = m.end();
        }
        if (end == 0 || end != text.length()) {
            throw new InvalidFlagException(flag + "=" + text + ": not a duration; use Go's form, e.g. 15s, 1m30s, 500ms");
        }
        return "PT" + (millis / 1000) + "." + String.format("%03d", millis % 1000) + "S";
    }
}
