/**
 * The metadata store on SQLite (the embedded default) and PostgreSQL, with Flyway migrations.
 * PostgreSQL needs {@code org.postgresql:postgresql} and {@code org.flywaydb:flyway-database-postgresql}
 * beside this module; they are optional dependencies.
 */
module org.modelheritage.storage.jdbc {
    requires transitive org.modelheritage.core;
    requires transitive java.sql;
    requires org.slf4j;
    requires com.zaxxer.hikari;
    requires flyway.core;
    requires org.xerial.sqlitejdbc;

    exports org.modelheritage.store.jdbc;

    // Flyway reads the migrations as resources of this module.
    opens db.migration.sqlite;
    opens db.migration.postgresql;

    provides org.modelheritage.store.MetadataStoreProvider
            with org.modelheritage.store.jdbc.SqliteStoreProvider, org.modelheritage.store.jdbc.PostgresStoreProvider;
}
