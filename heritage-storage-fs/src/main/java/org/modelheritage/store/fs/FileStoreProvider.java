package org.modelheritage.store.fs;

import java.net.URI;
import java.util.Map;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.MetadataStoreProvider;
import org.modelheritage.store.Stores;

/** {@code file:DIR}: a {@link FileMetadataStore}, JSON documents in a directory. */
public final class FileStoreProvider implements MetadataStoreProvider {
    @Override
    public String name() {
        return "filesystem";
    }

    @Override
    public String uriSyntax() {
        return "file:DIR";
    }

    @Override
    public boolean accepts(URI uri) {
        return "file".equalsIgnoreCase(uri.getScheme());
    }

    @Override
    public MetadataStore open(URI uri, Map<String, String> options) {
        return FileMetadataStore.open(Stores.fileUriPath(uri), options);
    }
}
