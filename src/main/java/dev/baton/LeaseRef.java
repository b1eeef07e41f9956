package dev.baton;

import java.util.Objects;

/**
 * Which Lease: its namespace and name. Events, terms and electors name their Lease with this value, so code that
 * asks "is this the service-wide Lease?" compares values instead of splitting {@code namespace/name} strings by
 * hand. Job declarations ({@code @SingletonJob(lease = ...)}) name only the Lease; its namespace is the one the
 * store works in.
 *
 * @param namespace the Lease's namespace
 * @param name the Lease's name ({@code metadata.name})
 */
public record LeaseRef(String namespace, String name) {

    public LeaseRef {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    /** {@code namespace/name}, as in logs, health data and {@code kubectl get lease -n namespace name}. */
    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
