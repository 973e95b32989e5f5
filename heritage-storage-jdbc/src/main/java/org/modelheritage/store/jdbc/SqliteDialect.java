package org.modelheritage.store.jdbc;

import java.sql.SQLException;
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
