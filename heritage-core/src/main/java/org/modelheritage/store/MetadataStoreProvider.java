package org.modelheritage.store;

import java.net.URI;
import java.util.Map;

/**
 * Opens metadata stores for the URIs it accepts, as a JDBC driver does. Implementations are listed in
 * {@code META-INF/services/org.modelheritage.store.MetadataStoreProvider} and found by
 * {@link Stores}.
 */
public interface MetadataStoreProvider {

    /** A short name, e.g. "sqlite". */
    String name();

    /** True if this provider serves the URI (judged by its form alone, without connecting). */
    boolean accepts(URI uri);

    /** Opens (creating or migrating when needed) the store at the URI. */
    MetadataStore open(URI uri, Map<String, String> options);

    /** The URI form accepted, for error messages, e.g. {@code jdbc:sqlite:PATH}. */
    default String uriSyntax() {
        return name();
    }
}
