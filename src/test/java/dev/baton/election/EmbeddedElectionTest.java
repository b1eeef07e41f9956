package dev.baton.election;

import java.util.Optional;

import dev.baton.store.InMemoryLeaseStore;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;

/** The election contract on the embedded store (what {@code quarkus:dev} and the test profile use). */
class EmbeddedElectionTest extends ElectionContractTest {

    private final InMemoryLeaseStore store = new InMemoryLeaseStore("embedded");

    @Override
    LeaseStore candidateStore() {
        return store;
    }

    @Override
    void foreignWrite(String lease, LeaseRecord record) {
        store.overwrite(lease, record);
    }

    @Override
    void deleteLease(String lease) {
        store.delete(lease);
    }

    @Override
    Optional<LeaseRecord> read(String lease) {
        return store.get(lease).map(LeaseSnapshot::record);
    }
}
