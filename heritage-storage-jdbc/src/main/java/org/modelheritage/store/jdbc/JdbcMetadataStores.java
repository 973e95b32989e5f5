package org.modelheritage.store.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.StoreException;

/**
 * Metadata stores in an application's own {@link DataSource} (its connection pool), for when the
 * lake should not open connections of its own:
 *
 * <pre>{@code
 * MetadataStore meta = JdbcMetadataStores.open(appDataSource);
 * ModelLake lake = ModelLake.builder().metadataStore(meta).blobStore(blobUri).build();
 * }</pre>
 *
 * The database is told apart by the product name its driver reports: SQLite or PostgreSQL (in
 * the connection's current schema). The schema is migrated on open, as for a store opened by URI.
 * The data source stays the caller's: closing the store leaves it open.
 */
public final class JdbcMetadataStores {
    private JdbcMetadataStores() {
    }

    /**
     * The store in the database behind {@code dataSource}.
     *
     * @param dataSource the application's data source; the store borrows connections from it and never closes it
     * @return the open store, its schema migrated; the caller closes it
     * @throws IllegalArgumentException for a database other than SQLite or PostgreSQL, or a SQLite
     *     data source whose connections do not enforce foreign keys (the store relies on them: set
     *     {@code SQLiteConfig.enforceForeignKeys(true)})
     * @throws StoreException when no connection can be had, or the migration fails
     */
    public static MetadataStore open(DataSource dataSource) {
        String product;
        boolean foreignKeys;
        try (Connection c = dataSource.getConnection()) {
            product = c.getMetaData().getDatabaseProductName();
            foreignKeys = !"SQLite".equalsIgnoreCase(product) || sqliteForeignKeys(c);
        } catch (SQLException e) {
            throw new StoreException("cannot connect through the data source: " + e.getMessage(), e);
        }
        Dialect dialect;
        if ("SQLite".equalsIgnoreCase(product)) {
            if (!foreignKeys) {
                throw new IllegalArgumentException("the SQLite data source's connections do not enforce foreign keys "
                        + "(PRAGMA foreign_keys is off); the store needs them: SQLiteConfig.enforceForeignKeys(true)");
            }
            dialect = new SqliteDialect();
        } else if ("PostgreSQL".equalsIgnoreCase(product)) {
            dialect = new PostgresDialect();
        } else {
            throw new IllegalArgumentException("a metadata store keeps its data in SQLite or PostgreSQL, not " + product);
        }
        return JdbcMetadataStore.open(dialect, dataSource, dataSource, () -> { }, null,
                "data source (" + product + ")");
    }

    private static boolean sqliteForeignKeys(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA foreign_keys")) {
            return rs.next() && rs.getInt(1) == 1;
        }
    }
}
