package org.modelheritage.store.jdbc;

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
    String begin(boolean write) {
        // a read sees one snapshot: a search's count and page agree
        return write ? "BEGIN ISOLATION LEVEL READ COMMITTED" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    }

    @Override
    String skipLocked() {
        return " FOR UPDATE SKIP LOCKED";
    }

    @Override
    boolean singleOwner() {
        return false;
    }

    /**
     * A session advisory lock keyed by the first 8 bytes of SHA-256("heritage-family:" + key),
     * held by a connection set aside for it: PostgreSQL releases it if the process dies and the
     * connection drops.
     */
    @Override
    StoreLockHandle lockKey(javax.sql.DataSource pool, String key) throws SQLException {
        long id = advisoryKey(key);
        java.sql.Connection c = pool.getConnection();
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_lock(?)")) {
            ps.setLong(1, id);
            ps.execute();
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return () -> {
            try (c; java.sql.PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
                ps.setLong(1, id);
                ps.execute();
            }
        };
    }

    @Override
    void lockInTransaction(java.sql.Connection c, String key) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, advisoryKey(key));
            ps.execute();
        }
    }

    /**
     * The advisory-lock id of a key: family groups' keys and {@code blob:} keys alike. The
     * "heritage-family:" prefix is the namespace of every lock the store takes, named before blobs
     * had locks; it stays, since processes of two versions over one database must take the same
     * lock for the same key.
     */
    static long advisoryKey(String key) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(("heritage-family:" + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(d).getLong();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
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
