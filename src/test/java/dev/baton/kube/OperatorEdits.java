package dev.baton.kube;

import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** What an operator does to a Lease from outside, as the tests do it: once, and in one place. */
public final class OperatorEdits {

    private OperatorEdits() {
    }

    /**
     * Edits the Lease's annotations as {@code kubectl annotate} does: read, change, a conditional update, read again
     * on a conflict (the holder renews meanwhile), at most 20 times.
     */
    public static void annotate(KubernetesClient admin, String namespace, String lease,
            UnaryOperator<Map<String, String>> edit) {
        for (int i = 0; i < 20; i++) {
            Lease l = admin.leases().inNamespace(namespace).withName(lease).get();
            Map<String, String> a = new HashMap<>(l.getMetadata().getAnnotations());
            l.getMetadata().setAnnotations(edit.apply(a));
            try {
                admin.leases().inNamespace(namespace).resource(l).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        throw new AssertionError("could not annotate " + namespace + "/" + lease + " in 20 attempts");
    }
}
