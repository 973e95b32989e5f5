/**
 * Model Heritage's core: reading weight files, signatures, families, lineage, the model lake and
 * the storage SPI. The readers' implementation packages ({@code read.io}, {@code read.pickle},
 * {@code read.pytorch}, {@code read.safetensors}) are not exported: {@code org.modelheritage.read}
 * is their API.
 */
module org.modelheritage.core {
    requires org.slf4j;
    requires transitive com.fasterxml.jackson.databind;
    requires transitive org.jgrapht.core;

    exports org.modelheritage.compare;
    exports org.modelheritage.eval;
    exports org.modelheritage.family;
    exports org.modelheritage.lake;
    exports org.modelheritage.lineage;
    exports org.modelheritage.read;
    exports org.modelheritage.signature;
    exports org.modelheritage.store;

    // Stores.open finds the store adapters (heritage-storage-jdbc, heritage-storage-fs, an
    // application's own) through ServiceLoader.
    uses org.modelheritage.store.BlobStoreProvider;
    uses org.modelheritage.store.MetadataStoreProvider;

    provides org.modelheritage.store.BlobStoreProvider with org.modelheritage.store.DirectoryBlobStoreProvider;
}
