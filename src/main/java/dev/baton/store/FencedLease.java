package dev.baton.store;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A Lease used as a record store that one term at a time may write, and that nobody renews (issue 19: records apart
 * from the Leases renewed every retry period). The term that may write it is named in the Lease itself: its holder
 * ({@code holderIdentity}) and its epoch ({@code leaseTransitions}). The protocol, in the order a term follows it:
 * <ol>
 * <li>{@link #fence}: before the term acts, it names itself in the Lease by a write conditional on the version it
 * read (creating the Lease if there is none). A Lease already naming a later epoch means the term is over: refused.
 * From the fence on, every version of the Lease names this epoch until a later term fences it.</li>
 * <li>{@link #write}: each change is a write conditional on the last version this writer saw, the holder and epoch
 * unchanged. A 409 means someone wrote since: it reads again; if the Lease still names its epoch (an operator's
 * {@code kubectl annotate}, say) it applies its change to what it read and writes again; if it names a later epoch,
 * the writer's term is over and the change is dropped ({@link Outcome#DEPOSED}).</li>
 * </ol>
 * So a write by a term that has ended cannot land after its successor's fence: it carries a version from before the
 * fence, which the API server refuses, and on reading again the writer sees the later epoch. The successor reads the
 * Lease in its fence, after every write that landed before it. Nothing here trusts a clock.
 * <p>
 * Not thread-safe: one writer thread per Lease (the term's holder serialises its writes).
 */
public final class FencedLease {

    /** What became of a {@link #write}. */
    public enum Outcome {
        /** It landed. */
        WRITTEN,
        /** The change was none ({@code change} returned null): nothing was sent. */
        UNCHANGED,
        /** The Lease names a later epoch (or another holder at this epoch): this term may no longer write it. */
        DEPOSED
    }

    /** How many times a write is tried again after a 409 from a writer of the same term, before it gives up. */
    static final int ATTEMPTS = 5;

    private final LeaseStore store;
    private final String name;
    private volatile LeaseSnapshot last;

    public FencedLease(LeaseStore store, String name) {
        this.store = store;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** The Lease as this writer last read or wrote it; empty before the first {@link #fence}. */
    public Optional<LeaseSnapshot> lastSeen() {
        return Optional.ofNullable(last);
    }

    /**
     * A version of the Lease seen elsewhere (a watch): the next {@link #write} starts from it when it is newer than
     * what this writer last read or wrote. Without it, a change computed on an old version that finds nothing to do
     * (a run request's claim, when the operator's annotation came after this writer's last write) is never sent, so
     * the 409 that would bring the new version never comes, and the change is refused for as long as nothing else is
     * written. Ignored before the first fence and when not newer (resourceVersions compared as numbers, as every API
     * server seen writes them; anything else is ignored).
     */
    public synchronized void saw(LeaseSnapshot s) {
        LeaseSnapshot current = last;
        if (current != null && s != null && name.equals(s.name()) && current.olderThan(s)) {
            last = s;
        }
    }

    /**
     * Names {@code holder} and {@code epoch} in the Lease, creating it if needed. Returns the Lease after the fence
     * (whose annotations are every record written before it), or empty when a later epoch has fenced it already.
     *
     * @throws LeaseStoreException when the store fails (the term must not act on the records then)
     */
    public Optional<LeaseSnapshot> fence(String holder, long epoch) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<LeaseSnapshot> current = store.get(name);
            if (current.isEmpty()) {
                Instant now = Instant.now();
                Optional<LeaseSnapshot> created = store.create(name, record(holder, epoch, Map.of(), now, now));
                if (created.isPresent()) {
                    last = created.get();
                    return created;
                }
                continue; // created by someone else meanwhile: read it
            }
            LeaseRecord r = current.get().record();
            if (epochOf(r) > epoch || (epochOf(r) == epoch && !holder.equals(r.holderIdentity()))) {
                last = current.get();
                return Optional.empty();
            }
            Instant now = Instant.now();
            Optional<LeaseSnapshot> written = store.update(current.get(),
                    record(holder, epoch, r.annotations(), now, now));
            if (written.isPresent()) {
                last = written.get();
                return written;
            }
        }
        throw new LeaseStoreException(LeaseStoreException.Kind.OTHER, 0, "could not fence Lease " + name + " after "
                + ATTEMPTS + " conflicting writes", null);
    }

    /**
     * Applies {@code change} to the Lease's annotations as the term ({@code holder}, {@code epoch}) that fenced it,
     * by a conditional write; read again and retried after a 409 while the Lease still names that term. A
     * {@code change} that returns null sends nothing.
     *
     * @throws IllegalStateException before a fence
     * @throws LeaseStoreException when the store fails
     */
    public Outcome write(String holder, long epoch, UnaryOperator<Map<String, String>> change) {
        if (last == null) {
            throw new IllegalStateException("Lease " + name + " written before it was fenced");
        }
        LeaseSnapshot base = last;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (!mine(base.record(), holder, epoch)) {
                last = base;
                return Outcome.DEPOSED;
            }
            Map<String, String> annotations = change.apply(new HashMap<>(base.record().annotations()));
            if (annotations == null) {
                last = base;
                return Outcome.UNCHANGED;
            }
            Optional<LeaseSnapshot> written = store.update(base,
                    record(holder, epoch, annotations, base.record().acquireTime(), Instant.now()));
            if (written.isPresent()) {
                last = written.get();
                return Outcome.WRITTEN;
            }
            Optional<LeaseSnapshot> now = store.get(name);
            if (now.isEmpty()) {
                last = null;
                return Outcome.DEPOSED; // deleted: only a new fence may bring it back
            }
            base = now.get();
        }
        throw new LeaseStoreException(LeaseStoreException.Kind.OTHER, 0, "could not write Lease " + name + " after "
                + ATTEMPTS + " conflicting writes", null);
    }

    /** The epoch a record Lease names; -1 for none. */
    public static long epochOf(LeaseRecord r) {
        return r.leaseTransitions() == null ? -1 : r.leaseTransitions();
    }

    private static boolean mine(LeaseRecord r, String holder, long epoch) {
        return epochOf(r) == epoch && holder.equals(r.holderIdentity());
    }

    private static LeaseRecord record(String holder, long epoch, Map<String, String> annotations, Instant fenced,
            Instant now) {
        // No duration: nobody renews this Lease, and no elector contests it. acquireTime says when the term fenced
        // it, renewTime when it was last written.
        return new LeaseRecord(holder, null, fenced, now, Math.toIntExact(epoch), annotations);
    }
}
