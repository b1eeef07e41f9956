package dev.baton.config;

import jakarta.inject.Singleton;

import io.fabric8.kubernetes.client.Config;
import io.quarkus.kubernetes.client.KubernetesConfigCustomizer;

/**
 * Applies {@code baton.api-request-timeout} to the Kubernetes client at run time. Quarkus builds the client's
 * timeouts into the application; the renew deadline is chosen per deployment, and a request timeout longer than it
 * turns one slow answer into a lost term, so operators must be able to set both together.
 */
@Singleton
public class ApiRequestTimeout implements KubernetesConfigCustomizer {

    private final BatonConfig config;

    ApiRequestTimeout(BatonConfig config) {
        this.config = config;
    }

    @Override
    public void customize(Config client) {
        config.apiRequestTimeout().ifPresent(timeout -> client.setRequestTimeout((int) timeout.toMillis()));
    }
}
