package dev.baton.config;

import java.time.Duration;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;

/**
 * Applies {@code baton.api-request-timeout} to the Kubernetes client at run time. Quarkus builds the client's
 * timeouts into the application; the renew deadline is chosen per deployment, and a request timeout longer than it
 * turns one slow answer into a lost term, so operators must be able to set both together.
 */
@Singleton
public class ApiRequestTimeout implements KubernetesConfigCustomizer {

    private static final Duration FABRIC8_DEFAULT = Duration.ofSeconds(10);

    private final BatonConfig config;

    ApiRequestTimeout(BatonConfig config) {
        this.config = config;
    }

    /**
     * The timeout the client uses for one request: {@code baton.api-request-timeout}, else
     * {@code quarkus.kubernetes-client.request-timeout}, else fabric8's default (10 s). Everything that budgets for
     * API calls (the deadline warning, job record writes, the liveness threshold) reads it here.
     */
    public static Duration of(BatonConfig config) {
        return config.apiRequestTimeout()
                .or(() -> ConfigProvider.getConfig()
                        .getOptionalValue("quarkus.kubernetes-client.request-timeout", Duration.class))
                .orElse(FABRIC8_DEFAULT);
    }

    @Override
    public void customize(Config client) {
        config.apiRequestTimeout().ifPresent(timeout -> client.setRequestTimeout((int) timeout.toMillis()));
    }
}
