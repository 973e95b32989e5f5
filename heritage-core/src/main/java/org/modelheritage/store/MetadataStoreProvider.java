package org.modelheritage.store;

import java.net.URI;
import java.util.Map;
import javax.sql.DataSource;

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

    /**
     * True if this provider can keep a store in the database behind a caller's {@link DataSource},
     * judged by the product name its JDBC driver reports (e.g. {@code SQLite}, {@code PostgreSQL}).
     * Default: false.
     */
    default boolean acceptsDatabase(String databaseProductName) {
        return false;
    }

    /**
     * Opens (creating or migrating when needed) the store in the database behind {@code dataSource},
     * which stays the caller's: closing the store does not close it. Only called when
     * {@link #acceptsDatabase} said yes.
     *
     * @throws UnsupportedOperationException from a provider that serves URIs only (the default)
     */
    default MetadataStore open(DataSource dataSource, Map<String, String> options) {
        throw new UnsupportedOperationException(name() + " opens stores by URI only");
    }

    /** The URI form accepted, for error messages, e.g. {@code jdbc:sqlite:PATH}. */
    default String uriSyntax() {
        return name();
    }
}
