package org.modelheritage.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.locks.Lock;

/**
 * What differs between SQLite and PostgreSQL, and nothing else: how a transaction starts, how a
 * queued job is locked while claimed, which errors are worth retrying, where the migrations are.
 * The SQL itself is shared ({@code INSERT ... ON CONFLICT ... DO UPDATE} works in both).
 */
abstract class Dialect {

    abstract String name();

    /** Flyway location of this database's migrations. */
    abstract String migrations();

    /** Held around every write transaction: SQLite's single-writer discipline; nothing for PostgreSQL. */
    abstract Lock writeLock();

    /**
     * The statement that starts a transaction. Transactions are begun and ended with SQL statements
     * while the driver stays in auto-commit: one round trip each, and nothing for the pool to reset.
     */
    abstract String begin(boolean write);

    /** Appended to the query that picks the next job, so concurrent claimers skip a job being claimed. */
    abstract String skipLocked();

    /**
     * True when one process owns the database while it is open (SQLite, under its owner lock): a
     * RUNNING job found at open was interrupted. False when processes share it (PostgreSQL): only
     * a job whose lease ran out was.
     */
    abstract boolean singleOwner();

    /**
     * Takes the lock for {@code key} against every process on the database, on a connection of its
     * own that holds it until the returned lock is closed; null when the dialect has none (one owner).
     */
    StoreLockHandle lockKey(javax.sql.DataSource pool, String key) throws SQLException {
        return null;
    }

    /**
     * Takes, inside the transaction on {@code c}, the lock for {@code key} against every process on
     * the database until the transaction ends; nothing when the dialect's write lock already
     * serialises writers (one owner).
     */
    void lockInTransaction(Connection c, String key) throws SQLException {
    }

    /** A held key lock: release it and give its connection back. */
    interface StoreLockHandle {
        void release() throws SQLException;
    }

    /**
     * What keeps the query planner's statistics current, run after every
     * {@link JdbcMetadataStore#OPTIMIZE_EVERY} change sets (and when a large store that has none
     * opens); none where the database does it by itself (PostgreSQL's autovacuum analyses).
     */
    List<String> optimize() {
        return List.of();
    }

    /** A query that returns a row once {@link #optimize()} has gathered statistics; null when it gathers none. */
    String statisticsProbe() {
        return null;
    }

    /** A unique-constraint violation: a concurrent writer won a race; retrying runs the explicit checks again. */
    abstract boolean isUniqueViolation(SQLException e);

    /** A transient failure (deadlock, serialization failure) worth retrying. */
    abstract boolean isTransient(SQLException e);

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static String sqlState(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return "";
    }
}
