package dev.baton.store;

import java.util.Optional;

/**
 * A {@link LeaseStore} that hands every call to another one: extend it to change a few calls (fault injection
 * in tests) and keep the rest as they are. Test code only: production wraps no store since the elector paces itself.
 */
public abstract class ForwardingLeaseStore implements LeaseStore {

    protected final LeaseStore delegate;

    protected ForwardingLeaseStore(LeaseStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<LeaseSnapshot> get(String name) {
        return delegate.get(name);
    }

    @Override
    public Optional<LeaseSnapshot> create(String name, LeaseRecord record) {
        return delegate.create(name, record);
    }

    @Override
    public Optional<LeaseSnapshot> update(LeaseSnapshot previous, LeaseRecord record) {
        return delegate.update(previous, record);
    }

    @Override
    public AutoCloseable watch(String name, LeaseWatcher watcher) {
        return delegate.watch(name, watcher);
    }

    @Override
    public void recordEvent(String name, String reason, String message) {
        delegate.recordEvent(name, reason, message);
    }

    @Override
    public String namespace() {
        return delegate.namespace();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public boolean embedded() {
        return delegate.embedded();
    }
}
