package org.modelheritage.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * PostgreSQL: many writers at once (READ COMMITTED); rows are locked by the server, races end in
 * a unique violation or a deadlock that the store retries.
 */
final class PostgresDialect extends Dialect {
    @Override
    String name() {
        return "postgresql";
    }

    @Override
    String migrations() {
        return "classpath:db/migration/postgresql";
    }

    @Override
    Lock writeLock() {
        return NoLock.INSTANCE;
    }

    @Override
    void begin(Connection c, boolean write) throws SQLException {
        c.setAutoCommit(false);
        if (!write) {
            // count and page of one search must see the same snapshot
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
        }
    }

    @Override
    void commit(Connection c) throws SQLException {
        c.commit(); // the pool restores auto-commit, isolation and read-only on return
    }

    @Override
    void rollback(Connection c) throws SQLException {
        if (!c.isClosed() && !c.getAutoCommit()) {
            c.rollback();
        }
    }

    @Override
    String skipLocked() {
        return " FOR UPDATE SKIP LOCKED";
    }

    @Override
    boolean isUniqueViolation(SQLException e) {
        return "23505".equals(sqlState(e));
    }

    @Override
    boolean isTransient(SQLException e) {
        String state = sqlState(e);
        return "40001".equals(state) || "40P01".equals(state);
    }

    /** A lock that does nothing. */
    enum NoLock implements Lock {
        INSTANCE;

        @Override
        public void lock() {
        }

        @Override
        public void lockInterruptibly() {
        }

        @Override
        public boolean tryLock() {
            return true;
        }

        @Override
        public boolean tryLock(long time, TimeUnit unit) {
            return true;
        }

        @Override
        public void unlock() {
        }

        @Override
        public Condition newCondition() {
            throw new UnsupportedOperationException();
        }
    }
}
