package dev.baton.bench;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * Every value one annotation of one Lease took, as the harness's own watch saw them (straight to the API server),
 * stamped with this machine's clock: the ROLL scenario reads a job's record ({@code baton.dev/job.<id>}) this way,
 * since a job on a Lease of its own writes no audit of its own. Consecutive versions with the same value are kept
 * once.
 */
final class AnnotationWatchLog implements AutoCloseable {

    /** One value of the annotation; null when it was removed. */
    record Value(long at, String value) {
    }

    private final String key;
    private final List<Value> values = new CopyOnWriteArrayList<>();
    private final Watch watch;

    AnnotationWatchLog(KubernetesClient client, String namespace, String lease, String key) {
        this.key = key;
        watch = client.leases().inNamespace(namespace).withName(lease).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Lease l) {
                Map<String, String> annotations = l.getMetadata().getAnnotations();
                String v = action == Action.DELETED || annotations == null ? null : annotations.get(key);
                synchronized (values) {
                    String last = values.isEmpty() ? null : values.get(values.size() - 1).value();
                    if (values.isEmpty() && v != null || v != null && !v.equals(last) || v == null && last != null) {
                        values.add(new Value(System.currentTimeMillis(), v));
                    }
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                // The run is over, or the server stopped.
            }
        });
    }

    String key() {
        return key;
    }

    List<Value> values() {
        return List.copyOf(values);
    }

    @Override
    public void close() {
        watch.close();
    }
}
