package org.modelheritage.store;

/**
 * A lock held in a metadata store for a key (a family group), across every process that shares
 * the store: see {@link MetadataStore#lockFamilies}. Released by {@link #close()}, or by the store
 * when the holding process dies.
 */
@FunctionalInterface
public interface StoreLock extends AutoCloseable {
    /** What a store one process owns returns: the lake's in-process lock already excludes everyone. */
    StoreLock NONE = () -> { };

    /** Releases the lock; other processes waiting for the key may take it. Never throws a checked exception. */
    @Override
    void close();
}
