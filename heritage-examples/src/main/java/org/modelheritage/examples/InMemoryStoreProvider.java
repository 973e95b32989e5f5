package org.modelheritage.examples;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.MetadataStoreProvider;

/**
 * Serves {@code mem:NAME} metadata stores: {@link InMemoryMetadataStore}. A named store lives as
 * long as the JVM, like an H2 in-memory database kept open, so closing and reopening a lake on the
 * same URI finds what it left; a new name is a new, empty store.
 *
 * <p>Registered in {@code META-INF/services/org.modelheritage.store.MetadataStoreProvider}: putting
 * this jar on the class path is all it takes for {@code Stores.openMetadata(URI.create("mem:demo"))}
 * and {@code ModelLake.open(URI.create("mem:demo"), ...)} to use it.
 */
public final class InMemoryStoreProvider implements MetadataStoreProvider {
    private static final Map<String, InMemoryMetadataStore.Data> STORES = new ConcurrentHashMap<>();

    /** ServiceLoader's constructor. */
    public InMemoryStoreProvider() {
    }

    @Override
    public String name() {
        return "in-memory";
    }

    @Override
    public boolean accepts(URI uri) {
        return "mem".equalsIgnoreCase(uri.getScheme()) && !storeName(uri).isEmpty();
    }

    @Override
    public MetadataStore open(URI uri, Map<String, String> options) {
        if (!accepts(uri)) {
            throw new IllegalArgumentException("not an in-memory store URI (mem:NAME): " + uri);
        }
        return new InMemoryMetadataStore(STORES.computeIfAbsent(storeName(uri), n -> new InMemoryMetadataStore.Data()));
    }

    @Override
    public String uriSyntax() {
        return "mem:NAME";
    }

    private static String storeName(URI uri) {
        String name = uri.getSchemeSpecificPart();
        return name == null ? "" : name;
    }
}
