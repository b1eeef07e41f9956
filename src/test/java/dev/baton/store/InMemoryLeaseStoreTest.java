package dev.baton.store;

class InMemoryLeaseStoreTest extends LeaseStoreContractTest {

    private final InMemoryLeaseStore store = new InMemoryLeaseStore("embedded");

    @Override
    LeaseStore store() {
        return store;
    }

    @Override
    void remove(String name) {
        store.delete(name);
    }
}
