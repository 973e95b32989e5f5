package org.modelheritage.lake;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import javax.sql.DataSource;
import org.modelheritage.store.BlobStore;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.StoreOptions;
import org.modelheritage.store.Stores;

/**
 * Assembles a {@link ModelLake} ({@link ModelLake#builder()}): where its metadata and blobs live,
 * and how it runs. Each store is given one way: ready-made, by URI (with typed
 * {@link StoreOptions}), or for metadata a {@link DataSource}; a store not given comes from the
 * data directory ({@code DIR/heritage.db} and {@code DIR/blobs}), which is then required.
 *
 * <pre>{@code
 * try (ModelLake lake = ModelLake.builder()
 *         .metadataStore(URI.create("jdbc:postgresql://db/heritage"),
 *                 StoreOptions.defaults().withUser("heritage").withPassword(secret).withPoolSize(16))
 *         .blobStore(URI.create("file:/srv/heritage/blobs"))
 *         .options(LakeOptions.defaults().withWorkers(4))
 *         .build()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>The lake closes the stores when it closes, also ready-made ones (a store over a
 * {@code DataSource} leaves the data source itself open), and closes the ones it opened when
 * {@link #build()} fails. Not thread-safe; one builder builds one lake at a time.
 */
public final class ModelLakeBuilder {
    private MetadataStore metadataStore;
    private URI metadataUri;
    private StoreOptions metadataOptions = StoreOptions.defaults();
    private DataSource dataSource;
    private BlobStore blobStore;
    private URI blobUri;
    private StoreOptions blobOptions = StoreOptions.defaults();
    private Path dataDirectory;
    private LakeOptions options = LakeOptions.defaults();
    private LineageAdapter lineage = LineageAdapters.standard();

    ModelLakeBuilder() {
    }

    /** A metadata store already open (the lake takes it over and closes it). */
    public ModelLakeBuilder metadataStore(MetadataStore store) {
        clearMetadata();
        metadataStore = Objects.requireNonNull(store, "store");
        return this;
    }

    /** The metadata store at a URI, chosen among the providers on the class path (see {@link Stores}). */
    public ModelLakeBuilder metadataStore(URI uri) {
        return metadataStore(uri, StoreOptions.defaults());
    }

    /** The metadata store at a URI, opened with these connection options. */
    public ModelLakeBuilder metadataStore(URI uri, StoreOptions storeOptions) {
        clearMetadata();
        metadataUri = Objects.requireNonNull(uri, "uri");
        metadataOptions = Objects.requireNonNull(storeOptions, "storeOptions");
        return this;
    }

    /**
     * The metadata store in the database behind the application's own {@link DataSource}
     * (SQLite or PostgreSQL with heritage-storage-jdbc on the class path); the data source stays
     * the caller's to close.
     */
    public ModelLakeBuilder metadataStore(DataSource source) {
        clearMetadata();
        dataSource = Objects.requireNonNull(source, "dataSource");
        return this;
    }

    /** A blob store already open (the lake takes it over and closes it). */
    public ModelLakeBuilder blobStore(BlobStore store) {
        clearBlobs();
        blobStore = Objects.requireNonNull(store, "store");
        return this;
    }

    /** The blob store at a URI, chosen among the providers on the class path. */
    public ModelLakeBuilder blobStore(URI uri) {
        return blobStore(uri, StoreOptions.defaults());
    }

    /** The blob store at a URI, opened with these connection options. */
    public ModelLakeBuilder blobStore(URI uri, StoreOptions storeOptions) {
        clearBlobs();
        blobUri = Objects.requireNonNull(uri, "uri");
        blobOptions = Objects.requireNonNull(storeOptions, "storeOptions");
        return this;
    }

    /**
     * The directory of the default stores, for those not given otherwise: SQLite in
     * {@code DIR/heritage.db}, blobs in {@code DIR/blobs}. Created when needed.
     */
    public ModelLakeBuilder dataDirectory(Path dir) {
        dataDirectory = Objects.requireNonNull(dir, "dir");
        return this;
    }

    /** How the lake runs (workers, limits); {@link LakeOptions#defaults()} unless given. */
    public ModelLakeBuilder options(LakeOptions lakeOptions) {
        options = Objects.requireNonNull(lakeOptions, "options");
        return this;
    }

    /** Another lineage engine: for tests that need a job to misbehave. */
    ModelLakeBuilder lineage(LineageAdapter adapter) {
        lineage = Objects.requireNonNull(adapter, "lineage");
        return this;
    }

    /**
     * Opens the stores not given ready-made, then the lake (which requeues interrupted jobs and
     * restores lineage before it returns).
     *
     * @throws IllegalStateException when a store is given neither directly nor by a data directory
     */
    public ModelLake build() throws IOException {
        Path dir = null;
        if (dataDirectory != null && (metadataUnset() || blobsUnset())) {
            Files.createDirectories(dataDirectory);
            dir = dataDirectory.toAbsolutePath().normalize();
        }
        if (dir == null && (metadataUnset() || blobsUnset())) {
            throw new IllegalStateException("the lake needs a " + (metadataUnset() ? "metadata" : "blob")
                    + " store: give one, or a data directory");
        }
        MetadataStore meta = metadataStore != null ? metadataStore
                : dataSource != null ? Stores.openMetadata(dataSource)
                : Stores.openMetadata(metadataUri != null ? metadataUri : ModelLake.defaultStoreUri(dir), metadataOptions);
        BlobStore blobs;
        try {
            blobs = blobStore != null ? blobStore
                    : Stores.openBlobs(blobUri != null ? blobUri : ModelLake.defaultBlobUri(dir), blobOptions);
        } catch (RuntimeException e) {
            meta.close();
            throw e;
        }
        try {
            return new ModelLake(meta, blobs, options, lineage);
        } catch (IOException | RuntimeException e) {
            blobs.close();
            meta.close();
            throw e;
        }
    }

    private boolean metadataUnset() {
        return metadataStore == null && metadataUri == null && dataSource == null;
    }

    private boolean blobsUnset() {
        return blobStore == null && blobUri == null;
    }

    private void clearMetadata() {
        metadataStore = null;
        metadataUri = null;
        metadataOptions = StoreOptions.defaults();
        dataSource = null;
    }

    private void clearBlobs() {
        blobStore = null;
        blobUri = null;
        blobOptions = StoreOptions.defaults();
    }
}
