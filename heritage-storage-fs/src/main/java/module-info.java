/** The metadata store as journaled JSON files in a directory, for a lake without a database. */
module org.modelheritage.storage.fs {
    requires transitive org.modelheritage.core;
    requires org.slf4j;
    requires com.fasterxml.jackson.databind;

    exports org.modelheritage.store.fs;

    provides org.modelheritage.store.MetadataStoreProvider with org.modelheritage.store.fs.FileStoreProvider;
}
