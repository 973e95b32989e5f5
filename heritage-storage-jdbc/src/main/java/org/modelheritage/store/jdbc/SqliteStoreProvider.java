package org.modelheritage.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import javax.sql.DataSource;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.MetadataStoreProvider;
import org.modelheritage.store.OwnerLock;
import org.modelheritage.store.StoreException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * {@code jdbc:sqlite:PATH}: an embedded database file, created (with its folder) on first use. The
 * default store of a lake.
 *
 * <p>Connections use WAL (readers never block the writer), foreign keys, synchronous=FULL (an
 * acknowledged write survives power loss), a 30 s busy timeout, a 32 MB page cache and 256 MB of
 * memory-mapped I/O. Option {@code poolSize} (or {@code readers}): read pool size (default 4).
 *
 * <p>One process owns the database while it is open: an OS lock on {@code PATH.lock} beside it.
 * Opening it from a second process fails at once with {@link org.modelheritage.store.StoreLockedException}
 * naming the holder (process id, host, since when).
 *
 * <p>Also keeps a store in a caller's SQLite {@link DataSource} ({@link JdbcMetadataStores}).
 */
public final class SqliteStoreProvider implements MetadataStoreProvider {
    private static final String PREFIX = "jdbc:sqlite:";

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public String uriSyntax() {
        return "jdbc:sqlite:PATH";
    }

    @Override
    public boolean accepts(URI uri) {
        return uri.toString().startsWith(PREFIX);
    }

    @Override
    public MetadataStore open(URI uri, Map<String, String> options) {
        String rest = uri.toString().substring(PREFIX.length());
        String pathPart = rest.contains("?") ? rest.substring(0, rest.indexOf('?')) : rest;
        if (pathPart.isBlank() || pathPart.contains(":memory:") || pathPart.contains("mode=memory")) {
            throw new IllegalArgumentException("a SQLite store needs a file (jdbc:sqlite:PATH), got " + uri
                    + ": an in-memory database cannot be shared by a connection pool");
        }
        Path file = Paths.get(pathPart.startsWith("file:") ? pathPart.substring(5) : pathPart).toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new StoreException("cannot create the folder of " + file + ": " + e.getMessage(), e);
        }
        String url = PREFIX + file;
        int readers = Integer.parseInt(options.getOrDefault("poolSize", options.getOrDefault("readers", "4")));

        // one owning process: a second one fails here at once, told who holds it, rather than
        // running its own workers and lineage beside ours on the same file
        OwnerLock owner = OwnerLock.acquire(file.resolveSibling(file.getFileName() + ".lock"), "SQLite store " + file);
        HikariDataSource writes = null;
        HikariDataSource reads = null;
        try {
            writes = pool("heritage-sqlite-write", url, 1);
            reads = pool("heritage-sqlite-read", url, readers);
            HikariDataSource r = reads;
            HikariDataSource w = writes;
            return JdbcMetadataStore.open(new SqliteDialect(), reads, writes, () -> {
                try {
                    r.close();
                    w.close();
                } finally {
                    owner.close();
                }
            }, null, url);
        } catch (RuntimeException e) {
            if (writes != null) {
                writes.close();
            }
            if (reads != null) {
                reads.close();
            }
            owner.close();
            throw e;
        }
    }

    @Override
    public boolean acceptsDatabase(String databaseProductName) {
        return "SQLite".equalsIgnoreCase(databaseProductName);
    }

    @Override
    public MetadataStore open(DataSource dataSource, Map<String, String> options) {
        return JdbcMetadataStores.open(dataSource);
    }

    private static HikariDataSource pool(String name, String url, int size) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.enforceForeignKeys(true);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(30_000);
        // 100,000 models with their indexes are ~100 MB: a larger page cache and memory-mapped reads
        // keep searches and bulk inserts off the read() system call
        config.setCacheSize(-32_768);
        config.setPragma(SQLiteConfig.Pragma.MMAP_SIZE, Long.toString(256L << 20));
        SQLiteDataSource ds = new SQLiteDataSource(config);
        ds.setUrl(url);
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setDataSource(ds);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(Math.min(1, size));
        hc.setAutoCommit(true);
        hc.setConnectionTimeout(120_000); // writers queue behind the write lock, not here
        return new HikariDataSource(hc);
    }
}
