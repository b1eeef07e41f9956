package dev.baton.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Every version of every Lease of one namespace, as the harness saw them through a watch of its own (straight to the
 * API server), stamped with this machine's clock on arrival: who holds what, and whether any Lease ever went from one
 * holder to another while the first could still have acted.
 */
final class LeaseHolders implements AutoCloseable {

    /**
     * One observed version of a Lease; holder null when released or deleted; duration -1 when not set.
     *
     * @param bytes the object's size as compact JSON (what a PUT of it sends); 0 when not measured
     */
    record Version(long at, String lease, String holder, String renewTime, int durationSeconds, int bytes) {

        Version(long at, String lease, String holder, String renewTime, int durationSeconds) {
            this(at, lease, holder, renewTime, durationSeconds, 0);
        }
    }

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final List<Version> versions = new CopyOnWriteArrayList<>();
    private final Watch watch;

    LeaseHolders(KubernetesClient client, String namespace) {
        watch = client.leases().inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Lease lease) {
                LeaseSpec spec = lease.getSpec();
                String holder = action == Action.DELETED || spec == null ? null : spec.getHolderIdentity();
                versions.add(new Version(System.currentTimeMillis(), lease.getMetadata().getName(),
                        holder == null || holder.isEmpty() ? null : holder,
                        spec == null ? null : String.valueOf(spec.getRenewTime()),
                        spec == null || spec.getLeaseDurationSeconds() == null ? -1 : spec.getLeaseDurationSeconds(),
                        JSON.asJson(lease).getBytes(StandardCharsets.UTF_8).length));
            }

            @Override
            public void onClose(WatcherException cause) {
                // The group is over, or the server stopped.
            }
        });
    }

    List<Version> versions() {
        return List.copyOf(versions);
    }

    /** The holder of each Lease seen so far (null for one released), in name order. */
    Map<String, String> holders() {
        Map<String, String> h = new TreeMap<>();
        for (Version v : versions) {
            h.put(v.lease(), v.holder());
        }
        return h;
    }

    /** How many Leases each replica holds now. */
    Map<String, Integer> heldPerReplica() {
        Map<String, Integer> n = new TreeMap<>();
        holders().values().stream().filter(Objects::nonNull).forEach(h -> n.merge(h, 1, Integer::sum));
        return n;
    }

    /**
     * Every change of holder from one replica straight to another (no release between) that came sooner than
     * {@code renewDeadline} after the last version the first one wrote: the first one's term, which lasts at most the
     * renew deadline from its last successful renewal, could still have been valid, so both could have acted. A
     * release is a version without a holder (Baton's), or one whose holder shortened the lease duration (fabric8's
     * elector, as client-go's, releases by writing a 1 s duration, and its holder field may stay).
     */
    List<String> unsafeTakeovers(Duration renewDeadline) {
        return unsafeTakeovers(versions(), renewDeadline);
    }

    /** As {@link #unsafeTakeovers(Duration)}, over the given versions in the order seen. */
    static List<String> unsafeTakeovers(List<Version> versions, Duration renewDeadline) {
        List<String> unsafe = new ArrayList<>();
        Map<String, Version> last = new HashMap<>();
        Map<String, Boolean> released = new HashMap<>();
        for (Version v : versions) {
            Version prev = last.get(v.lease());
            if (prev != null && prev.holder() != null && prev.holder().equals(v.holder())
                    && v.durationSeconds() >= 0 && v.durationSeconds() < prev.durationSeconds()) {
                released.put(v.lease(), true);
            } else if (prev != null && prev.holder() != null && v.holder() != null
                    && !prev.holder().equals(v.holder()) && !released.getOrDefault(v.lease(), false)
                    && v.at() - prev.at() < renewDeadline.toMillis()) {
                unsafe.add(String.format("%s: %s -> %s %d ms after %s's last write", v.lease(), prev.holder(),
                        v.holder(), v.at() - prev.at(), prev.holder()));
            }
            if (prev == null || !Objects.equals(prev.holder(), v.holder())) {
                released.put(v.lease(), false);
            }
            last.put(v.lease(), v);
        }
        return unsafe;
    }

    /**
     * Versions of the Leases {@code holder} held, in [from, to): renewals (a new renewTime) and other writes (job
     * records, annotations), as {@code [renewals, others]}.
     */
    int[] writesBy(String holder, long from, long to) {
        int renewals = 0;
        int others = 0;
        Map<String, Version> last = new HashMap<>();
        for (Version v : versions) {
            Version prev = last.put(v.lease(), v);
            if (v.at() < from || v.at() >= to || !holder.equals(v.holder()) || prev == null) {
                continue;
            }
            if (Objects.equals(prev.renewTime(), v.renewTime())) {
                others++;
            } else {
                renewals++;
            }
        }
        return new int[] { renewals, others };
    }

    @Override
    public void close() {
        watch.close();
    }
}
