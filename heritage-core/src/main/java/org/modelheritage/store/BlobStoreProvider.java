package org.modelheritage.store;

import java.net.URI;
import java.util.Map;

/**
 * Opens blob stores for the URIs it accepts. Listed in
 * {@code META-INF/services/org.modelheritage.store.BlobStoreProvider}: core serves {@code file:DIR};
 * an object store is another jar with one more provider (heritage-storage-s3 serves {@code s3:...}).
 *
 * <h2>Contract for implementers</h2>
 * <ul>
 *   <li>A public no-argument constructor (ServiceLoader calls it); no work in it.</li>
 *   <li>Registration: list the class in {@code META-INF/services/org.modelheritage.store.BlobStoreProvider}
 *       for the class path, and declare {@code provides org.modelheritage.store.BlobStoreProvider with ...}
 *       in the module descriptor for the module path.</li>
 *   <li>{@link #accepts} judges the URI by its form alone (scheme, prefix), never by connecting,
 *       and is cheap: {@link Stores} asks every provider in turn and uses the first that accepts.</li>
 *   <li>{@link #open} is only called with a URI this provider accepted; it throws
 *       {@link IllegalArgumentException} for a malformed URI or option and {@link StoreException}
 *       when the store cannot be opened.</li>
 * </ul>
 */
public interface BlobStoreProvider {

    /**
     * A short name, for messages.
     *
     * @return the name, e.g. {@code "directory"}
     */
    String name();

    /**
     * Whether this provider serves the URI, judged by its form alone.
     *
     * @param uri the blob store's URI
     * @return true when {@link #open} may be called with it
     */
    boolean accepts(URI uri);

    /**
     * Opens (creating when needed) the blob store at the URI.
     *
     * @param uri a URI this provider accepted
     * @param options provider options (for example {@code user}, {@code password})
     * @return the open store; the caller closes it
     */
    BlobStore open(URI uri, Map<String, String> options);

    /**
     * The URI form accepted, for error messages.
     *
     * @return e.g. {@code file:DIR}
     */
    default String uriSyntax() {
        return name();
    }
}
