package org.modelheritage.store;

import java.net.URI;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Opens metadata stores for the URIs it accepts, as a JDBC driver does. Implementations are listed in
 * {@code META-INF/services/org.modelheritage.store.MetadataStoreProvider} and found by
 * {@link Stores}.
 *
 * <h2>Contract for implementers</h2>
 * <ul>
 *   <li>A public no-argument constructor (ServiceLoader calls it); no work in it.</li>
 *   <li>Registration: list the class in {@code META-INF/services/org.modelheritage.store.MetadataStoreProvider}
 *       for the class path, and declare {@code provides org.modelheritage.store.MetadataStoreProvider with ...}
 *       in the module descriptor for the module path.</li>
 *   <li>{@link #accepts} judges the URI by its form alone (scheme, prefix), never by connecting,
 *       and is cheap: {@link Stores} asks every provider in turn and uses the first that accepts.</li>
 *   <li>{@link #open} is only called with a URI this provider accepted; it throws
 *       {@link IllegalArgumentException} for a malformed URI or option and {@link StoreException}
 *       when the store cannot be opened.</li>
 * </ul>
 */
public interface MetadataStoreProvider {

    /** {@return a short name for messages, e.g. "sqlite"} */
    String name();

    /**
     * Whether this provider serves the URI, judged by its form alone, without connecting.
     *
     * @param uri the metadata store's URI, e.g. {@code jdbc:sqlite:/var/lake/meta.db}
     * @return true when {@link #open(URI, Map)} may be called with it
     */
    boolean accepts(URI uri);

    /**
     * Opens (creating or migrating when needed) the store at the URI.
     *
     * @param uri     a URI this provider accepted
     * @param options provider options, as {@link StoreOptions#asMap()} gives them ({@code user},
     *                {@code password}, {@code poolSize}); keys the provider has no use for are ignored
     * @return the open store; the caller closes it
     * @throws IllegalArgumentException for a malformed URI or option
     * @throws StoreException when the store cannot be opened (unreachable, locked, failed migration)
     */
    MetadataStore open(URI uri, Map<String, String> options);

    /**
     * True if this provider can keep a store in the database behind a caller's {@link DataSource},
     * judged by the product name its JDBC driver reports (e.g. {@code SQLite}, {@code PostgreSQL}).
     * Default: false.
     *
     * @param databaseProductName what {@link java.sql.DatabaseMetaData#getDatabaseProductName()} returns
     * @return true when {@link #open(DataSource, Map)} may be called for that database
     */
    default boolean acceptsDatabase(String databaseProductName) {
        return false;
    }

    /**
     * Opens (creating or migrating when needed) the store in the database behind {@code dataSource},
     * which stays the caller's: closing the store does not close it. Only called when
     * {@link #acceptsDatabase} said yes.
     *
     * @param dataSource the caller's data source; the store borrows connections from it
     * @param options    provider options; the bundled providers ignore them, as the data source
     *                   brings its own credentials and pool
     * @return the open store; the caller closes it (and, separately, its data source)
     * @throws UnsupportedOperationException from a provider that serves URIs only (the default)
     * @throws StoreException when the store cannot be opened
     */
    default MetadataStore open(DataSource dataSource, Map<String, String> options) {
        throw new UnsupportedOperationException(name() + " opens stores by URI only");
    }

    /** {@return the URI form accepted, for error messages, e.g. {@code jdbc:sqlite:PATH}; the name by default} */
    default String uriSyntax() {
        return name();
    }
}
