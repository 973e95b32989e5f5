package org.modelheritage.store.jdbc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.PairDistance;
import org.modelheritage.store.ApiToken;
import org.modelheritage.store.AuditEntry;
import org.modelheritage.store.Change;
import org.modelheritage.store.ChangeSet;
import org.modelheritage.store.DuplicateChecksumException;
import org.modelheritage.store.DuplicateIdException;
import org.modelheritage.store.Family;
import org.modelheritage.store.Ids;
import org.modelheritage.store.Job;
import org.modelheritage.store.JobState;
import org.modelheritage.store.LakeStats;
import org.modelheritage.store.LakeTotals;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelFile;
import org.modelheritage.store.ModelQuery;
import org.modelheritage.store.ModelStatus;
import org.modelheritage.store.NoSuchRecordException;
import org.modelheritage.store.Page;
import org.modelheritage.store.StoreException;
import org.modelheritage.store.StoreLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata store over JDBC, one code base for SQLite and PostgreSQL; what differs is in
 * {@link Dialect}. Every {@link ChangeSet} is one transaction; requirements are checked with
 * explicit queries inside it (so both databases raise the same typed exceptions), and foreign keys
 * and the unique checksum back them up. A write that loses a race (unique violation, deadlock) is
 * retried, and then its checks see the winner.
 */
