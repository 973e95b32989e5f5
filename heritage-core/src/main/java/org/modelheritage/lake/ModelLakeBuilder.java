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

    /**
     * A metadata store already open (the lake takes it over and closes it). Replaces any metadata
     * store given before, by whatever means.
     *
     * @param store the open store
     * @return this builder
     * @throws NullPointerException when {@code store} is null
     */
    public ModelLakeBuilder metadataStore(MetadataStore store) {
        clearMetadata();
        metadataStore = Objects.requireNonNull(store, "store");
        return this;
    }

    /**
     * The metadata store at a URI, chosen among the providers on the class path (see {@link Stores})
     * when {@link #build()} runs. Replaces any metadata store given before.
     *
     * @param uri the store's URI, e.g. {@code jdbc:postgresql://db/heritage}
     * @return this builder
     * @throws NullPointerException when {@code uri} is null
     */
    public ModelLakeBuilder metadataStore(URI uri) {
        return metadataStore(uri, StoreOptions.defaults());
    }

    /**
     * The metadata store at a URI, opened with these connection options when {@link #build()} runs.
     * Replaces any metadata store given before.
     *
     * @param uri          the store's URI
     * @param storeOptions user, password and pool size for the store's provider
     * @return this builder
     * @throws NullPointerException when an argument is null
     */
    public ModelLakeBuilder metadataStore(URI uri, StoreOptions storeOptions) {
        clearMetadata();
        metadataUri = Objects.requireNonNull(uri, "uri");
        metadataOptions = Objects.requireNonNull(storeOptions, "storeOptions");
        return this;
    }

    /**
     * The metadata store in the database behind the application's own {@link DataSource}
     * (SQLite or PostgreSQL with heritage-storage-jdbc on the class path); the data source stays
     * the caller's to close. Replaces any metadata store given before.
     *
     * @param source the application's data source
     * @return this builder
     * @throws NullPointerException when {@code source} is null
     */
    public ModelLakeBuilder metadataStore(DataSource source) {
        clearMetadata();
        dataSource = Objects.requireNonNull(source, "dataSource");
        return this;
    }

    /**
     * A blob store already open (the lake takes it over and closes it). Replaces any blob store
     * given before.
     *
     * @param store the open store
     * @return this builder
     * @throws NullPointerException when {@code store} is null
     */
    public ModelLakeBuilder blobStore(BlobStore store) {
        clearBlobs();
        blobStore = Objects.requireNonNull(store, "store");
        return this;
    }

    /**
     * The blob store at a URI, chosen among the providers on the class path when {@link #build()}
     * runs. Replaces any blob store given before.
     *
     * @param uri the store's URI, e.g. {@code file:/srv/heritage/blobs}
     * @return this builder
     * @throws NullPointerException when {@code uri} is null
     */
    public ModelLakeBuilder blobStore(URI uri) {
        return blobStore(uri, StoreOptions.defaults());
    }

    /**
     * The blob store at a URI, opened with these connection options when {@link #build()} runs.
     * Replaces any blob store given before.
     *
     * @param uri          the store's URI
     * @param storeOptions connection options for the store's provider
     * @return this builder
     * @throws NullPointerException when an argument is null
     */
    public ModelLakeBuilder blobStore(URI uri, StoreOptions storeOptions) {
        clearBlobs();
        blobUri = Objects.requireNonNull(uri, "uri");
        blobOptions = Objects.requireNonNull(storeOptions, "storeOptions");
        return this;
    }

    /**
     * The directory of the default stores, for those not given otherwise: SQLite in
     * {@code DIR/heritage.db}, blobs in {@code DIR/blobs}. Created when needed.
     *
     * @param dir the data directory, relative or absolute
     * @return this builder
     * @throws NullPointerException when {@code dir} is null
     */
    public ModelLakeBuilder dataDirectory(Path dir) {
        dataDirectory = Objects.requireNonNull(dir, "dir");
        return this;
    }

    /**
     * How the lake runs (workers, limits); {@link LakeOptions#defaults()} unless given.
     *
     * @param lakeOptions the options
     * @return this builder
     * @throws NullPointerException when {@code lakeOptions} is null
     */
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
     * @return the open lake, its workers running; close it to stop them and close the stores
     * @throws IllegalStateException when a store is given neither directly nor by a data directory
     * @throws org.modelheritage.store.NoStoreProviderException when no provider accepts a URI or the data source's database
     * @throws org.modelheritage.store.StoreException when a store cannot be opened (locked by another process, say)
     * @throws IOException when the data directory or the work directory cannot be created
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
