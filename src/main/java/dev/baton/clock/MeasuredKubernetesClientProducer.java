package dev.baton.clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The application's Kubernetes client: Quarkus's, plus the {@link ClusterClock}'s interceptor on its HTTP client.
 * <p>
 * Why a producer: in Quarkus 3.33 the extension offers {@code KubernetesConfigCustomizer} (the fabric8
 * {@code Config}, which has no place for interceptors) and documents that the application may override the
 * {@code KubernetesClient} bean it otherwise produces (a default bean). So this builds the client exactly as the
 * extension does, from the extension's own {@code Config} (with every customizer applied, e.g.
 * {@code baton.api-request-timeout}) and {@code KubernetesSerialization} beans, and adds one interceptor through
 * fabric8's public {@code withHttpClientBuilderConsumer}. The calls that use the client are untouched.
 */
@Singleton
public class MeasuredKubernetesClientProducer {

    /** Application scoped like the extension's: created on first use, so the embedded store never builds one. */
    @Produces
    @ApplicationScoped
    KubernetesClient kubernetesClient(Config config, KubernetesSerialization serialization, ClusterClock clock) {
        return new KubernetesClientBuilder()
                .withKubernetesSerialization(serialization)
                .withConfig(config)
                .withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor("baton-cluster-clock",
                        clock.interceptor()))
                .build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }
}
