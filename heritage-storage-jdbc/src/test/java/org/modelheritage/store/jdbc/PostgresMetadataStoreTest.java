package org.modelheritage.store.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.MetadataStoreContract;
import org.modelheritage.store.StoreException;
import org.modelheritage.store.StoreLock;
import org.modelheritage.store.Stores;
import org.modelheritage.testing.Prerequisites;

/**
 * The contract against a real PostgreSQL server ({@code .ci/run} starts the local one), each test
 * in a fresh schema dropped at the end. Without a server the tests skip with a message, except
 * under CI=true, where they fail so that CI cannot silently skip them. The server URL can be set
 * with -Dheritage.test.postgres or HERITAGE_TEST_POSTGRES.
 */
class PostgresMetadataStoreTest extends MetadataStoreContract {
    private static final String BASE = baseUrl();
    private static final List<String> SCHEMAS = new ArrayList<>();
    private static String user;
    private static String unreachable;

    private static String baseUrl() {
        String url = System.getProperty("heritage.test.postgres");
        if (url == null || url.isBlank()) {
            url = System.getenv("HERITAGE_TEST_POSTGRES");
        }
        return url == null || url.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test" : url;
    }

    @BeforeAll
    static void findServer() {
        List<String> errors = new ArrayList<>();
        for (String candidate : List.of("postgres", "root")) {
            try (Connection c = connect(candidate)) {
                user = candidate;
                return;
            } catch (SQLException e) {
                errors.add(candidate + ": " + e.getMessage());
            }
        }
        unreachable = "PostgreSQL is not reachable at " + BASE + " " + errors
                + " (start it, e.g. with .ci/run, or set -Dheritage.test.postgres)";
    }

    /** Skips the test (each one, so the count and the message show) or, under CI, fails it. */
    private static void requireServer() {
        if (unreachable != null) {
            Prerequisites.missing(unreachable);
        }
    }

    private static Connection connect(String as) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", as);
        p.setProperty("connectTimeout", "3");
        return DriverManager.getConnection(BASE, p);
    }

    @AfterAll
    static void dropSchemas() throws SQLException {
        if (user == null || SCHEMAS.isEmpty()) {
            return;
        }
        try (Connection c = connect(user); Statement s = c.createStatement()) {
            for (String schema : SCHEMAS) {
                s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
        SCHEMAS.clear();
    }

    @Override
    protected URI newStoreUri() {
        requireServer(); // called first by every test
        String schema = "heritage_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        SCHEMAS.add(schema);
        return URI.create(BASE + (BASE.contains("?") ? "&" : "?") + "currentSchema=" + schema + "&user=" + user);
    }

    @Test
    void theSchemaComesFromTheUrl() {
        assertEquals("abc", PostgresStoreProvider.currentSchema("jdbc:postgresql://h/db?x=1&currentSchema=abc"));
        assertEquals("abc", PostgresStoreProvider.currentSchema("jdbc:postgresql://h/db?currentSchema=abc,public"));
        assertNull(PostgresStoreProvider.currentSchema("jdbc:postgresql://h/db"));
    }

    @Test
    void aVersionOneSchemaIsMigratedKeepingItsEdges() throws Exception {
        String schema = "heritage_test_v1_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        SCHEMAS.add(schema);
        try (Connection c = connect(user); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        VersionOneData.create(BASE, user, "classpath:db/migration/postgresql", schema);
        try (MetadataStore old = Stores.openMetadata(URI.create(BASE + (BASE.contains("?") ? "&" : "?")
                + "currentSchema=" + schema + "&user=" + user))) {
            VersionOneData.assertMigrated(old);
        }
    }

    @Test
    void aFamilyLockExcludesAnotherPoolUntilReleasedAndOtherKeysStayFree() throws Exception {
        assertTrue(store.sharedByProcesses());
        assertEquals("16", PostgresStoreProvider.parameter("jdbc:postgresql://h/db?currentSchema=a&poolSize=16", "poolSize"));
        // a second store on the same schema: its own pool and sessions, as another process has
        try (MetadataStore other = Stores.openMetadata(uri, options())) {
            StoreLock held = store.lockFamilies("architecture-1");
            java.util.concurrent.CompletableFuture<StoreLock> waiting =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> other.lockFamilies("architecture-1"));
            long key = PostgresDialect.advisoryKey("architecture-1");
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while (waitingForAdvisoryLock(key) == 0) {
                assertTrue(System.nanoTime() < deadline, "the second pool never asked for the lock");
                Thread.sleep(20); // polling PostgreSQL's lock table: nothing to wait on
            }
            assertTrue(!waiting.isDone(), "the lock is held: the other pool waits");
            try (StoreLock free = other.lockFamilies("architecture-2")) {
                assertTrue(free != null, "another key is not blocked");
            }
            held.close();
            waiting.get(30, java.util.concurrent.TimeUnit.SECONDS).close();
            assertEquals(0, waitingForAdvisoryLock(key));
        }
    }

    /** Sessions waiting for the advisory lock with this key (PostgreSQL splits a bigint key in two). */
    private static int waitingForAdvisoryLock(long key) throws SQLException {
        try (Connection c = connect(user); java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_locks "
                + "WHERE locktype = 'advisory' AND NOT granted AND classid::bigint = ? AND objid::bigint = ?")) {
            ps.setLong(1, key >>> 32);
            ps.setLong(2, key & 0xffffffffL);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void anUnreachableServerGivesAClearError() {
        StoreException e = assertThrows(StoreException.class, () -> Stores.openMetadata(
                URI.create("jdbc:postgresql://127.0.0.1:1/nothing?connectTimeout=2&password=secret")));
        assertTrue(e.getMessage().startsWith("cannot connect to jdbc:postgresql://127.0.0.1:1/nothing"), e.getMessage());
        assertTrue(!e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void aStoreInTheApplicationsDataSource() throws Exception {
        requireServer();
        String schema = "heritage_test_ds_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        SCHEMAS.add(schema);
        try (Connection c = connect(user); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
        config.setJdbcUrl(BASE);
        config.setUsername(user);
        config.setSchema(schema);
        config.setMaximumPoolSize(2);
        try (com.zaxxer.hikari.HikariDataSource app = new com.zaxxer.hikari.HikariDataSource(config);
             MetadataStore store = Stores.openMetadata(app)) {
            assertTrue(store.toString().contains("data source (PostgreSQL)"), store.toString());
            assertEquals(0, store.totals().models());
            store.close();
            // migrated into the data source's schema, and the data source still serves after the store closed
            try (Connection c = app.getConnection(); Statement s = c.createStatement();
                 java.sql.ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + ".models")) {
                assertTrue(rs.next());
                assertEquals(0, rs.getLong(1));
            }
        }
    }
}
