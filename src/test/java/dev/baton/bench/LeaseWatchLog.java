package dev.baton.bench;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * Every version of one Lease, as the harness saw it through a watch of its own (straight to the API server, not
 * through any replica's proxy), stamped with this machine's clock on arrival.
 */
final class LeaseWatchLog implements AutoCloseable {

    /** One observed version of the Lease; holder null when released. */
    record Version(long at, String holder, long transitions, String renewTime, String resourceVersion) {
    }

    private final List<Version> versions = new CopyOnWriteArrayList<>();
    private final Watch watch;

    LeaseWatchLog(KubernetesClient client, String namespace, String name) {
        watch = client.leases().inNamespace(namespace).withName(name).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Lease lease) {
                long now = System.currentTimeMillis();
                LeaseSpec spec = lease.getSpec();
                String holder = action == Action.DELETED || spec == null ? null : spec.getHolderIdentity();
                if (holder != null && holder.isEmpty()) {
                    holder = null;
                }
                long transitions = spec == null || spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions();
                String renewTime = spec == null ? null : String.valueOf(spec.getRenewTime());
                versions.add(new Version(now, holder, transitions, renewTime, lease.getMetadata().getResourceVersion()));
            }

            @Override
            public void onClose(WatcherException cause) {
                // The run is over, or the server stopped.
            }
        });
    }

    List<Version> versions() {
        return List.copyOf(versions);
    }

    /** The holder in the newest version seen, or null. */
    String holder() {
        List<Version> v = versions;
        return v.isEmpty() ? null : v.get(v.size() - 1).holder();
    }

    @Override
    public void close() {
        watch.close();
    }
}
