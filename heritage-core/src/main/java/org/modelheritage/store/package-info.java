/**
 * Storage SPI: what the lake keeps, and where.
 *
 * <p>Two stores, each chosen by a URI the way JDBC chooses a driver: every
 * {@link org.modelheritage.store.MetadataStoreProvider} / {@link org.modelheritage.store.BlobStoreProvider}
 * on the class path (listed in {@code META-INF/services}) is asked whether it
 * {@code accepts} the URI, and the first that does opens it ({@link org.modelheritage.store.Stores}).
 * Adding a store is adding a jar: {@code heritage-storage-jdbc} serves {@code jdbc:sqlite:PATH} and
 * {@code jdbc:postgresql://HOST/DB}, {@code heritage-storage-fs} serves {@code file:DIR}; core itself
 * serves blobs from a local directory ({@code file:DIR}). An object store ({@code s3:BUCKET/PREFIX})
 * would be one more {@code BlobStoreProvider} in its own jar: the {@link org.modelheritage.store.BlobStore}
 * contract is stream-based and never assumes a local file.
 *
 * <p>Every change goes through {@link org.modelheritage.store.MetadataStore#apply(ChangeSet)}: a
 * {@link org.modelheritage.store.ChangeSet} is applied all or nothing, in order, so adapters have a
 * single write path and multi-row changes (a family's lineage, a model's deletion with everything that
 * hangs off it) are atomic by construction.
 */
package org.modelheritage.store;
