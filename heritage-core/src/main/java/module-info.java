/**
 * Model Heritage's core: reading weight files, signatures, families, lineage, the model lake and
 * the storage SPI. The readers' implementation packages ({@code read.io}, {@code read.pickle},
 * {@code read.pytorch}, {@code read.safetensors}) are not exported: {@code org.modelheritage.read}
 * is their API.
 */
module org.modelheritage.core {
    requires org.slf4j;
    // No "requires jdk.incubator.vector": the Vector API kernels (org.modelheritage.simd.vector, not
    // exported, so javadoc never reads them and needs no incubator module) are compiled with
    // --add-reads, and Kernels adds the read edge at run time when the JVM resolved the incubator
    // module (--add-modules jdk.incubator.vector); without it the scalar kernels run.
    requires transitive java.sql;
    requires transitive com.fasterxml.jackson.databind;
    requires transitive org.jgrapht.core;

    exports org.modelheritage.compare;
    exports org.modelheritage.eval;
    exports org.modelheritage.family;
    exports org.modelheritage.lake;
    exports org.modelheritage.lineage;
    exports org.modelheritage.read;
    exports org.modelheritage.signature;
    exports org.modelheritage.simd;
    exports org.modelheritage.store;

    // Stores.open finds the store adapters (heritage-storage-jdbc, heritage-storage-fs, an
    // application's own) through ServiceLoader.
    uses org.modelheritage.store.BlobStoreProvider;
    uses org.modelheritage.store.MetadataStoreProvider;

    provides org.modelheritage.store.BlobStoreProvider with org.modelheritage.store.DirectoryBlobStoreProvider;
}