public final class JdbcMetadataStore implements MetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcMetadataStore.class);
    private static final int MAX_ATTEMPTS = 5;
    private static final int IN_CHUNK = 500;

    private static final String MODEL_COLUMNS = "id, name, description, format, checksum, byte_size, parameter_count, "
            + "layer_count, structural_hash, family_id, parent_id, confidence, status, failure_message, created_at, "
            + "processed_at";
    private static final String NAME_ORDER = " ORDER BY name_key, name, id";
    private static final String JOB_COLUMNS = "model_id, state, attempts, enqueued_at, started_at, finished_at, last_error, "
            + "owner, lease_until";

    /** Change sets between two runs of the dialect's {@link Dialect#optimize()}. */
    static final int OPTIMIZE_EVERY = 1000;
    /**
     * A store with this many models, whose planner statistics were never gathered (one written
     * before they were), gathers them when it opens. A smaller one waits for its next
     * {@link #OPTIMIZE_EVERY} change sets: opening and reading a lake leaves its files as they were.
     */
    static final int OPTIMIZE_AT_OPEN_MODELS = 1000;

    private final Dialect dialect;
    private final DataSource reads;
    private final DataSource writes;
    /** Closes the pools this store opened; nothing for a caller's data source. */
    private final Runnable closePools;
    private final String description;
    /** Change sets applied since the store opened, for {@link #OPTIMIZE_EVERY}. */
    private final AtomicLong applied = new AtomicLong();

    private JdbcMetadataStore(Dialect dialect, DataSource reads, DataSource writes, Runnable closePools,
                              String description) {
        this.dialect = dialect;
        this.reads = reads;
        this.writes = writes;
        this.closePools = closePools;
        this.description = description;
    }

    /**
     * Migrates the schema (in {@code schema} when given) and returns the store over the two data
     * sources (the same one twice is fine); {@code closePools} runs when the store closes.
     */
    static JdbcMetadataStore open(Dialect dialect, DataSource reads, DataSource writes, Runnable closePools,
                                  String schema, String description) {
        var config = Flyway.configure(JdbcMetadataStore.class.getClassLoader())
                .dataSource(writes)
                .locations(dialect.migrations());
        if (schema != null) {
            config.schemas(schema).defaultSchema(schema);
        }
        Lock lock = dialect.writeLock();
        lock.lock();
        try {
            var result = config.load().migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("{}: migrated schema to version {}", description, result.targetSchemaVersion);
            }
        } catch (FlywayException e) {
            throw new StoreException("cannot migrate " + description + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        JdbcMetadataStore store = new JdbcMetadataStore(dialect, reads, writes, closePools, description);
        store.optimizeIfNeverDone();
        return store;
    }

    /** Gathers the planner's statistics of a large store that has none (see {@link #OPTIMIZE_AT_OPEN_MODELS}). */
    private void optimizeIfNeverDone() {
        String probe = dialect.statisticsProbe();
        if (probe != null && read(tx -> !tx.exists(probe)
                && tx.count("SELECT count(*) FROM models") >= OPTIMIZE_AT_OPEN_MODELS)) {
            optimize();
        }
    }

    private void optimize() {
        List<String> statements = dialect.optimize();
        if (!statements.isEmpty()) {
            write(tx -> {
                for (String sql : statements) {
                    Dialect.exec(tx.c, sql);
                }
                return null;
            });
        }
    }

    @Override
    public String toString() {
        return "JdbcMetadataStore[" + description + "]";
    }

    @Override
    public void close() {
        closePools.run();
    }

    // ================================================================== transactions

    @FunctionalInterface
    private interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /** A transaction's connection with a cache of its prepared statements. */
    private static final class Tx implements AutoCloseable {
        final Connection c;
        private final Map<String, PreparedStatement> statements = new HashMap<>();

        Tx(Connection c) {
            this.c = c;
        }

        PreparedStatement ps(String sql, Object... params) throws SQLException {
            PreparedStatement ps = statements.get(sql);
            if (ps == null) {
                ps = c.prepareStatement(sql);
                statements.put(sql, ps);
            }
            for (int i = 0; i < params.length; i++) {
                bind(ps, i + 1, params[i]);
            }
            return ps;
        }

        int update(String sql, Object... params) throws SQLException {
            return ps(sql, params).executeUpdate();
        }

        boolean exists(String sql, Object... params) throws SQLException {
            try (ResultSet rs = ps(sql, params).executeQuery()) {
                return rs.next();
            }
        }

        long count(String sql, Object... params) throws SQLException {
            try (ResultSet rs = ps(sql, params).executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }

        @Override
        public void close() throws SQLException {
            SQLException first = null;
            for (PreparedStatement ps : statements.values()) {
                try {
                    ps.close();
                } catch (SQLException e) {
                    first = first == null ? e : first;
                }
            }
            statements.clear();
            if (first != null) {
                throw first;
            }
        }
    }

    private static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.NULL);
        } else if (v instanceof String s) {
            ps.setString(i, s);
        } else if (v instanceof Long l) {
            ps.setLong(i, l);
        } else if (v instanceof Integer n) {
            ps.setInt(i, n);
        } else if (v instanceof Double d) {
            ps.setDouble(i, d);
        } else if (v instanceof Instant t) {
            ps.setLong(i, t.toEpochMilli());
        } else if (v instanceof Enum<?> e) {
            ps.setString(i, e.name());
        } else if (v instanceof byte[] b) {
            ps.setBytes(i, b);
        } else {
            throw new IllegalArgumentException("cannot bind " + v.getClass());
        }
    }

    private <T> T read(Work<T> work) {
        try (Connection c = reads.getConnection()) {
            Dialect.exec(c, dialect.begin(false));
            try (Tx tx = new Tx(c)) {
                T result = work.run(tx);
                tx.close();
                Dialect.exec(c, "COMMIT");
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException(description + ": read failed: " + e.getMessage(), e);
        }
    }

    private <T> T write(Work<T> work) {
        Lock lock = dialect.writeLock();
        for (int attempt = 1; ; attempt++) {
            lock.lock();
            try (Connection c = writes.getConnection()) {
                Dialect.exec(c, dialect.begin(true));
                try (Tx tx = new Tx(c)) {
                    T result = work.run(tx);
                    tx.close();
                    Dialect.exec(c, "COMMIT");
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c, e);
                    throw e;
                }
            } catch (SQLException e) {
                boolean retry = dialect.isUniqueViolation(e) || dialect.isTransient(e);
                if (!retry || attempt == MAX_ATTEMPTS) {
                    throw new StoreException(description + ": write failed: " + e.getMessage(), e);
                }
                LOG.debug("{}: retrying a write after {}", description, e.toString());
            } finally {
                lock.unlock();
            }
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            if (!c.isClosed()) {
                Dialect.exec(c, "ROLLBACK");
            }
        } catch (SQLException e) {
            // e.g. SQLite after an error that already ended the transaction
            cause.addSuppressed(e);
        }
    }

    // ================================================================== reads

    @Override
    public Optional<Model> model(String id) {
        return read(tx -> first(loadModels(tx, "SELECT " + MODEL_COLUMNS + " FROM models WHERE id = ?", id)));
    }

    @Override
    public Optional<Model> modelByChecksum(String checksum) {
        return read(tx -> first(loadModels(tx, "SELECT " + MODEL_COLUMNS + " FROM models WHERE checksum = ?", checksum)));
    }

    @Override
    public Page<Model> searchModels(ModelQuery q) {
        StringBuilder where = new StringBuilder(" WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (q.nameKeyContains() != null) {
            where.append(" AND name_key LIKE ? ESCAPE '\\'");
            params.add("%" + escapeLike(q.nameKeyContains()) + "%");
        }
        if (q.familyId() != null) {
            where.append(" AND family_id = ?");
            params.add(q.familyId());
        }
        if (q.status() != null) {
            where.append(" AND status = ?");
            params.add(q.status());
        }
        return read(tx -> {
            List<Model> items = List.of();
            if (q.limit() > 0) {
                List<Object> pageParams = new ArrayList<>(params);
                pageParams.add((long) q.limit());
                pageParams.add((long) q.offset());
                items = loadModels(tx, "SELECT " + MODEL_COLUMNS + " FROM models" + where + NAME_ORDER
                        + " LIMIT ? OFFSET ?", pageParams.toArray());
            }
            // a page that is not full holds the last matches, so it gives the total without the
            // second scan a count costs (a search scans every name)
            boolean last = q.limit() > 0 && (items.isEmpty() ? q.offset() == 0 : items.size() < q.limit());
            long total = last ? q.offset() + items.size() : tx.count("SELECT count(*) FROM models" + where, params.toArray());
            return new Page<>(items, total, q.offset(), q.limit());
        });
    }

    static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    @Override
    public List<Model> children(String modelId) {
        return read(tx -> loadModels(tx, "SELECT " + MODEL_COLUMNS + " FROM models WHERE parent_id = ?" + NAME_ORDER,
                modelId));
    }

    /** A row when some model lists the blob: what {@link #blobReferenced} and a deletion ask alike. */
    private static final String BLOB_REFERENCED = "SELECT 1 FROM model_files WHERE sha256 = ?";

    @Override
    public boolean blobReferenced(String sha256) {
        return read(tx -> tx.exists(BLOB_REFERENCED, sha256));
    }

    /** A hold older than this is taken for one a dead process left behind. */
    private static final Duration STALE_HOLD = Duration.ofDays(1);

    @Override
    public void holdBlob(String sha256, String holder) {
        write(tx -> {
            dialect.lockInTransaction(tx.c, "blob:" + sha256);
            return tx.update("INSERT INTO blob_holds (sha256, holder, since) VALUES (?, ?, ?) "
                    + "ON CONFLICT (sha256, holder) DO UPDATE SET since = excluded.since", sha256, holder, Instant.now());
        });
    }

    @Override
    public void releaseBlob(String sha256, String holder) {
        write(tx -> tx.update("DELETE FROM blob_holds WHERE sha256 = ? AND holder = ?", sha256, holder));
    }

    @Override
    public boolean deleteBlobIfUnused(String sha256, BlobDeletion delete) throws IOException {
        try {
            return write(tx -> {
                dialect.lockInTransaction(tx.c, "blob:" + sha256);
                tx.update("DELETE FROM blob_holds WHERE sha256 = ? AND since < ?", sha256, Instant.now().minus(STALE_HOLD));
                if (tx.exists(BLOB_REFERENCED, sha256)
                        || tx.exists("SELECT 1 FROM blob_holds WHERE sha256 = ?", sha256)) {
                    return false;
                }
                try {
                    delete.run(); // inside the transaction: a hold of this blob waits for the lock until it is done
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return true;
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static final String FAMILY_SELECT = "SELECT f.id, f.structural_hash, f.root_model_id, "
            + "(SELECT count(*) FROM models m WHERE m.family_id = f.id) FROM families f";

    @Override
    public Optional<Family> family(String id) {
        return read(tx -> first(loadFamilies(tx, FAMILY_SELECT + " WHERE f.id = ?", id)));
    }

    @Override
    public Page<Family> families(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must be >= 0");
        }
        return read(tx -> {
            long total = tx.count("SELECT count(*) FROM families");
            List<Family> items = limit == 0 ? List.of()
                    : loadFamilies(tx, FAMILY_SELECT + " ORDER BY f.id LIMIT ? OFFSET ?", (long) limit, (long) offset);
            return new Page<>(items, total, offset, limit);
        });
    }

    @Override
    public List<Family> familiesByStructuralHash(String structuralHash) {
        return read(tx -> loadFamilies(tx, FAMILY_SELECT + " WHERE f.structural_hash = ? ORDER BY f.id", structuralHash));
    }

    @Override
    public List<Model> modelsOfFamilies(String structuralHash, ModelStatus status) {
        List<Model> out = new ArrayList<>(read(tx -> loadModels(tx, "SELECT " + MODEL_COLUMNS + " FROM models "
                + "WHERE status = ? AND family_id IN (SELECT id FROM families WHERE structural_hash = ?)", status,
                structuralHash)));
        out.sort(Comparator.comparing(Model::id)); // String order, whatever the database's collation
        return out;
    }

    @Override
    public List<LineageEdge> lineage(String familyId) {
        return read(tx -> {
            List<LineageEdge> edges = new ArrayList<>();
            try (ResultSet rs = tx.ps("SELECT " + EDGE_COLUMNS + " FROM lineage_edges "
                    + "WHERE family_id = ? ORDER BY parent_id, child_id", familyId).executeQuery()) {
                while (rs.next()) {
                    edges.add(edge(rs));
                }
            }
            return edges;
        });
    }

    @Override
    public List<LineageEdge> lineageOf(String familyId, String modelId) {
        return read(tx -> {
            List<LineageEdge> edges = new ArrayList<>();
            // by the child key and the parent index, not a scan of the family's edges
            try (ResultSet rs = tx.ps("SELECT " + EDGE_COLUMNS + " FROM lineage_edges WHERE child_id = ? AND family_id = ? "
                    + "UNION ALL SELECT " + EDGE_COLUMNS + " FROM lineage_edges WHERE parent_id = ? AND family_id = ? "
                    + "AND child_id <> ? ORDER BY 1, 2", modelId, familyId, modelId, familyId, modelId).executeQuery()) {
                while (rs.next()) {
                    edges.add(edge(rs));
                }
            }
            return edges;
        });
    }

    @Override
    public OptionalDouble distance(String modelA, String modelB, String metric) {
        if (modelA.equals(modelB)) {
            return OptionalDouble.empty();
        }
        PairDistance key = PairDistance.symmetric(modelA, modelB, metric, 0);
        return read(tx -> {
            try (ResultSet rs = tx.ps("SELECT value FROM distances WHERE model_a = ? AND model_b = ? AND metric = ?",
                    key.modelA(), key.modelB(), metric).executeQuery()) {
                return rs.next() ? OptionalDouble.of(rs.getDouble(1)) : OptionalDouble.empty();
            }
        });
    }

    @Override
    public List<PairDistance> distances(Collection<String> modelIds, String metric) {
        Set<String> ids = new LinkedHashSet<>(modelIds);
        if (ids.size() < 2) {
            return List.of();
        }
        return read(tx -> {
            List<PairDistance> found = new ArrayList<>();
            for (List<String> chunk : chunks(ids)) {
                String sql = "SELECT model_a, model_b, value FROM distances WHERE metric = ? AND model_a IN ("
                        + placeholders(chunk.size()) + ")";
                List<Object> params = new ArrayList<>();
                params.add(metric);
                params.addAll(chunk);
                try (ResultSet rs = tx.ps(sql, params.toArray()).executeQuery()) {
                    while (rs.next()) {
                        if (ids.contains(rs.getString(2))) {
                            found.add(new PairDistance(rs.getString(1), rs.getString(2), metric, rs.getDouble(3)));
                        }
                    }
                }
            }
            return found;
        });
    }

    @Override
    public List<PairDistance> distancesInvolving(Collection<String> involving, Collection<String> among, String metric) {
        Set<String> all = new java.util.HashSet<>(among);
        Set<String> some = new LinkedHashSet<>(involving);
        some.retainAll(all);
        if (some.isEmpty() || all.size() < 2) {
            return List.of();
        }
        return read(tx -> {
            Map<String, PairDistance> found = new LinkedHashMap<>();
            for (List<String> chunk : chunks(some)) {
                for (String end : List.of("model_a", "model_b")) {
                    List<Object> params = new ArrayList<>();
                    params.add(metric);
                    params.addAll(chunk);
                    try (ResultSet rs = tx.ps("SELECT model_a, model_b, value FROM distances WHERE metric = ? AND " + end
                            + " IN (" + placeholders(chunk.size()) + ")", params.toArray()).executeQuery()) {
                        while (rs.next()) {
                            String a = rs.getString(1);
                            String b = rs.getString(2);
                            if (all.contains(a) && all.contains(b)) {
                                found.put(a + '\u0000' + b, new PairDistance(a, b, metric, rs.getDouble(3)));
                            }
                        }
                    }
                }
            }
            return new ArrayList<>(found.values());
        });
    }

    @Override
    public Optional<byte[]> statistics(String modelId, String version) {
        return read(tx -> {
            try (ResultSet rs = tx.ps("SELECT data FROM model_statistics WHERE model_id = ? AND version = ?",
                    modelId, version).executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                byte[] data = rs.getBytes(1);
                return Optional.of(data == null ? new byte[0] : data);
            }
        });
    }

    @Override
    public Map<String, byte[]> statistics(Collection<String> modelIds, String version) {
        Set<String> ids = new LinkedHashSet<>(modelIds);
        return read(tx -> {
            Map<String, byte[]> found = new HashMap<>();
            for (List<String> chunk : chunks(ids)) {
                List<Object> params = new ArrayList<>();
                params.add(version);
                params.addAll(chunk);
                try (ResultSet rs = tx.ps("SELECT model_id, data FROM model_statistics WHERE version = ? AND model_id IN ("
                        + placeholders(chunk.size()) + ")", params.toArray()).executeQuery()) {
                    while (rs.next()) {
                        byte[] data = rs.getBytes(2);
                        found.put(rs.getString(1), data == null ? new byte[0] : data);
                    }
                }
            }
            return found;
        });
    }

    @Override
    public Optional<Job> job(String modelId) {
        return read(tx -> first(loadJobs(tx, "SELECT " + JOB_COLUMNS + " FROM jobs WHERE model_id = ?", modelId)));
    }

    @Override
    public List<Job> jobs(JobState state) {
        return read(tx -> loadJobs(tx, "SELECT " + JOB_COLUMNS + " FROM jobs WHERE state = ? ORDER BY enqueued_at, model_id",
                state));
    }

    // ---- access

    private static final String TOKEN_COLUMNS = "id, name, role, secret_hash, created_at, expires_at, revoked_at, created_by";
    private static final String AUDIT_COLUMNS = "id, at, actor, action, target, client, detail";

    @Override
    public Optional<ApiToken> token(String id) {
        return read(tx -> first(loadTokens(tx, "SELECT " + TOKEN_COLUMNS + " FROM api_tokens WHERE id = ?", id)));
    }

    @Override
    public Optional<ApiToken> tokenBySecretHash(String secretHash) {
        return read(tx -> first(loadTokens(tx, "SELECT " + TOKEN_COLUMNS + " FROM api_tokens WHERE secret_hash = ?",
                secretHash)));
    }

    @Override
    public List<ApiToken> tokens() {
        return read(tx -> loadTokens(tx, "SELECT " + TOKEN_COLUMNS + " FROM api_tokens ORDER BY created_at, id"));
    }

    @Override
    public Page<AuditEntry> audit(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must be >= 0");
        }
        return read(tx -> {
            long total = tx.count("SELECT count(*) FROM audit_log");
            List<AuditEntry> items = new ArrayList<>();
            if (limit > 0 && offset < total) {
                try (ResultSet rs = tx.ps("SELECT " + AUDIT_COLUMNS + " FROM audit_log ORDER BY at DESC, id DESC "
                        + "LIMIT ? OFFSET ?", (long) limit, (long) offset).executeQuery()) {
                    while (rs.next()) {
                        items.add(new AuditEntry(rs.getString(1), getInstant(rs, 2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7)));
                    }
                }
            }
            return new Page<>(items, total, offset, limit);
        });
    }

    private static List<ApiToken> loadTokens(Tx tx, String sql, Object... params) throws SQLException {
        List<ApiToken> out = new ArrayList<>();
        try (ResultSet rs = tx.ps(sql, params).executeQuery()) {
            while (rs.next()) {
                out.add(new ApiToken(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        getInstant(rs, 5), getInstant(rs, 6), getInstant(rs, 7), rs.getString(8)));
            }
        }
        return out;
    }

    @Override
    public LakeTotals totals() {
        return read(tx -> {
            // one scan of the models, aggregated further here
            long models = 0;
            long parameters = 0;
            Instant last = null;
            Map<ModelStatus, Long> byStatus = new HashMap<>();
            Map<String, Long> byFormat = new HashMap<>();
            try (ResultSet rs = tx.ps("SELECT status, format, count(*), sum(parameter_count), max(created_at) "
                    + "FROM models GROUP BY status, format").executeQuery()) {
                while (rs.next()) {
                    long n = rs.getLong(3);
                    models += n;
                    byStatus.merge(ModelStatus.valueOf(rs.getString(1)), n, Long::sum);
                    String format = rs.getString(2);
                    byFormat.merge(format == null ? LakeTotals.UNKNOWN_FORMAT : format, n, Long::sum);
                    parameters += rs.getLong(4);
                    Instant newest = getInstant(rs, 5);
                    if (newest != null && (last == null || newest.isAfter(last))) {
                        last = newest;
                    }
                }
            }
            long families = tx.count("SELECT count(*) FROM families");
            return new LakeTotals(models, families, byStatus, byFormat, parameters, last);
        });
    }

    /** Days since the epoch (UTC): created_at is milliseconds, and integer division truncates in both dialects. */
    private static final String UPLOADS_BY_DAY = "SELECT created_at / 86400000, status, format, count(*), "
            + "sum(parameter_count), sum(byte_size) FROM models GROUP BY created_at / 86400000, status, format";

    /** One row per family with members; its root's name where lineage found a root. */
    private static final String FAMILY_SIZES = "SELECT m.family_id, f.root_model_id, r.name, count(*), "
            + "sum(m.parameter_count), sum(m.byte_size) FROM models m LEFT JOIN families f ON f.id = m.family_id "
            + "LEFT JOIN models r ON r.id = f.root_model_id WHERE m.family_id IS NOT NULL "
            + "GROUP BY m.family_id, f.root_model_id, r.name";

    /** Edges by kind and confidence bin; the bin bounds are bound as parameters, the ones LakeStats.confidenceBin uses. */
    private static final String EDGES_BY_BIN;

    static {
        StringBuilder bin = new StringBuilder("CASE");
        for (int b = 0; b < LakeStats.CONFIDENCE_BINS - 1; b++) {
            bin.append(" WHEN confidence < ? THEN ").append(b);
        }
        bin.append(" ELSE ").append(LakeStats.CONFIDENCE_BINS - 1).append(" END");
        // binned in a subquery: PostgreSQL would not see a repeated expression with other parameters as the same
        EDGES_BY_BIN = "SELECT kind, bin, count(*) FROM (SELECT kind, " + bin + " AS bin FROM lineage_edges) e "
                + "GROUP BY kind, bin";
    }

    @Override
    public LakeStats stats(int largestFamilies) {
        if (largestFamilies < 0) {
            throw new IllegalArgumentException("largestFamilies must be >= 0, got " + largestFamilies);
        }
        return read(tx -> {
            LakeStats.Tally t = new LakeStats.Tally();
            try (ResultSet rs = tx.ps(UPLOADS_BY_DAY).executeQuery()) {
                while (rs.next()) {
                    t.models(rs.getLong(1), ModelStatus.valueOf(rs.getString(2)), rs.getString(3), rs.getLong(5),
                            rs.getLong(6), rs.getLong(4));
                }
            }
            try (ResultSet rs = tx.ps(FAMILY_SIZES).executeQuery()) {
                while (rs.next()) {
                    t.family(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6));
                }
            }
            Object[] bounds = new Object[LakeStats.CONFIDENCE_BINS - 1];
            for (int b = 0; b < bounds.length; b++) {
                bounds[b] = LakeStats.binLowerBound(b + 1);
            }
            try (ResultSet rs = tx.ps(EDGES_BY_BIN, bounds).executeQuery()) {
                while (rs.next()) {
                    t.edges(EdgeKind.valueOf(rs.getString(1)), rs.getInt(2), rs.getLong(3));
                }
            }
            return t.build(largestFamilies);
        });
    }

    // ================================================================== row mapping

    private static <T> Optional<T> first(List<T> list) {
        return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static List<List<String>> chunks(Collection<String> ids) {
        List<List<String>> chunks = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String id : ids) {
            current.add(id);
            if (current.size() == IN_CHUNK) {
                chunks.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }

    private static Long getLong(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    private static Instant getInstant(ResultSet rs, int i) throws SQLException {
        Long v = getLong(rs, i);
        return v == null ? null : Instant.ofEpochMilli(v);
    }

    private static List<Model> loadModels(Tx tx, String sql, Object... params) throws SQLException {
        Map<String, Model.Builder> builders = new LinkedHashMap<>();
        try (ResultSet rs = tx.ps(sql, params).executeQuery()) {
            while (rs.next()) {
                Model.Builder b = Model.builder(rs.getString(1), rs.getString(2), rs.getString(5), rs.getLong(6),
                        getInstant(rs, 15));
                b.description(rs.getString(3)).format(rs.getString(4)).parameterCount(getLong(rs, 7));
                Long layers = getLong(rs, 8);
                b.layerCount(layers == null ? null : layers.intValue());
                b.structuralHash(rs.getString(9)).familyId(rs.getString(10)).parentId(rs.getString(11));
                double confidence = rs.getDouble(12);
                b.confidence(rs.wasNull() ? null : confidence);
                b.status(ModelStatus.valueOf(rs.getString(13))).failureMessage(rs.getString(14));
                b.processedAt(getInstant(rs, 16));
                builders.put(rs.getString(1), b);
            }
        }
        if (builders.isEmpty()) {
            return List.of();
        }
        Map<String, List<ModelFile>> files = new HashMap<>();
        for (List<String> chunk : chunks(builders.keySet())) {
            String fileSql = "SELECT model_id, file_name, sha256, byte_size FROM model_files WHERE model_id IN ("
                    + placeholders(chunk.size()) + ") ORDER BY model_id, position";
            try (ResultSet rs = tx.ps(fileSql, chunk.toArray()).executeQuery()) {
                while (rs.next()) {
                    files.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new ModelFile(rs.getString(2), rs.getString(3), rs.getLong(4)));
                }
            }
        }
        List<Model> models = new ArrayList<>(builders.size());
        builders.forEach((id, b) -> models.add(b.files(files.getOrDefault(id, List.of())).build()));
        return models;
    }

    private static List<Family> loadFamilies(Tx tx, String sql, Object... params) throws SQLException {
        List<Family> families = new ArrayList<>();
        try (ResultSet rs = tx.ps(sql, params).executeQuery()) {
            while (rs.next()) {
                families.add(new Family(rs.getString(1), rs.getString(2), rs.getLong(4), rs.getString(3)));
            }
        }
        return families;
    }

    private static List<Job> loadJobs(Tx tx, String sql, Object... params) throws SQLException {
        List<Job> jobs = new ArrayList<>();
        try (ResultSet rs = tx.ps(sql, params).executeQuery()) {
            while (rs.next()) {
                jobs.add(new Job(rs.getString(1), JobState.valueOf(rs.getString(2)), rs.getInt(3), getInstant(rs, 4),
                        getInstant(rs, 5), getInstant(rs, 6), rs.getString(7), rs.getString(8), getInstant(rs, 9)));
            }
        }
        return jobs;
    }

    // ================================================================== jobs

    @Override
    public Optional<Job> claimNextJob() {
        return claim(null, null);
    }

    @Override
    public Optional<Job> claimNextJob(String owner, Duration lease) {
        return claim(java.util.Objects.requireNonNull(owner, "owner"), lease);
    }

    /**
     * The oldest job queued, or RUNNING past its lease; with SKIP LOCKED (PostgreSQL) concurrent
     * claimers pass over a row another is claiming, and the state check in the UPDATE keeps the
     * claim exclusive anyway.
     */
    private Optional<Job> claim(String owner, Duration lease) {
        return write(tx -> {
            Instant now = Instant.now();
            String id;
            try (ResultSet rs = tx.ps("SELECT model_id FROM jobs WHERE state = 'QUEUED' "
                    + "OR (state = 'RUNNING' AND lease_until IS NOT NULL AND lease_until < ?) "
                    + "ORDER BY enqueued_at, model_id LIMIT 1" + dialect.skipLocked(), now).executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                id = rs.getString(1);
            }
            Instant until = lease == null ? null : now.plus(lease);
            int n = tx.update("UPDATE jobs SET state = 'RUNNING', attempts = attempts + 1, started_at = ?, "
                    + "finished_at = NULL, owner = ?, lease_until = ? WHERE model_id = ? AND (state = 'QUEUED' "
                    + "OR (state = 'RUNNING' AND lease_until IS NOT NULL AND lease_until < ?))",
                    now, owner, until, id, now);
            if (n == 0) {
                return Optional.empty(); // taken between our look and our claim; the worker looks again
            }
            tx.update("UPDATE models SET status = 'PROCESSING' WHERE id = ?", id);
            return first(loadJobs(tx, "SELECT " + JOB_COLUMNS + " FROM jobs WHERE model_id = ?", id));
        });
    }

    @Override
    public int renewLeases(String owner, Duration lease) {
        return write(tx -> tx.update("UPDATE jobs SET lease_until = ? WHERE owner = ? AND state = 'RUNNING'",
                Instant.now().plus(lease), owner));
    }

    @Override
    public int requeueInterruptedJobs() {
        return write(tx -> {
            // one owner: every RUNNING job was interrupted; shared: those no live worker renews
            String interrupted = dialect.singleOwner() ? "state = 'RUNNING'"
                    : "state = 'RUNNING' AND (lease_until IS NULL OR lease_until < ?)";
            Object[] now = dialect.singleOwner() ? new Object[0] : new Object[] {Instant.now()};
            tx.update("UPDATE models SET status = 'PENDING' WHERE status = 'PROCESSING' "
                    + "AND id IN (SELECT model_id FROM jobs WHERE " + interrupted + ")", now);
            return tx.update("UPDATE jobs SET state = 'QUEUED', started_at = NULL, owner = NULL, lease_until = NULL "
                    + "WHERE " + interrupted, now);
        });
    }

    @Override
    public boolean sharedByProcesses() {
        return !dialect.singleOwner();
    }

    @Override
    public StoreLock lockFamilies(String key) {
        Dialect.StoreLockHandle handle;
        try {
            handle = dialect.lockKey(writes, key);
        } catch (SQLException e) {
            throw new StoreException(description + ": cannot take the family lock: " + e.getMessage(), e);
        }
        if (handle == null) {
            return StoreLock.NONE;
        }
        return () -> {
            try {
                handle.release();
            } catch (SQLException e) {
                // the connection is closed either way, which releases a session lock too
                LOG.warn("{}: releasing a family lock: {}", description, e.toString());
            }
        };
    }

    // ================================================================== changes

    @Override
    public void apply(ChangeSet changes) {
        if (changes.isEmpty()) {
            return;
        }
        List<Change> list = changes.changes();
        write(tx -> {
            for (int i = 0; i < list.size(); ) {
                if (list.get(i) instanceof Change.InsertModel) {
                    // a run of inserts (a bulk import) is checked with a few queries and written in batches
                    List<Model> run = new ArrayList<>();
                    while (i < list.size() && run.size() < IN_CHUNK && list.get(i) instanceof Change.InsertModel c) {
                        run.add(c.model());
                        i++;
                    }
                    insertModels(tx, run);
                } else if (list.get(i) instanceof Change.PutDistance) {
                    // a run of cached values (a processed model's pairs): each model checked once, one batch
                    List<PairDistance> run = new ArrayList<>();
                    while (i < list.size() && list.get(i) instanceof Change.PutDistance c) {
                        run.add(c.distance());
                        i++;
                    }
                    putDistances(tx, run);
                } else {
                    applyOne(tx, list.get(i++));
                }
            }
            return null;
        });
        if (applied.incrementAndGet() % OPTIMIZE_EVERY == 0) {
            optimize();
        }
    }

    private void applyOne(Tx tx, Change change) throws SQLException {
        if (change instanceof Change.UpdateModel c) {
            updateModel(tx, c.model());
        } else if (change instanceof Change.UpdateStatus c) {
            int n = tx.update("UPDATE models SET status = ?, failure_message = ?, processed_at = ? WHERE id = ?",
                    c.status(), c.failureMessage(), c.processedAt(), c.modelId());
            if (n == 0) {
                throw new NoSuchRecordException("model", c.modelId());
            }
        } else if (change instanceof Change.DeleteModel c) {
            deleteModel(tx, c.modelId());
        } else if (change instanceof Change.PutFamily c) {
            if (c.rootModelId() != null) {
                requireModel(tx, c.rootModelId());
            }
            tx.update("INSERT INTO families (id, structural_hash, root_model_id) VALUES (?, ?, ?) "
                    + "ON CONFLICT (id) DO UPDATE SET structural_hash = excluded.structural_hash, "
                    + "root_model_id = excluded.root_model_id", c.familyId(), c.structuralHash(), c.rootModelId());
        } else if (change instanceof Change.DeleteFamily c) {
            requireFamily(tx, c.familyId());
            tx.update("DELETE FROM lineage_edges WHERE family_id = ?", c.familyId());
            tx.update("UPDATE models SET family_id = NULL, parent_id = NULL, confidence = NULL WHERE family_id = ?",
                    c.familyId());
            tx.update("DELETE FROM families WHERE id = ?", c.familyId());
        } else if (change instanceof Change.ReplaceLineage c) {
            replaceLineage(tx, c);
        } else if (change instanceof Change.UpdateLineage c) {
            updateLineage(tx, c);
        } else if (change instanceof Change.PutDistance c) {
            putDistances(tx, List.of(c.distance()));
        } else if (change instanceof Change.PutStatistics c) {
            requireModel(tx, c.modelId());
            tx.update("INSERT INTO model_statistics (model_id, version, data) VALUES (?, ?, ?) "
                    + "ON CONFLICT (model_id, version) DO UPDATE SET data = excluded.data",
                    c.modelId(), c.version(), c.data());
        } else if (change instanceof Change.EnqueueJob c) {
            requireModel(tx, c.modelId());
            tx.update("INSERT INTO jobs (model_id, state, attempts, enqueued_at) VALUES (?, 'QUEUED', 0, ?) "
                    + "ON CONFLICT (model_id) DO UPDATE SET state = 'QUEUED', enqueued_at = excluded.enqueued_at, "
                    + "started_at = NULL, finished_at = NULL, owner = NULL, lease_until = NULL",
                    c.modelId(), c.enqueuedAt());
        } else if (change instanceof Change.FinishJob c) {
            int n = tx.update("UPDATE jobs SET state = ?, finished_at = ?, last_error = ?, owner = NULL, "
                    + "lease_until = NULL WHERE model_id = ?",
                    c.outcome(), c.finishedAt(), c.error(), c.modelId());
            if (n == 0) {
                throw new NoSuchRecordException("job", c.modelId());
            }
        } else if (change instanceof Change.PutToken c) {
            ApiToken t = c.token();
            if (tx.exists("SELECT 1 FROM api_tokens WHERE id = ? OR secret_hash = ?", t.id(), t.secretHash())) {
                throw new DuplicateIdException("token", t.id());
            }
            tx.update("INSERT INTO api_tokens (" + TOKEN_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)", t.id(), t.name(),
                    t.role(), t.secretHash(), t.createdAt(), t.expiresAt(), t.revokedAt(), t.createdBy());
        } else if (change instanceof Change.RevokeToken c) {
            if (!tx.exists("SELECT 1 FROM api_tokens WHERE id = ?", c.tokenId())) {
                throw new NoSuchRecordException("token", c.tokenId());
            }
            tx.update("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", c.revokedAt(),
                    c.tokenId());
        } else if (change instanceof Change.AppendAudit c) {
            AuditEntry e = c.entry();
            if (tx.exists("SELECT 1 FROM audit_log WHERE id = ?", e.id())) {
                throw new DuplicateIdException("audit entry", e.id());
            }
            tx.update("INSERT INTO audit_log (" + AUDIT_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)", e.id(), e.at(),
                    e.actor(), e.action(), e.target(), e.client(), e.detail());
        } else {
            throw new IllegalArgumentException("unknown change " + change);
        }
    }

    private static final String PUT_DISTANCE = "INSERT INTO distances (model_a, model_b, metric, value) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (model_a, model_b, metric) DO UPDATE SET value = excluded.value";

    /** Cached values, their models checked once each, written as one batch. */
    private static void putDistances(Tx tx, List<PairDistance> run) throws SQLException {
        Set<String> models = new LinkedHashSet<>();
        for (PairDistance d : run) {
            models.add(d.modelA());
            models.add(d.modelB());
        }
        for (String id : models) {
            requireModel(tx, id);
        }
        PreparedStatement ps = tx.ps(PUT_DISTANCE);
        for (PairDistance d : run) {
            ps.setString(1, d.modelA());
            ps.setString(2, d.modelB());
            ps.setString(3, d.metric());
            ps.setDouble(4, d.value());
            ps.addBatch();
        }
        ps.executeBatch();
    }

    private static void requireModel(Tx tx, String id) throws SQLException {
        if (!tx.exists("SELECT 1 FROM models WHERE id = ?", id)) {
            throw new NoSuchRecordException("model", id);
        }
    }

    private static void requireFamily(Tx tx, String id) throws SQLException {
        if (!tx.exists("SELECT 1 FROM families WHERE id = ?", id)) {
            throw new NoSuchRecordException("family", id);
        }
    }

    /** Checks what a model row refers to and that its checksum is free. */
    private static void checkModel(Tx tx, Model m) throws SQLException {
        try (ResultSet rs = tx.ps("SELECT id FROM models WHERE checksum = ?", m.checksum()).executeQuery()) {
            if (rs.next() && !rs.getString(1).equals(m.id())) {
                throw new DuplicateChecksumException(m.checksum(), rs.getString(1));
            }
        }
    }

    private static void checkReferences(Tx tx, Model m) throws SQLException {
        if (m.familyId() != null) {
            requireFamily(tx, m.familyId());
        }
        if (m.parentId() != null) {
            requireModel(tx, m.parentId());
        }
    }

    private static Object[] modelValues(Model m, boolean idLast) {
        List<Object> v = new ArrayList<>(List.of(m.name(), Ids.nameKey(m.name())));
        v.add(m.description());
        v.add(m.format());
        v.add(m.checksum());
        v.add(m.byteSize());
        v.add(m.parameterCount());
        v.add(m.layerCount());
        v.add(m.structuralHash());
        v.add(m.familyId());
        v.add(m.parentId());
        v.add(m.confidence());
        v.add(m.status());
        v.add(m.failureMessage());
        v.add(m.createdAt());
        v.add(m.processedAt());
        if (idLast) {
            v.add(m.id());
        } else {
            v.add(0, m.id());
        }
        return v.toArray();
    }

    private static final String INSERT_MODEL = "INSERT INTO models (id, name, name_key, description, format, checksum, "
            + "byte_size, parameter_count, layer_count, structural_hash, family_id, parent_id, confidence, status, "
            + "failure_message, created_at, processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_FILE =
            "INSERT INTO model_files (model_id, position, file_name, sha256, byte_size) VALUES (?, ?, ?, ?, ?)";

    /** Single-column lookup of the values among {@code keys} that exist (one query per chunk). */
    private static Map<String, String> lookup(Tx tx, String select, String table, String column, Collection<String> keys)
            throws SQLException {
        Map<String, String> found = new HashMap<>();
        for (List<String> chunk : chunks(new LinkedHashSet<>(keys))) {
            String sql = "SELECT " + column + ", " + select + " FROM " + table + " WHERE " + column + " IN ("
                    + placeholders(chunk.size()) + ")";
            try (ResultSet rs = tx.ps(sql, chunk.toArray()).executeQuery()) {
                while (rs.next()) {
                    found.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return found;
    }

    /**
     * Inserts models in order, with the same checks and the same first failure as inserting them one
     * by one, but in a few queries and two JDBC batches.
     */
    private static void insertModels(Tx tx, List<Model> models) throws SQLException {
        List<String> ids = new ArrayList<>();
        List<String> checksums = new ArrayList<>();
        List<String> families = new ArrayList<>();
        for (Model m : models) {
            ids.add(m.id());
            checksums.add(m.checksum());
            if (m.familyId() != null) {
                families.add(m.familyId());
            }
            if (m.parentId() != null) {
                ids.add(m.parentId());
            }
        }
        Map<String, String> ownerOfChecksum = lookup(tx, "id", "models", "checksum", checksums);
        Set<String> modelIds = new java.util.HashSet<>(lookup(tx, "id", "models", "id", ids).keySet());
        Set<String> familyIds = families.isEmpty() ? Set.of() : lookup(tx, "id", "families", "id", families).keySet();
        for (Model m : models) {
            String owner = ownerOfChecksum.get(m.checksum());
            if (owner != null && !owner.equals(m.id())) {
                throw new DuplicateChecksumException(m.checksum(), owner);
            }
            if (modelIds.contains(m.id())) {
                throw new DuplicateIdException(m.id());
            }
            if (m.familyId() != null && !familyIds.contains(m.familyId())) {
                throw new NoSuchRecordException("family", m.familyId());
            }
            if (m.parentId() != null && !modelIds.contains(m.parentId())) {
                throw new NoSuchRecordException("model", m.parentId());
            }
            ownerOfChecksum.put(m.checksum(), m.id());
            modelIds.add(m.id());
        }
        PreparedStatement insertModel = tx.ps(INSERT_MODEL);
        PreparedStatement insertFile = tx.ps(INSERT_FILE);
        int files = 0;
        for (Model m : models) {
            Object[] values = modelValues(m, false);
            for (int i = 0; i < values.length; i++) {
                bind(insertModel, i + 1, values[i]);
            }
            insertModel.addBatch();
            int position = 0;
            for (ModelFile f : m.files()) {
                Object[] row = {m.id(), position++, f.name(), f.sha256(), f.size()};
                for (int i = 0; i < row.length; i++) {
                    bind(insertFile, i + 1, row[i]);
                }
                insertFile.addBatch();
                files++;
            }
        }
        insertModel.executeBatch();
        if (files > 0) {
            insertFile.executeBatch();
        }
    }

    private static void updateModel(Tx tx, Model m) throws SQLException {
        requireModel(tx, m.id());
        checkModel(tx, m);
        checkReferences(tx, m);
        tx.update("UPDATE models SET name = ?, name_key = ?, description = ?, format = ?, checksum = ?, byte_size = ?, "
                + "parameter_count = ?, layer_count = ?, structural_hash = ?, family_id = ?, parent_id = ?, "
                + "confidence = ?, status = ?, failure_message = ?, created_at = ?, processed_at = ? WHERE id = ?",
                modelValues(m, true));
        tx.update("DELETE FROM model_files WHERE model_id = ?", m.id());
        int position = 0;
        for (ModelFile f : m.files()) {
            tx.update(INSERT_FILE, m.id(), position++, f.name(), f.sha256(), f.size());
        }
    }

    private static final String EDGE_COLUMNS = "parent_id, child_id, confidence, kind, weight";

    private static LineageEdge edge(ResultSet rs) throws SQLException {
        return new LineageEdge(rs.getString(1), rs.getString(2), rs.getDouble(3), EdgeKind.valueOf(rs.getString(4)),
                rs.getDouble(5));
    }

    private static void deleteModel(Tx tx, String id) throws SQLException {
        requireModel(tx, id);
        List<String> children = new ArrayList<>();
        try (ResultSet rs = tx.ps("SELECT child_id FROM lineage_edges WHERE parent_id = ?", id).executeQuery()) {
            while (rs.next()) {
                children.add(rs.getString(1));
            }
        }
        tx.update("DELETE FROM lineage_edges WHERE child_id = ? OR parent_id = ?", id, id);
        tx.update("UPDATE models SET parent_id = NULL, confidence = NULL WHERE parent_id = ?", id);
        // a merge's child keeps its other parents: the heaviest left becomes its main one
        for (String child : children) {
            List<LineageEdge> left = new ArrayList<>();
            try (ResultSet rs = tx.ps("SELECT " + EDGE_COLUMNS + " FROM lineage_edges WHERE child_id = ?", child)
                    .executeQuery()) {
                while (rs.next()) {
                    left.add(edge(rs));
                }
            }
            LineageEdge main = LineageEdge.mainEdges(left).get(child);
            if (main != null) {
                tx.update("UPDATE models SET parent_id = ?, confidence = ? WHERE id = ?",
                        main.parentId(), main.confidence(), child);
            }
        }
        tx.update("UPDATE families SET root_model_id = NULL WHERE root_model_id = ?", id);
        tx.update("DELETE FROM distances WHERE model_a = ? OR model_b = ?", id, id);
        tx.update("DELETE FROM model_statistics WHERE model_id = ?", id);
        tx.update("DELETE FROM jobs WHERE model_id = ?", id);
        tx.update("DELETE FROM model_files WHERE model_id = ?", id);
        tx.update("DELETE FROM models WHERE id = ?", id);
    }

    /**
     * The edges into the listed children replaced by what differs only: the children's edges and
     * the models involved are read in one query per 500, and then batches delete the edges that
     * went, update the edges whose confidence, kind or weight changed, insert the new ones and set
     * the parents and confidences that changed; never a statement per member of the family.
     */
    private static void updateLineage(Tx tx, Change.UpdateLineage c) throws SQLException {
        requireFamily(tx, c.familyId());
        Set<String> ends = new LinkedHashSet<>(c.children());
        for (LineageEdge e : c.edges()) {
            ends.add(e.parentId());
        }
        // each model's family, parent and confidence as they are: many children are most of a
        // family (a hub whose every confidence moved), read by the family index in one pass
        boolean many = c.children().size() > 64;
        Map<String, Object[]> current = new HashMap<>();
        String modelSelect = "SELECT id, family_id, parent_id, confidence FROM models WHERE ";
        List<String> rest = new ArrayList<>(ends);
        if (many) {
            readModelRows(tx, modelSelect + "family_id = ?", new Object[] {c.familyId()}, current);
            rest.removeIf(current::containsKey);
        }
        for (List<String> chunk : chunks(rest)) {
            readModelRows(tx, modelSelect + "id IN (" + placeholders(chunk.size()) + ")", chunk.toArray(), current);
        }
        for (String id : ends) {
            if (!current.containsKey(id)) {
                throw new NoSuchRecordException("model", id);
            }
        }
        // ends of the new edges from elsewhere join the family, leaving their edges there behind
        Set<String> edgeEnds = new LinkedHashSet<>();
        for (LineageEdge e : c.edges()) {
            edgeEnds.add(e.parentId());
            edgeEnds.add(e.childId());
        }
        for (String id : edgeEnds) {
            Object[] m = current.get(id);
            if (!c.familyId().equals(m[0])) {
                tx.update("DELETE FROM lineage_edges WHERE child_id = ?", id);
                tx.update("UPDATE models SET family_id = ?, parent_id = NULL, confidence = NULL WHERE id = ?",
                        c.familyId(), id);
                current.put(id, new Object[] {c.familyId(), null, null});
            }
        }
        // the children's edges as they are, by child then parent (a child's edges are all in its
        // family, which it has joined by now)
        Map<String, Map<String, Object[]>> stored = new HashMap<>();
        String edgeSelect = "SELECT child_id, parent_id, family_id, confidence, kind, weight FROM lineage_edges WHERE ";
        if (many) {
            readEdgeRows(tx, edgeSelect + "family_id = ?", new Object[] {c.familyId()}, c.children(), stored);
        } else {
            for (List<String> chunk : chunks(c.children())) {
                readEdgeRows(tx, edgeSelect + "child_id IN (" + placeholders(chunk.size()) + ")", chunk.toArray(),
                        c.children(), stored);
            }
        }
        Map<String, List<LineageEdge>> into = new HashMap<>();
        for (LineageEdge e : c.edges()) {
            into.computeIfAbsent(e.childId(), k -> new ArrayList<>()).add(e);
        }
        Map<String, LineageEdge> main = LineageEdge.mainEdges(c.edges());
        PreparedStatement drop = tx.ps("DELETE FROM lineage_edges WHERE child_id = ? AND parent_id = ?");
        PreparedStatement change = tx.ps("UPDATE lineage_edges SET family_id = ?, confidence = ?, kind = ?, weight = ? "
                + "WHERE child_id = ? AND parent_id = ?");
        PreparedStatement insert = tx.ps("INSERT INTO lineage_edges (family_id, confidence, kind, weight, child_id, "
                + "parent_id) VALUES (?, ?, ?, ?, ?, ?)");
        PreparedStatement parent = tx.ps("UPDATE models SET parent_id = ?, confidence = ? WHERE id = ?");
        // a confidence alone is set without naming an indexed column (SQLite rewrites an index
        // entry whenever its column is set, to the same value or not)
        PreparedStatement edgeConfidence = tx.ps("UPDATE lineage_edges SET confidence = ? WHERE child_id = ? AND parent_id = ?");
        PreparedStatement modelConfidence = tx.ps("UPDATE models SET confidence = ? WHERE id = ?");
        int[] counts = new int[6];
        for (String child : c.children()) {
            Map<String, Object[]> was = stored.getOrDefault(child, Map.of());
            List<LineageEdge> edges = into.getOrDefault(child, List.of());
            Set<String> parents = new java.util.HashSet<>();
            for (LineageEdge e : edges) {
                parents.add(e.parentId());
                Object[] old = was.get(e.parentId());
                boolean same = old != null && c.familyId().equals(old[0]) && e.kind().name().equals(old[2])
                        && (double) old[3] == e.weight();
                if (same && (double) old[1] != e.confidence()) {
                    bind(edgeConfidence, 1, e.confidence());
                    bind(edgeConfidence, 2, e.childId());
                    bind(edgeConfidence, 3, e.parentId());
                    edgeConfidence.addBatch();
                    counts[4]++;
                } else if (!same) {
                    Object[] row = {c.familyId(), e.confidence(), e.kind(), e.weight(), e.childId(), e.parentId()};
                    PreparedStatement ps = old == null ? insert : change;
                    for (int i = 0; i < row.length; i++) {
                        bind(ps, i + 1, row[i]);
                    }
                    ps.addBatch();
                    counts[old == null ? 2 : 1]++;
                }
            }
            for (String p : was.keySet()) {
                if (!parents.contains(p)) {
                    bind(drop, 1, child);
                    bind(drop, 2, p);
                    drop.addBatch();
                    counts[0]++;
                }
            }
            LineageEdge m = main.get(child);
            Object[] model = current.get(child);
            String parentId = m == null ? null : m.parentId();
            Double confidence = m == null ? null : m.confidence();
            if (!java.util.Objects.equals(parentId, model[1])) {
                bind(parent, 1, parentId);
                bind(parent, 2, confidence);
                bind(parent, 3, child);
                parent.addBatch();
                counts[3]++;
            } else if (!java.util.Objects.equals(confidence, model[2])) {
                bind(modelConfidence, 1, confidence);
                bind(modelConfidence, 2, child);
                modelConfidence.addBatch();
                counts[5]++;
            }
        }
        // deletions first: an edge may move from one parent to another of the same child
        PreparedStatement[] order = {drop, change, insert, parent, edgeConfidence, modelConfidence};
        for (int i = 0; i < order.length; i++) {
            if (counts[i] > 0) {
                order[i].executeBatch();
            }
        }
    }

    private static void readModelRows(Tx tx, String sql, Object[] params, Map<String, Object[]> out) throws SQLException {
        try (ResultSet rs = tx.ps(sql, params).executeQuery()) {
            while (rs.next()) {
                double confidence = rs.getDouble(4);
                out.put(rs.getString(1), new Object[] {rs.getString(2), rs.getString(3), rs.wasNull() ? null : confidence});
            }
        }
    }

    private static void readEdgeRows(Tx tx, String sql, Object[] params, Set<String> children,
                                     Map<String, Map<String, Object[]>> out) throws SQLException {
        try (ResultSet rs = tx.ps(sql, params).executeQuery()) {
            while (rs.next()) {
                if (children.contains(rs.getString(1))) {
                    out.computeIfAbsent(rs.getString(1), k -> new HashMap<>()).put(rs.getString(2), new Object[] {
                            rs.getString(3), rs.getDouble(4), rs.getString(5), rs.getDouble(6)});
                }
            }
        }
    }

    private static void replaceLineage(Tx tx, Change.ReplaceLineage c) throws SQLException {
        requireFamily(tx, c.familyId());
        Set<String> ends = new LinkedHashSet<>();
        for (LineageEdge e : c.edges()) {
            ends.add(e.parentId());
            ends.add(e.childId());
        }
        for (String id : ends) {
            requireModel(tx, id);
        }
        tx.update("DELETE FROM lineage_edges WHERE family_id = ?", c.familyId());
        tx.update("UPDATE models SET parent_id = NULL, confidence = NULL WHERE family_id = ?", c.familyId());
        for (String id : ends) {
            tx.update("DELETE FROM lineage_edges WHERE child_id = ?", id);
            tx.update("UPDATE models SET family_id = ?, parent_id = NULL, confidence = NULL WHERE id = ?",
                    c.familyId(), id);
        }
        for (LineageEdge e : c.edges()) {
            tx.update("INSERT INTO lineage_edges (child_id, parent_id, family_id, confidence, kind, weight) "
                    + "VALUES (?, ?, ?, ?, ?, ?)", e.childId(), e.parentId(), c.familyId(), e.confidence(), e.kind(),
                    e.weight());
        }
        for (LineageEdge e : LineageEdge.mainEdges(c.edges()).values()) {
            tx.update("UPDATE models SET parent_id = ?, confidence = ? WHERE id = ?",
                    e.parentId(), e.confidence(), e.childId());
        }
    }
}

