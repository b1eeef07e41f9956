package dev.baton.http.page;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;

/**
 * What {@code kubectl annotate lease NAME KEY=VALUE} (or {@code KEY-}) does, for tests: read, change one annotation,
 * write conditionally, read again on a conflict. Written apart from the code under test, so that the tests of the
 * page do not lean on the dev controls they also test.
 */
final class KubectlAnnotate {

    private KubectlAnnotate() {
    }

    /** Sets {@code key} to {@code value} on {@code lease}; null removes it. */
    static void annotate(LeaseStore store, String lease, String key, String value) {
        for (int attempt = 0; attempt < 20; attempt++) {
            LeaseSnapshot read = store.get(lease).orElseThrow(() -> new AssertionError("no Lease " + lease));
            LeaseRecord r = read.record();
            Map<String, String> annotations = new HashMap<>(r.annotations());
            if (value == null) {
                annotations.remove(key);
            } else {
                annotations.put(key, value);
            }
            Optional<LeaseSnapshot> written = store.update(read, new LeaseRecord(r.holderIdentity(),
                    r.leaseDurationSeconds(), r.acquireTime(), r.renewTime(), r.leaseTransitions(), annotations));
            if (written.isPresent()) {
                return;
            }
        }
        throw new AssertionError("Lease " + lease + " changed on each of 20 attempts to annotate it");
    }

    /** The annotation as the store holds it now. */
    static Optional<String> get(LeaseStore store, String lease, String key) {
        return store.get(lease).map(s -> s.record().annotation(key));
    }
}
