package org.modelheritage.store;

import java.net.URI;
import java.util.Map;

/** Serves {@code file:DIR} blob stores: {@link DirectoryBlobStore}. */
public final class DirectoryBlobStoreProvider implements BlobStoreProvider {
    @Override
    public String name() {
        return "directory";
    }

    @Override
    public boolean accepts(URI uri) {
        return "file".equalsIgnoreCase(uri.getScheme());
    }

    @Override
    public BlobStore open(URI uri, Map<String, String> options) {
        return DirectoryBlobStore.open(Stores.fileUriPath(uri));
    }

    @Override
    public String uriSyntax() {
        return "file:DIR";
    }
}
