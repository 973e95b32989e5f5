package org.modelheritage.store.jdbc;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite: one writer at a time. Within the JVM a fair lock queues writers (so they never meet
 * SQLITE_BUSY); against other processes {@code BEGIN IMMEDIATE} takes the database's write lock up
 * front and busy_timeout waits for it. (Explicit BEGIN also matters because sqlite-jdbc, left to
 * manage transactions itself, opens the next one right after each commit and would keep the write
 * lock while the connection idles in the pool.)
 */
final class SqliteDialect extends Dialect {
    private final Lock writeLock = new ReentrantLock(true);

    @Override
    String name() {
        return "sqlite";
    }

    @Override
    String migrations() {
        return "classpath:db/migration/sqlite";
    }

    /**
     * SQLite plans without statistics until ANALYZE has run, and then takes an index on a family
     * (a thousand rows) for one on a model (one row): a model page's edges in a 1,000-model family
     * took 0.6 ms instead of 0.2. Each table the pages and the lake query is analysed from a sample
     * of about 400 rows an index (milliseconds whatever its size); not the cached pair values, the
     * largest table by far, whose lookups have one index to take anyway (analysing it whole made
     * the first open of a 10,000-model lake 3 s slower from a cold disk cache).
     */
    @Override
    List<String> optimize() {
        return List.of("PRAGMA analysis_limit=400", "ANALYZE models", "ANALYZE model_files", "ANALYZE families",
                "ANALYZE lineage_edges", "ANALYZE jobs");
    }

    @Override
    String statisticsProbe() {
        return "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'";
    }

    @Override
    Lock writeLock() {
        return writeLock;
    }

    @Override
    String begin(boolean write) {
        return write ? "BEGIN IMMEDIATE" : "BEGIN";
    }

    @Override
    String skipLocked() {
        return ""; // the write lock already excludes other claimers
    }

    @Override
    boolean singleOwner() {
        return true;
    }

    @Override
    boolean isUniqueViolation(SQLException e) {
        return e instanceof SQLiteException s && (s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE
                || s.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY
                || String.valueOf(s.getMessage()).contains("UNIQUE constraint failed"));
    }

    @Override
    boolean isTransient(SQLException e) {
        return e instanceof SQLiteException s && (s.getResultCode() == SQLiteErrorCode.SQLITE_BUSY
                || s.getResultCode() == SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT);
    }
}
