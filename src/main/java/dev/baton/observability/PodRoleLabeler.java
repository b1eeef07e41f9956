package dev.baton.observability;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.baton.LeadershipLost;
import dev.baton.Term;
import dev.baton.election.ElectionObserver;
import dev.baton.election.LeaderElector;
import dev.baton.runtime.Elections;
import dev.baton.threads.DaemonThreads;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;

/**
 * Keeps this replica's own pod labelled {@code role=leader} or {@code role=standby} for the service-wide Lease, so
 * that {@code kubectl get pods -L role} shows the seed's ROLE column and a Service can select the leader.
 * <p>
 * <b>Only in a build with the {@value #BUILD_PROFILE} profile</b> ({@code ./mvnw package
 * -Dquarkus.profile=pod-role-label}). Labelling needs {@code get} and {@code patch} on pods, which RBAC cannot limit
 * to one pod (pod names are generated): a replica that can label its own pod can replace the image of any pod in
 * the namespace. The default build therefore has no such bean, and its generated Role no pods rule; the same build
 * profile adds both, so the code and the manifests never disagree (a runtime switch could not change the Role).
 * <p>
 * The pod is {@code POD_NAME} in {@code POD_NAMESPACE} (the downward API; config keys {@code pod.name},
 * {@code pod.namespace}). Labelling is a JSON merge patch sent from its own thread, never the elector's, and it
 * reads the role when it runs, so a burst of changes ends with the last one. A failure is logged once and retried
 * every lease duration; it never touches the election. Skipped on the embedded store, without {@code POD_NAME},
 * and when election is disabled.
 * <p>
 * A leader cut off from the API server cannot relabel itself when it steps down: its label says {@code leader}
 * until it reaches the API again (its readiness and term have ended by then).
 */
@Singleton
@IfBuildProfile(PodRoleLabeler.BUILD_PROFILE)
public class PodRoleLabeler implements ElectionObserver {

    /** The build profile that builds this labeller and grants its pods rule (application.properties). */
    public static final String BUILD_PROFILE = "pod-role-label";

    /** The label's key, as in the seed's {@code kubectl get pods -L role}. */
    public static final String LABEL = "role";

    private static final Logger LOG = Logger.getLogger(PodRoleLabeler.class);

    private final Elections elections;
    private final Instance<KubernetesClient> kubernetes;
    private final Optional<String> podName;
    private final Optional<String> podNamespace;
    private final ScheduledExecutorService worker =
            Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("baton-pod-label"));
    private volatile boolean active;
    // Owned by the worker thread.
    private String applied;
    private boolean failing;

    PodRoleLabeler(Elections elections, Instance<KubernetesClient> kubernetes,
            @ConfigProperty(name = "pod.name") Optional<String> podName,
            @ConfigProperty(name = "pod.namespace") Optional<String> podNamespace) {
        this.elections = elections;
        this.kubernetes = kubernetes;
        this.podName = podName.filter(s -> !s.isBlank());
        this.podNamespace = podNamespace.filter(s -> !s.isBlank());
    }

    /** After the elections have started (a later priority), label the pod with its role at that moment. */
    void onStart(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 100) StartupEvent event) {
        if (!elections.enabled() || elections.store().embedded()) {
            return;
        }
        if (podName.isEmpty()) {
            LOG.infof("POD_NAME is not set: the pod's '%s' label is not maintained (declare POD_NAME from the "
                    + "downward API to see roles with kubectl get pods -L %s)", LABEL, LABEL);
            return;
        }
        active = true;
        relabel();
    }

    @Override
    public void leadershipAcquired(Term term) {
        if (elections.isServiceLease(term.lease())) {
            relabel();
        }
    }

    @Override
    public void leadershipLost(LeadershipLost event) {
        if (elections.isServiceLease(event.lease())) {
            relabel();
        }
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }

    private void relabel() {
        if (!active) {
            return;
        }
        try {
            worker.execute(this::apply);
        } catch (RuntimeException e) {
            // shutting down
        }
    }

    private void apply() {
        String role = currentRole();
        if (role.equals(applied)) {
            return;
        }
        String namespace = podNamespace.orElseGet(() -> elections.store().namespace());
        String pod = podName.orElseThrow();
        try {
            kubernetes.get().pods().inNamespace(namespace).withName(pod)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), rolePatch(role));
            applied = role;
            if (failing) {
                failing = false;
                LOG.infof("Pod %s/%s is labelled %s=%s again", namespace, pod, LABEL, role);
            } else {
                LOG.debugf("Pod %s/%s labelled %s=%s", namespace, pod, LABEL, role);
            }
        } catch (RuntimeException e) {
            if (!failing) {
                failing = true;
                LOG.warnf("Cannot label pod %s/%s with %s=%s (%s); the election is not affected, retrying every %s",
                        namespace, pod, LABEL, role, why(e), elections.settings().leaseDuration());
            }
            worker.schedule(this::apply, elections.settings().leaseDuration().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The JSON merge patch that sets the label: nothing else of the pod is touched, which the optional admission
     * policy (src/main/kubernetes/pod-role-label/admission-policy.yml) also enforces.
     */
    public static String rolePatch(String role) {
        return "{\"metadata\":{\"labels\":{\"" + LABEL + "\":\"" + role + "\"}}}";
    }

    private String currentRole() {
        boolean leader = elections.existing(elections.settings().leaseName()).map(LeaderElector::isLeader)
                .orElse(false);
        return leader ? "leader" : "standby";
    }

    private static String why(RuntimeException e) {
        if (e instanceof KubernetesClientException k) {
            return switch (k.getCode()) {
                // RBAC (the Role of a default build has no pods rule) or the optional admission policy.
                case 403 -> "403 forbidden: " + (k.getStatus() == null ? k.getMessage() : k.getStatus().getMessage())
                        + "; the ServiceAccount needs verbs 'get' and 'patch' on resource 'pods', which only the "
                        + BUILD_PROFILE + " build's Role grants";
                case 404 -> "404: no such pod; is POD_NAME the pod's own name?";
                default -> k.getCode() + " " + k.getMessage();
            };
        }
        return e.toString();
    }
}
