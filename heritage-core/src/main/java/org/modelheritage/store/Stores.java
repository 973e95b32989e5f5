package org.modelheritage.store;

import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens stores by URI: asks each provider found by {@link ServiceLoader} in turn and uses the first
 * that accepts, as {@code DriverManager} does with JDBC drivers.
 *
 * <pre>{@code
 * MetadataStore meta = Stores.openMetadata(URI.create("jdbc:sqlite:heritage-data/heritage.db"));
 * BlobStore blobs = Stores.openBlobs(URI.create("file:heritage-data/blobs"));
 * }</pre>
 */
public final class Stores {
    private static final Logger LOG = LoggerFactory.getLogger(Stores.class);

    private Stores() {
    }

    /**
     * Opens the metadata store at the URI with no options; see {@link #openMetadata(URI, Map)}.
     *
     * @param uri the store's URI, e.g. {@code jdbc:sqlite:heritage-data/heritage.db}
     * @return the open store; the caller closes it
     * @throws NoStoreProviderException if no provider accepts the URI (the message lists the known ones)
     * @throws StoreException when the store cannot be opened
     */
    public static MetadataStore openMetadata(URI uri) {
        return openMetadata(uri, Map.of());
    }

    /**
     * Opens the metadata store at the URI with the first provider that accepts it.
     *
     * @param uri     the store's URI
     * @param options provider options ({@code user}, {@code password}, {@code poolSize}); copied
     * @return the open store; the caller closes it
     * @throws NoStoreProviderException if no provider accepts the URI (the message lists the known ones)
     * @throws IllegalArgumentException when the provider finds the URI or an option malformed
     * @throws StoreException when the store cannot be opened
     */
    public static MetadataStore openMetadata(URI uri, Map<String, String> options) {
        MetadataStoreProvider p = choose("metadata", uri, metadataProviders(),
                x -> x.accepts(uri), MetadataStoreProvider::name, MetadataStoreProvider::uriSyntax);
        LOG.debug("opening metadata store {} with provider {}", uri, p.name());
        return p.open(uri, Map.copyOf(options));
    }

    /**
     * Opens the metadata store at the URI with typed connection options.
     *
     * @param uri     the store's URI
     * @param options user, password and pool size
     * @return the open store; the caller closes it
     * @throws NoStoreProviderException if no provider accepts the URI
     * @throws StoreException when the store cannot be opened
     */
    public static MetadataStore openMetadata(URI uri, StoreOptions options) {
        return openMetadata(uri, options.asMap());
    }

    /**
     * Opens a metadata store in the database behind a caller's {@link DataSource} (a pool the
     * application already has): the first provider that accepts the database product its driver
     * reports serves it. The data source stays the caller's: closing the store leaves it open.
     *
     * @param dataSource the application's data source; one connection is borrowed to ask for the product name
     * @return the open store; the caller closes it
     * @throws NoStoreProviderException when no provider keeps stores in that database
     * @throws StoreException when no connection can be had to ask
     */
    public static MetadataStore openMetadata(DataSource dataSource) {
        String product;
        try (Connection c = dataSource.getConnection()) {
            product = c.getMetaData().getDatabaseProductName();
        } catch (SQLException e) {
            throw new StoreException("cannot connect through the data source: " + e.getMessage(), e);
        }
        for (MetadataStoreProvider p : metadataProviders()) {
            if (p.acceptsDatabase(product)) {
                LOG.debug("opening a metadata store in a {} data source with provider {}", product, p.name());
                return p.open(dataSource, Map.of());
            }
        }
        throw new NoStoreProviderException("no metadata store keeps its data in " + product + " (is a storage "
                + "module on the class path?)");
    }

    /**
     * Opens the blob store at the URI with typed connection options.
     *
     * @param uri     the store's URI
     * @param options user, password and pool size; a provider ignores what it has no use for
     * @return the open store; the caller closes it
     * @throws NoStoreProviderException if no provider accepts the URI
     * @throws StoreException when the store cannot be opened
     */
    public static BlobStore openBlobs(URI uri, StoreOptions options) {
        return openBlobs(uri, options.asMap());
    }

    /**
     * Opens the blob store at the URI with no options; see {@link #openBlobs(URI, Map)}.
     *
     * @param uri the store's URI, e.g. {@code file:heritage-data/blobs}
     * @return the open store; the caller closes it
     * @throws NoStoreProviderException if no provider accepts the URI
     * @throws StoreException when the store cannot be opened
     */
    public static BlobStore openBlobs(URI uri) {
        return openBlobs(uri, Map.of());
    }

    /**
     * Opens the blob store at the URI with the first provider that accepts it.
     *
     * @param uri     the store's URI
     * @param options provider options; copied
     * @return the open store; the caller closes it
     * @throws NoStoreProviderException if no provider accepts the URI (the message lists the known ones)
     * @throws IllegalArgumentException when the provider finds the URI or an option malformed
     * @throws StoreException when the store cannot be opened
     */
    public static BlobStore openBlobs(URI uri, Map<String, String> options) {
        BlobStoreProvider p = choose("blob", uri, blobProviders(),
                x -> x.accepts(uri), BlobStoreProvider::name, BlobStoreProvider::uriSyntax);
        LOG.debug("opening blob store {} with provider {}", uri, p.name());
        return p.open(uri, Map.copyOf(options));
    }

    /**
     * Every metadata store provider ServiceLoader finds, in its order: through the thread's context
     * class loader, or this library's class loader when that finds none.
     *
     * @return new instances of the providers; empty when no storage module is present
     */
    public static List<MetadataStoreProvider> metadataProviders() {
        return load(MetadataStoreProvider.class);
    }

    /**
     * Every blob store provider ServiceLoader finds, in its order (core's {@code file:} provider among them).
     *
     * @return new instances of the providers
     */
    public static List<BlobStoreProvider> blobProviders() {
        return load(BlobStoreProvider.class);
    }

    /**
     * The local path of a {@code file:} URI: {@code file:/abs/dir}, {@code file:///abs/dir} or {@code file:relative/dir}.
     *
     * @param uri a {@code file:} URI without a host
     * @return the path it names; relative for {@code file:relative/dir}
     * @throws IllegalArgumentException when the scheme is not {@code file} or the URI names a host
     */
    public static Path fileUriPath(URI uri) {
        if (!"file".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not a file: URI: " + uri);
        }
        if (uri.isOpaque()) {
            return Paths.get(uri.getSchemeSpecificPart());
        }
        if (uri.getAuthority() != null && !uri.getAuthority().isEmpty()) {
            throw new IllegalArgumentException("file: URI with a host is not supported: " + uri);
        }
        return Paths.get(uri.getPath());
    }

    private static <P> List<P> load(Class<P> type) {
        List<P> found = new ArrayList<>();
        ServiceLoader.load(type).forEach(found::add);
        if (found.isEmpty() && Thread.currentThread().getContextClassLoader() != Stores.class.getClassLoader()) {
            ServiceLoader.load(type, Stores.class.getClassLoader()).forEach(found::add);
        }
        return found;
    }

    private static <P> P choose(String what, URI uri, List<P> providers, Predicate<P> accepts,
                                Function<P, String> name, Function<P, String> syntax) {
        for (P p : providers) {
            if (accepts.test(p)) {
                return p;
            }
        }
        String known = providers.isEmpty() ? "none (is a storage module on the class path?)"
                : providers.stream().map(p -> syntax.apply(p) + " (" + name.apply(p) + ")")
                        .collect(Collectors.joining(", "));
        throw new NoStoreProviderException("no " + what + " store accepts " + uri + "; known: " + known);
    }
}
