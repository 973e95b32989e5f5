package org.modelheritage.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * SQLite: one writer at a time. Within the JVM a fair lock queues writers (so they never meet
 * SQLITE_BUSY); against other processes {@code BEGIN IMMEDIATE} takes the database's write lock up
 * front and busy_timeout waits for it. Transactions are begun with explicit statements while the
 * driver stays in auto-commit, because sqlite-jdbc would otherwise open the next transaction right
 * after each commit and keep the write lock while the connection idles in the pool.
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

    @Override
    Lock writeLock() {
        return writeLock;
    }

    @Override
    void begin(Connection c, boolean write) throws SQLException {
        exec(c, write ? "BEGIN IMMEDIATE" : "BEGIN");
    }

    @Override
    void commit(Connection c) throws SQLException {
        exec(c, "COMMIT");
    }

    @Override
    void rollback(Connection c) throws SQLException {
        if (!c.isClosed()) {
            try {
                exec(c, "ROLLBACK");
            } catch (SQLException e) {
                // "cannot rollback - no transaction is active": SQLite already rolled back
                if (!String.valueOf(e.getMessage()).contains("no transaction is active")) {
                    throw e;
                }
            }
        }
    }

    @Override
    String skipLocked() {
        return ""; // the write lock already excludes other claimers
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
