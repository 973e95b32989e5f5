package org.modelheritage.store;

import java.net.URI;
import java.util.Map;

/**
 * Opens blob stores for the URIs it accepts. Listed in
 * {@code META-INF/services/org.modelheritage.store.BlobStoreProvider}: core serves {@code file:DIR};
 * an object store ({@code s3:...}) would be another jar with one more provider.
 */
public interface BlobStoreProvider {

    String name();

    boolean accepts(URI uri);

    BlobStore open(URI uri, Map<String, String> options);

    default String uriSyntax() {
        return name();
    }
}
