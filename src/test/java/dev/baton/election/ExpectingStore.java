package dev.baton.election;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

import dev.baton.store.InMemoryLeaseStore;
import dev.baton.store.LeaseRecord;
import dev.baton.store.LeaseSnapshot;
import dev.baton.store.LeaseStore;
import dev.baton.store.LeaseStoreException;

/**
 * A strict store for decision tests, as client-go's fake clientset with reactors: a test says which API calls it
 * expects, in order; any other call fails the test at once (an AssertionError, which no elector code catches).
 * The data lives in an {@link InMemoryLeaseStore}, so versions, conflicts and creates behave as on the API server.
 * An expected call may fail, or be followed by an action (a foreign write landing between two calls, time passing).
 */
final class ExpectingStore implements LeaseStore {

    enum Verb {
        GET, CREATE, UPDATE
    }

    private record Expected(Verb verb, LeaseStoreException failure, Runnable after) {
    }

    static final String NAME = "decisions";

    private final InMemoryLeaseStore data = new InMemoryLeaseStore("test");
    private final Deque<Expected> expected = new ArrayDeque<>();
    final List<Verb> calls = new ArrayList<>();
    final List<String> events = new ArrayList<>();

    /** Expects these calls next, in this order, each answered by the data. */
    ExpectingStore expect(Verb... verbs) {
        for (Verb v : verbs) {
            expected.add(new Expected(v, null, null));
        }
        return this;
    }

    /** Expects {@code verb} next, answered by the data, then runs {@code after} before the caller sees the answer. */
    ExpectingStore expectThen(Verb verb, Runnable after) {
        expected.add(new Expected(verb, null, after));
        return this;
    }

    /** Expects {@code verb} next and fails it with {@code failure}. */
    ExpectingStore expectFailing(Verb verb, LeaseStoreException failure) {
        expected.add(new Expected(verb, failure, null));
        return this;
    }

    /** Asserts every expected call was made, and returns the calls made since the last check. */
    List<Verb> verify() {
        assertEquals(List.of(), expected.stream().map(Expected::verb).toList(), "expected calls not made");
        List<Verb> made = List.copyOf(calls);
        calls.clear();
        return made;
    }

    /** Writes the Lease as a foreign process would, without counting a call. */
    LeaseSnapshot seed(LeaseRecord record) {
        return data.overwrite(NAME, record);
    }

    /** Deletes the Lease as {@code kubectl delete} would, without counting a call. */
    void delete() {
        data.delete(NAME);
    }

    /** The Lease as stored now. */
    Optional<LeaseRecord> stored() {
        return data.get(NAME).map(LeaseSnapshot::record);
    }

    private Expected next(Verb verb) {
        calls.add(verb);
        Expected e = expected.poll();
        if (e == null || e.verb() != verb) {
            throw new AssertionError("unexpected " + verb + " (expected " + (e == null ? "no call" : e.verb())
                    + "); calls so far " + calls);
        }
        if (e.failure() != null) {
            throw e.failure();
        }
        return e;
    }

    private <T> T after(Expected e, T answer) {
        if (e.after() != null) {
            e.after().run();
        }
        return answer;
    }

    @Override
    public Optional<LeaseSnapshot> get(String name) {
        Expected e = next(Verb.GET);
        return after(e, data.get(name));
    }

    @Override
    public Optional<LeaseSnapshot> create(String name, LeaseRecord record) {
        Expected e = next(Verb.CREATE);
        return after(e, data.create(name, record));
    }

    @Override
    public Optional<LeaseSnapshot> update(LeaseSnapshot previous, LeaseRecord record) {
        Expected e = next(Verb.UPDATE);
        return after(e, data.update(previous, record));
    }

    @Override
    public AutoCloseable watch(String name, LeaseWatcher watcher) {
        throw new AssertionError("unexpected watch: decision tests drive events themselves");
    }

    @Override
    public void recordEvent(String name, String reason, String message) {
        events.add(message);
    }

    @Override
    public String namespace() {
        return "test";
    }

    @Override
    public String describe() {
        return "expecting store";
    }
}
