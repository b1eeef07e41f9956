package dev.baton.store;

import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Leases in the Kubernetes API ({@code coordination.k8s.io/v1}) through fabric8's client.
 * <p>
 * Writes are a conditional PUT ({@code update}) carrying the resourceVersion that was read, never a PATCH: the
 * seed's Role grants leases get/create/update only, and a JSON merge patch (what fabric8's own LeaderElector sends)
 * is a separate verb a real API server would refuse. 409 and 404 on a write are the ordinary "lost the race"
 * outcome and come back as an empty result; the HTTP code decides, not the reason string (the test server says
 * "Invalid" where a real one says "Conflict" or "AlreadyExists").
 * <p>
 * Every Lease it creates or writes carries {@link LeaseStore#BATON_LABEL}, and its watches share one label-selected
 * watch of the namespace ({@link SharedLeaseWatch}): one connection per process, whatever the number of Leases.
 */
public final class KubernetesLeaseStore implements LeaseStore {

    private static final Logger LOG = Logger.getLogger(KubernetesLeaseStore.class);
    private static final String LEASES = "leases.coordination.k8s.io";

    private final KubernetesClient client;
    private final String namespace;
    private final String component;
    private final SharedLeaseWatch watches;
    private volatile boolean eventsForbidden;
    private final LongAdder throttled = new LongAdder();

    public KubernetesLeaseStore(KubernetesClient client, String namespace, String component) {
        this.client = client;
        this.namespace = namespace;
        this.component = component;
        this.watches = new SharedLeaseWatch(client, namespace, this::snapshotOf, this::translate);
    }

    @Override
    public Optional<LeaseSnapshot> get(String name) {
        try {
            Lease lease = client.leases().inNamespace(namespace).withName(name).get();
            return Optional.ofNullable(lease).map(this::snapshot);
        } catch (KubernetesClientException e) {
            throw translate("get", name, e);
        }
    }

    @Override
    public Optional<LeaseSnapshot> create(String name, LeaseRecord record) {
        Lease lease = new LeaseBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace)
                        .withLabels(Map.of(BATON_LABEL, BATON_LABEL_VALUE))
                        .withAnnotations(new HashMap<>(record.annotations())).build())
                .withSpec(spec(new LeaseSpec(), record))
                .build();
        try {
            return Optional.of(snapshot(client.leases().inNamespace(namespace).resource(lease).create()));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                return Optional.empty();
            }
            throw translate("create", name, e);
        }
    }

    @Override
    public Optional<LeaseSnapshot> update(LeaseSnapshot previous, LeaseRecord record) {
        Lease base = previous.source() instanceof Lease l ? l
                : new LeaseBuilder().withNewMetadata().withName(previous.name()).withNamespace(namespace).endMetadata()
                        .build();
        Lease lease = new LeaseBuilder(base)
                .editMetadata()
                .withResourceVersion(previous.resourceVersion())
                .addToLabels(BATON_LABEL, BATON_LABEL_VALUE) // a Lease someone else created joins the shared watch
                .withAnnotations(new HashMap<>(record.annotations()))
                .endMetadata()
                .withSpec(spec(carriedOver(base.getSpec()), record))
                .build();
        try {
            // update() is a PUT that the server accepts only at this resourceVersion (optimistic concurrency).
            return Optional.of(snapshot(client.leases().inNamespace(namespace).resource(lease).update()));
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || e.getCode() == 404) {
                return Optional.empty();
            }
            throw translate("update", previous.name(), e);
        }
    }

    @Override
    public AutoCloseable watch(String name, LeaseWatcher watcher) {
        return watches.watch(name, watcher);
    }

    /** 1 when the watch is shared; one per watched Lease where listing Leases is forbidden; 0 while none is open. */
    @Override
    public int openWatches() {
        return watches.openWatches();
    }

    @Override
    public void recordEvent(String name, String reason, String message) {
        if (eventsForbidden) {
            return;
        }
        try {
            Lease lease = client.leases().inNamespace(namespace).withName(name).get();
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            client.v1().events().inNamespace(namespace).resource(new EventBuilder()
                    .withNewMetadata().withGenerateName(name + ".").withNamespace(namespace).endMetadata()
                    .withNewInvolvedObject()
                    .withApiVersion("coordination.k8s.io/v1").withKind("Lease").withName(name).withNamespace(namespace)
                    .withUid(lease == null ? null : lease.getMetadata().getUid())
                    .endInvolvedObject()
                    .withType("Normal").withReason(reason).withMessage(message)
                    .withNewSource().withComponent(component).endSource()
                    .withReportingComponent(component)
                    .withFirstTimestamp(now.toString()).withLastTimestamp(now.toString()).withCount(1)
                    .build()).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 429) {
                throttled.increment();
            }
            if (e.getCode() == 403) {
                eventsForbidden = true;
                LOG.warnf("Cannot record Kubernetes Events in namespace %s (403 forbidden: grant 'create' on 'events'); "
                        + "leadership changes are still logged and counted", namespace);
            } else {
                LOG.debugf(e, "Could not record event '%s' on lease %s/%s", message, namespace, name);
            }
        } catch (RuntimeException e) {
            LOG.debugf(e, "Could not record event '%s' on lease %s/%s", message, namespace, name);
        }
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public String describe() {
        return "Kubernetes API " + client.getMasterUrl();
    }

    /** A Lease this store read or wrote; its watchers learn whether the shared watch selects it. */
    private LeaseSnapshot snapshot(Lease lease) {
        watches.seen(lease);
        return snapshotOf(lease);
    }

    private LeaseSnapshot snapshotOf(Lease lease) {
        LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        Map<String, String> annotations = lease.getMetadata().getAnnotations();
        LeaseRecord record = new LeaseRecord(spec.getHolderIdentity(), spec.getLeaseDurationSeconds(),
                instant(spec.getAcquireTime()), instant(spec.getRenewTime()), spec.getLeaseTransitions(),
                annotations);
        return new LeaseSnapshot(lease.getMetadata().getName(), lease.getMetadata().getResourceVersion(), record,
                lease);
    }

    /** Fields Baton does not model (coordinated leader election's strategy and preferred holder) are kept. */
    private static LeaseSpec carriedOver(LeaseSpec spec) {
        LeaseSpec copy = new LeaseSpec();
        if (spec != null) {
            copy.setPreferredHolder(spec.getPreferredHolder());
            copy.setStrategy(spec.getStrategy());
        }
        return copy;
    }

    private static LeaseSpec spec(LeaseSpec spec, LeaseRecord record) {
        spec.setHolderIdentity(record.holderIdentity());
        spec.setLeaseDurationSeconds(record.leaseDurationSeconds());
        spec.setAcquireTime(zoned(record.acquireTime()));
        spec.setRenewTime(zoned(record.renewTime()));
        spec.setLeaseTransitions(record.leaseTransitions());
        return spec;
    }

    private static Instant instant(ZonedDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static ZonedDateTime zoned(Instant time) {
        // MicroTime: the API server keeps microseconds.
        return time == null ? null : time.truncatedTo(ChronoUnit.MICROS).atZone(ZoneOffset.UTC);
    }

    /** Maps a client failure to a kind, with a message that says what to fix (the missing verb for a 403). */
    private LeaseStoreException translate(String verb, String name, KubernetesClientException e) {
        int code = e == null ? 0 : e.getCode();
        String where = LEASES + " '" + name + "' in namespace '" + namespace + "'";
        if (code == 403) {
            return new LeaseStoreException(LeaseStoreException.Kind.FORBIDDEN, code,
                    "403 forbidden: the ServiceAccount may not '" + verb + "' " + where
                            + "; grant verb '" + verb + "' on resource 'leases' (apiGroup coordination.k8s.io) in its Role",
                    e);
        }
        if (code == 401) {
            return new LeaseStoreException(LeaseStoreException.Kind.UNAUTHORIZED, code,
                    "401 unauthorized on " + verb + " " + where + ": the token was rejected", e);
        }
        if (code == 429) {
            throttled.increment();
            Duration wait = retryAfter(e);
            return new LeaseStoreException(LeaseStoreException.Kind.THROTTLED, code, "429 too many requests on "
                    + verb + " " + where + (wait == null ? "" : ", retry after " + wait.toSeconds() + " s") + ": "
                    + statusMessage(e), e, wait);
        }
        if (code >= 500) {
            return new LeaseStoreException(LeaseStoreException.Kind.SERVER_ERROR, code,
                    code + " from the API server on " + verb + " " + where + ": " + statusMessage(e), e);
        }
        if (code == 400 || code == 422) {
            return new LeaseStoreException(LeaseStoreException.Kind.INVALID, code,
                    code + " on " + verb + " " + where + ": " + statusMessage(e), e);
        }
        Throwable root = e;
        while (root != null) {
            if (root instanceof TimeoutException || root instanceof InterruptedIOException) {
                return new LeaseStoreException(LeaseStoreException.Kind.TIMEOUT, code,
                        "timed out on " + verb + " " + where, e);
            }
            if (root instanceof ConnectException || root instanceof UnknownHostException) {
                return new LeaseStoreException(LeaseStoreException.Kind.UNREACHABLE, code,
                        "API server unreachable on " + verb + " " + where + ": " + root.getMessage(), e);
            }
            if (root instanceof com.fasterxml.jackson.core.JacksonException) {
                return new LeaseStoreException(LeaseStoreException.Kind.MALFORMED, code,
                        where + " could not be read as a Lease: " + root.getMessage(), e);
            }
            root = root.getCause() == root ? null : root.getCause();
        }
        return new LeaseStoreException(LeaseStoreException.Kind.OTHER, code,
                (code == 0 ? "" : code + " ") + "on " + verb + " " + where + ": " + (e == null ? "watch closed" : e.getMessage()),
                e);
    }

    /**
     * The wait a 429 asks for: the {@code retryAfterSeconds} of its Status, which a real API server sends beside its
     * {@code Retry-After} header (fabric8 keeps the Status, not the headers; its own retry, which would read the
     * header, is off: {@code request-retry-backoff-limit=0}, so that the elector paces every request). Null when
     * the answer did not say.
     */
    static Duration retryAfter(KubernetesClientException e) {
        Status status = e.getStatus();
        if (status == null || status.getDetails() == null || status.getDetails().getRetryAfterSeconds() == null
                || status.getDetails().getRetryAfterSeconds() <= 0) {
            return null;
        }
        return Duration.ofSeconds(status.getDetails().getRetryAfterSeconds());
    }

    @Override
    public long throttled() {
        return throttled.sum();
    }

    private static String statusMessage(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
    }
}
