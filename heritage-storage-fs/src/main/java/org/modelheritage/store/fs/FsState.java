package org.modelheritage.store.fs;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.PairDistance;
import org.modelheritage.store.ApiToken;
import org.modelheritage.store.AuditEntry;
import org.modelheritage.store.Change;
import org.modelheritage.store.DuplicateChecksumException;
import org.modelheritage.store.DuplicateIdException;
import org.modelheritage.store.Family;
import org.modelheritage.store.Ids;
import org.modelheritage.store.Job;
import org.modelheritage.store.JobState;
import org.modelheritage.store.LakeStats;
import org.modelheritage.store.LakeTotals;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelFile;
import org.modelheritage.store.ModelQuery;
import org.modelheritage.store.ModelStatus;
import org.modelheritage.store.NoSuchRecordException;
import org.modelheritage.store.Page;

/**
 * The whole metadata store in memory, with the indexes searches need. Changed only through a few
 * primitives that keep every index right and log their inverse to an {@link Undo}, so a change set
 * that fails half way is rolled back exactly. Not thread-safe: {@link FileMetadataStore} locks.
 */
final class FsState {

    /** Sort key of a model: lower-case name, then name, then id, by code point. */
    record NameKey(String key, String name, String id) implements Comparable<NameKey> {
        static NameKey of(Model m) {
            return new NameKey(Ids.nameKey(m.name()), m.name(), m.id());
        }

        @Override
        public int compareTo(NameKey o) {
            int c = Ids.compareCodePoints(key, o.key);
            if (c == 0) {
                c = Ids.compareCodePoints(name, o.name);
            }
            return c != 0 ? c : Ids.compareCodePoints(id, o.id);
        }
    }

    record FamilyRow(String id, String structuralHash, String rootModelId) {
    }

    record EdgeRow(String familyId, String parentId, String childId, double confidence, EdgeKind kind,
                   double weight) {
        LineageEdge edge() {
            return new LineageEdge(parentId, childId, confidence, kind, weight);
        }

        EdgeKey key() {
            return new EdgeKey(childId, parentId);
        }
    }

    /** Edges are keyed by child and parent: a merge has one per parent. */
    record EdgeKey(String childId, String parentId) {
    }

    /** A model with its sort key, element of the name index. */
    private record Named(NameKey key, Model model) {
    }

    private record QueueKey(Instant enqueuedAt, String modelId) implements Comparable<QueueKey> {
        @Override
        public int compareTo(QueueKey o) {
            int c = enqueuedAt.compareTo(o.enqueuedAt);
            return c != 0 ? c : Ids.compareCodePoints(modelId, o.modelId);
        }
    }

    /** Claims a job: internal change, journalled with the time so that replay is exact. */
    record ClaimJob(String modelId, Instant startedAt) {
    }

    /** Puts running jobs back in the queue. */
    record RequeueRunning() {
    }

    /** Statistics whose bytes are already in the statistics folder under their SHA-256. */
    record StoredStatistics(String modelId, String version, String sha256) {
    }

    /** Inverse actions of the primitives applied so far, undone last-first. */
    static class Undo {
        private final Deque<Runnable> actions = new ArrayDeque<>();

        void push(Runnable inverse) {
            actions.push(inverse);
        }

        void rollback() {
            while (!actions.isEmpty()) {
                actions.pop().run();
            }
        }
    }

    private static final Undo NO_UNDO = new Undo() {
        @Override
        void push(Runnable inverse) {
        }
    };

    // ---- data
    private final Map<String, Model> models = new HashMap<>();
    private final Map<String, FamilyRow> families = new TreeMap<>(Ids::compareCodePoints);
    private final Map<EdgeKey, EdgeRow> edges = new HashMap<>();
    /** a → b → metric → value, kept under both a and b. */
    private final Map<String, Map<String, Map<String, Double>>> distances = new HashMap<>();
    /** model → version → SHA-256 of the statistics file. */
    private final Map<String, Map<String, String>> statistics = new HashMap<>();
    private final Map<String, Job> jobs = new HashMap<>();
    private final Map<String, ApiToken> tokens = new HashMap<>();
    private final Map<String, String> tokenIdByHash = new HashMap<>();
    /** The audit log oldest first (time, then id): appends land at the end, pages are read from it. */
    private final ArrayList<AuditEntry> audit = new ArrayList<>();
    private final Set<String> auditIds = new HashSet<>();

    // ---- indexes
    private final Map<String, String> idByChecksum = new HashMap<>();
    /**
     * Models in name order, a flat array so that a substring search over 100,000 names is a tight
     * scan and a page at any offset is an index; kept sorted by binary-search insertion (a memmove,
     * microseconds) except while a snapshot loads, which appends and sorts once.
     */
    private final ArrayList<Named> byName = new ArrayList<>();
    private boolean loading;
    private final Map<String, Set<String>> membersByFamily = new HashMap<>();
    private final Map<String, Set<String>> childrenByParent = new HashMap<>();
    private final Map<String, Integer> blobRefs = new HashMap<>();
    private final Map<String, Set<String>> familiesByHash = new HashMap<>();
    private final Map<String, Set<EdgeKey>> edgesByFamily = new HashMap<>();
    private final Map<String, Set<EdgeKey>> edgesByParent = new HashMap<>();
    private final Map<String, Set<EdgeKey>> edgesByChild = new HashMap<>();
    private final TreeSet<QueueKey> queue = new TreeSet<>();

    // ---- running totals for /api/stats
    private final Map<ModelStatus, Long> countByStatus = new java.util.EnumMap<>(ModelStatus.class);
    private final Map<String, Long> countByFormat = new HashMap<>();
    private final TreeMap<Instant, Integer> createdAt = new TreeMap<>();
    private long parameterTotal;

    // ================================================================== primitives

    private static <V> void index(Map<String, Set<V>> index, String key, V value) {
        if (key != null) {
            index.computeIfAbsent(key, k -> new HashSet<>()).add(value);
        }
    }

    private static <V> void unindex(Map<String, Set<V>> index, String key, V value) {
        if (key != null) {
            Set<V> set = index.get(key);
            if (set != null) {
                set.remove(value);
                if (set.isEmpty()) {
                    index.remove(key);
                }
            }
        }
    }

    /** Inserts or replaces a model (null removes it), keeping every index. */
    private void setModel(String id, Model m, Undo undo) {
        Model old = models.get(id);
        if (old != null) {
            idByChecksum.remove(old.checksum());
            byName.remove(position(NameKey.of(old)));
            unindex(membersByFamily, old.familyId(), id);
            unindex(childrenByParent, old.parentId(), id);
            for (ModelFile f : old.files()) {
                blobRefs.merge(f.sha256(), -1, (a, b) -> a + b == 0 ? null : a + b);
            }
            countTotals(old, -1);
            models.remove(id);
        }
        if (m != null) {
            models.put(id, m);
            idByChecksum.put(m.checksum(), id);
            NameKey key = NameKey.of(m);
            if (loading) {
                byName.add(new Named(key, m));
            } else {
                int at = position(key);
                byName.add(at < 0 ? -at - 1 : at, new Named(key, m));
            }
            index(membersByFamily, m.familyId(), id);
            index(childrenByParent, m.parentId(), id);
            for (ModelFile f : m.files()) {
                blobRefs.merge(f.sha256(), 1, Integer::sum);
            }
            countTotals(m, 1);
        }
        undo.push(() -> setModel(id, old, NO_UNDO));
    }

    private void countTotals(Model m, int sign) {
        countByStatus.merge(m.status(), (long) sign, (a, b) -> a + b == 0 ? null : a + b);
        countByFormat.merge(m.format() == null ? LakeTotals.UNKNOWN_FORMAT : m.format(), (long) sign,
                (a, b) -> a + b == 0 ? null : a + b);
        createdAt.merge(m.createdAt(), sign, (a, b) -> a + b == 0 ? null : a + b);
        if (m.parameterCount() != null) {
            parameterTotal += sign * m.parameterCount();
        }
    }

    private void setFamily(String id, FamilyRow row, Undo undo) {
        FamilyRow old = families.get(id);
        if (old != null) {
            unindex(familiesByHash, old.structuralHash(), id);
            families.remove(id);
        }
        if (row != null) {
            families.put(id, row);
            index(familiesByHash, row.structuralHash(), id);
        }
        undo.push(() -> setFamily(id, old, NO_UNDO));
    }

    /** Inserts or replaces the edge under {@code key} (null removes it), keeping every index. */
    private void setEdge(EdgeKey key, EdgeRow row, Undo undo) {
        EdgeRow old = edges.get(key);
        if (old != null) {
            unindex(edgesByFamily, old.familyId(), key);
            unindex(edgesByParent, key.parentId(), key);
            unindex(edgesByChild, key.childId(), key);
            edges.remove(key);
        }
        if (row != null) {
            edges.put(key, row);
            index(edgesByFamily, row.familyId(), key);
            index(edgesByParent, key.parentId(), key);
            index(edgesByChild, key.childId(), key);
        }
        undo.push(() -> setEdge(key, old, NO_UNDO));
    }

    /** Removes every edge into {@code childId}. */
    private void removeEdgesInto(String childId, Undo undo) {
        for (EdgeKey key : copy(edgesByChild.get(childId))) {
            setEdge(key, null, undo);
        }
    }

    private void setDistanceHalf(String a, String b, String metric, Double value) {
        if (value == null) {
            Map<String, Map<String, Double>> row = distances.get(a);
            if (row != null) {
                Map<String, Double> metrics = row.get(b);
                if (metrics != null) {
                    metrics.remove(metric);
                    if (metrics.isEmpty()) {
                        row.remove(b);
                    }
                }
                if (row.isEmpty()) {
                    distances.remove(a);
                }
            }
        } else {
            distances.computeIfAbsent(a, k -> new HashMap<>()).computeIfAbsent(b, k -> new HashMap<>(2)).put(metric, value);
        }
    }

    private void setDistance(String a, String b, String metric, Double value, Undo undo) {
        Double old = distanceValue(a, b, metric);
        setDistanceHalf(a, b, metric, value);
        setDistanceHalf(b, a, metric, value);
        undo.push(() -> setDistance(a, b, metric, old, NO_UNDO));
    }

    private Double distanceValue(String a, String b, String metric) {
        Map<String, Map<String, Double>> row = distances.get(a);
        Map<String, Double> metrics = row == null ? null : row.get(b);
        return metrics == null ? null : metrics.get(metric);
    }

    private void setStatistics(String modelId, String version, String sha256, Undo undo) {
        Map<String, String> versions = statistics.get(modelId);
        String old = versions == null ? null : versions.get(version);
        if (sha256 == null) {
            if (versions != null) {
                versions.remove(version);
                if (versions.isEmpty()) {
                    statistics.remove(modelId);
                }
            }
        } else {
            statistics.computeIfAbsent(modelId, k -> new HashMap<>()).put(version, sha256);
        }
        undo.push(() -> setStatistics(modelId, version, old, NO_UNDO));
    }

    private void setJob(String modelId, Job job, Undo undo) {
        Job old = jobs.get(modelId);
        if (old != null) {
            queue.remove(new QueueKey(old.enqueuedAt(), modelId));
            jobs.remove(modelId);
        }
        if (job != null) {
            jobs.put(modelId, job);
            if (job.state() == JobState.QUEUED) {
                queue.add(new QueueKey(job.enqueuedAt(), modelId));
            }
        }
        undo.push(() -> setJob(modelId, old, NO_UNDO));
    }

    private void setToken(String id, ApiToken token, Undo undo) {
        ApiToken old = tokens.get(id);
        if (old != null) {
            tokenIdByHash.remove(old.secretHash());
            tokens.remove(id);
        }
        if (token != null) {
            tokens.put(id, token);
            tokenIdByHash.put(token.secretHash(), id);
        }
        undo.push(() -> setToken(id, old, NO_UNDO));
    }

    private static final Comparator<AuditEntry> AUDIT_ORDER =
            Comparator.comparing(AuditEntry::at).thenComparing(AuditEntry::id, Ids::compareCodePoints);

    private void appendAudit(AuditEntry entry, Undo undo) {
        int at = java.util.Collections.binarySearch(audit, entry, AUDIT_ORDER);
        int position = at < 0 ? -at - 1 : at;
        audit.add(position, entry);
        auditIds.add(entry.id());
        undo.push(() -> {
            audit.remove(position);
            auditIds.remove(entry.id());
        });
    }

    /** Index of the key in the name index, or {@code -(insertion point) - 1}. */
    private int position(NameKey key) {
        int lo = 0;
        int hi = byName.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = byName.get(mid).key().compareTo(key);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    // ================================================================== loading (snapshot)

    /** Models loaded until {@link #endLoading()} are indexed by name in one sort at the end. */
    void beginLoading() {
        loading = true;
    }

    void endLoading() {
        byName.sort(java.util.Comparator.comparing(Named::key));
        loading = false;
    }

    void loadFamily(FamilyRow row) {
        setFamily(row.id(), row, NO_UNDO);
    }

    void loadModel(Model m) {
        setModel(m.id(), m, NO_UNDO);
    }

    void loadEdge(EdgeRow row) {
        setEdge(row.key(), row, NO_UNDO);
    }

    void loadDistance(PairDistance d) {
        setDistance(d.modelA(), d.modelB(), d.metric(), d.value(), NO_UNDO);
    }

    void loadStatistics(String modelId, String version, String sha256) {
        setStatistics(modelId, version, sha256, NO_UNDO);
    }

    void loadJob(Job job) {
        setJob(job.modelId(), job, NO_UNDO);
    }

    void loadToken(ApiToken token) {
        setToken(token.id(), token, NO_UNDO);
    }

    void loadAudit(AuditEntry entry) {
        appendAudit(entry, NO_UNDO);
    }

    // ================================================================== changes

    /**
     * Applies one change (a public {@link Change} other than PutStatistics, or an internal record),
     * checking its requirements; on an exception the caller rolls {@code undo} back.
     */
    void apply(Object change, Undo undo) {
        if (change instanceof Change.InsertModel c) {
            Model m = c.model();
            checkChecksum(m);
            if (models.containsKey(m.id())) {
                throw new DuplicateIdException(m.id());
            }
            checkReferences(m);
            setModel(m.id(), m, undo);
        } else if (change instanceof Change.UpdateModel c) {
            Model m = c.model();
            requireModel(m.id());
            checkChecksum(m);
            checkReferences(m);
            setModel(m.id(), m, undo);
        } else if (change instanceof Change.UpdateStatus c) {
            Model m = requireModel(c.modelId());
            setModel(m.id(), m.toBuilder().status(c.status()).failureMessage(c.failureMessage())
                    .processedAt(c.processedAt()).build(), undo);
        } else if (change instanceof Change.DeleteModel c) {
            deleteModel(c.modelId(), undo);
        } else if (change instanceof Change.PutFamily c) {
            if (c.rootModelId() != null) {
                requireModel(c.rootModelId());
            }
            setFamily(c.familyId(), new FamilyRow(c.familyId(), c.structuralHash(), c.rootModelId()), undo);
        } else if (change instanceof Change.DeleteFamily c) {
            requireFamily(c.familyId());
            for (EdgeKey key : copy(edgesByFamily.get(c.familyId()))) {
                setEdge(key, null, undo);
            }
            for (String member : copy(membersByFamily.get(c.familyId()))) {
                Model m = models.get(member);
                setModel(member, m.toBuilder().familyId(null).parentId(null).confidence(null).build(), undo);
            }
            setFamily(c.familyId(), null, undo);
        } else if (change instanceof Change.ReplaceLineage c) {
            replaceLineage(c, undo);
        } else if (change instanceof Change.UpdateLineage c) {
            updateLineage(c, undo);
        } else if (change instanceof Change.PutDistance c) {
            PairDistance d = c.distance();
            requireModel(d.modelA());
            requireModel(d.modelB());
            setDistance(d.modelA(), d.modelB(), d.metric(), d.value(), undo);
        } else if (change instanceof StoredStatistics c) {
            requireModel(c.modelId());
            setStatistics(c.modelId(), c.version(), c.sha256(), undo);
        } else if (change instanceof Change.EnqueueJob c) {
            requireModel(c.modelId());
            Job old = jobs.get(c.modelId());
            Job job = old == null ? new Job(c.modelId(), JobState.QUEUED, 0, c.enqueuedAt(), null, null, null)
                    : new Job(c.modelId(), JobState.QUEUED, old.attempts(), c.enqueuedAt(), null, null, old.lastError());
            setJob(c.modelId(), job, undo);
        } else if (change instanceof Change.FinishJob c) {
            Job old = jobs.get(c.modelId());
            if (old == null) {
                throw new NoSuchRecordException("job", c.modelId());
            }
            setJob(c.modelId(), new Job(c.modelId(), c.outcome(), old.attempts(), old.enqueuedAt(), old.startedAt(),
                    c.finishedAt(), c.error()), undo);
        } else if (change instanceof ClaimJob c) {
            Job old = jobs.get(c.modelId());
            if (old == null || old.state() != JobState.QUEUED) {
                throw new IllegalStateException("job " + c.modelId() + " is not queued");
            }
            setJob(c.modelId(), new Job(c.modelId(), JobState.RUNNING, old.attempts() + 1, old.enqueuedAt(),
                    c.startedAt(), null, old.lastError()), undo);
            Model m = requireModel(c.modelId());
            setModel(m.id(), m.toBuilder().status(ModelStatus.PROCESSING).build(), undo);
        } else if (change instanceof RequeueRunning) {
            for (Job job : new ArrayList<>(jobs.values())) {
                if (job.state() == JobState.RUNNING) {
                    setJob(job.modelId(), new Job(job.modelId(), JobState.QUEUED, job.attempts(), job.enqueuedAt(),
                            null, job.finishedAt(), job.lastError()), undo);
                    Model m = models.get(job.modelId());
                    if (m.status() == ModelStatus.PROCESSING) {
                        setModel(m.id(), m.toBuilder().status(ModelStatus.PENDING).build(), undo);
                    }
                }
            }
        } else if (change instanceof Change.PutToken c) {
            ApiToken t = c.token();
            if (tokens.containsKey(t.id()) || tokenIdByHash.containsKey(t.secretHash())) {
                throw new DuplicateIdException("token", t.id());
            }
            setToken(t.id(), t, undo);
        } else if (change instanceof Change.RevokeToken c) {
            ApiToken t = tokens.get(c.tokenId());
            if (t == null) {
                throw new NoSuchRecordException("token", c.tokenId());
            }
            setToken(t.id(), t.revoked(c.revokedAt()), undo);
        } else if (change instanceof Change.AppendAudit c) {
            if (auditIds.contains(c.entry().id())) {
                throw new DuplicateIdException("audit entry", c.entry().id());
            }
            appendAudit(c.entry(), undo);
        } else {
            throw new IllegalArgumentException("unknown change " + change);
        }
    }

    Optional<ApiToken> token(String id) {
        return Optional.ofNullable(tokens.get(id));
    }

    Optional<ApiToken> tokenBySecretHash(String hash) {
        String id = tokenIdByHash.get(hash);
        return id == null ? Optional.empty() : Optional.of(tokens.get(id));
    }

    List<ApiToken> tokens() {
        return tokens.values().stream()
                .sorted(Comparator.comparing(ApiToken::createdAt).thenComparing(ApiToken::id, Ids::compareCodePoints))
                .toList();
    }

    Page<AuditEntry> audit(int offset, int limit) {
        List<AuditEntry> items = new ArrayList<>();
        for (int i = audit.size() - 1 - offset; i >= 0 && items.size() < limit; i--) {
            items.add(audit.get(i));
        }
        return new Page<>(items, audit.size(), offset, limit);
    }

    private static <V> List<V> copy(Set<V> set) {
        return set == null ? List.of() : new ArrayList<>(set);
    }

    private Model requireModel(String id) {
        Model m = models.get(id);
        if (m == null) {
            throw new NoSuchRecordException("model", id);
        }
        return m;
    }

    private void requireFamily(String id) {
        if (!families.containsKey(id)) {
            throw new NoSuchRecordException("family", id);
        }
    }

    private void checkChecksum(Model m) {
        String owner = idByChecksum.get(m.checksum());
        if (owner != null && !owner.equals(m.id())) {
            throw new DuplicateChecksumException(m.checksum(), owner);
        }
    }

    private void checkReferences(Model m) {
        if (m.familyId() != null) {
            requireFamily(m.familyId());
        }
        if (m.parentId() != null) {
            requireModel(m.parentId());
        }
    }

    private void deleteModel(String id, Undo undo) {
        requireModel(id);
        removeEdgesInto(id, undo);
        List<EdgeKey> out = copy(edgesByParent.get(id));
        for (EdgeKey key : out) {
            setEdge(key, null, undo);
        }
        for (String child : copy(childrenByParent.get(id))) {
            Model m = models.get(child);
            setModel(child, m.toBuilder().parentId(null).confidence(null).build(), undo);
        }
        // a merge's child keeps its other parents: the heaviest left becomes its main one
        for (EdgeKey key : out) {
            List<LineageEdge> left = copy(edgesByChild.get(key.childId())).stream().map(k -> edges.get(k).edge()).toList();
            LineageEdge main = LineageEdge.mainEdges(left).get(key.childId());
            if (main != null) {
                Model m = models.get(key.childId());
                setModel(m.id(), m.toBuilder().parentId(main.parentId()).confidence(main.confidence()).build(), undo);
            }
        }
        for (FamilyRow f : new ArrayList<>(families.values())) {
            if (id.equals(f.rootModelId())) {
                setFamily(f.id(), new FamilyRow(f.id(), f.structuralHash(), null), undo);
            }
        }
        Map<String, Map<String, Double>> row = distances.get(id);
        if (row != null) {
            for (Map.Entry<String, Map<String, Double>> e : new ArrayList<>(row.entrySet())) {
                for (String metric : new ArrayList<>(e.getValue().keySet())) {
                    setDistance(id, e.getKey(), metric, null, undo);
                }
            }
        }
        Map<String, String> versions = statistics.get(id);
        if (versions != null) {
            for (String version : new ArrayList<>(versions.keySet())) {
                setStatistics(id, version, null, undo);
            }
        }
        setJob(id, null, undo);
        setModel(id, null, undo);
    }

    private void replaceLineage(Change.ReplaceLineage c, Undo undo) {
        requireFamily(c.familyId());
        Set<String> ends = new LinkedHashSet<>();
        for (LineageEdge e : c.edges()) {
            ends.add(e.parentId());
            ends.add(e.childId());
        }
        for (String id : ends) {
            requireModel(id);
        }
        for (EdgeKey key : copy(edgesByFamily.get(c.familyId()))) {
            setEdge(key, null, undo);
        }
        for (String member : copy(membersByFamily.get(c.familyId()))) {
            Model m = models.get(member);
            if (m.parentId() != null || m.confidence() != null) {
                setModel(member, m.toBuilder().parentId(null).confidence(null).build(), undo);
            }
        }
        for (String id : ends) {
            removeEdgesInto(id, undo);
            Model m = models.get(id);
            setModel(id, m.toBuilder().familyId(c.familyId()).parentId(null).confidence(null).build(), undo);
        }
        for (LineageEdge e : c.edges()) {
            EdgeRow row = new EdgeRow(c.familyId(), e.parentId(), e.childId(), e.confidence(), e.kind(), e.weight());
            setEdge(row.key(), row, undo);
        }
        for (LineageEdge e : LineageEdge.mainEdges(c.edges()).values()) {
            Model m = models.get(e.childId());
            setModel(e.childId(), m.toBuilder().parentId(e.parentId()).confidence(e.confidence()).build(), undo);
        }
    }

    private void updateLineage(Change.UpdateLineage c, Undo undo) {
        requireFamily(c.familyId());
        for (String id : c.children()) {
            requireModel(id);
        }
        Set<String> ends = new LinkedHashSet<>();
        for (LineageEdge e : c.edges()) {
            ends.add(e.parentId());
            ends.add(e.childId());
        }
        for (String id : ends) {
            requireModel(id);
        }
        for (String id : ends) {
            Model m = models.get(id);
            if (!c.familyId().equals(m.familyId())) {
                removeEdgesInto(id, undo);
                setModel(id, m.toBuilder().familyId(c.familyId()).parentId(null).confidence(null).build(), undo);
            }
        }
        for (String child : c.children()) {
            removeEdgesInto(child, undo);
        }
        for (LineageEdge e : c.edges()) {
            EdgeRow row = new EdgeRow(c.familyId(), e.parentId(), e.childId(), e.confidence(), e.kind(), e.weight());
            setEdge(row.key(), row, undo);
        }
        Map<String, LineageEdge> main = LineageEdge.mainEdges(c.edges());
        for (String child : c.children()) {
            Model m = models.get(child);
            LineageEdge e = main.get(child);
            String parent = e == null ? null : e.parentId();
            Double confidence = e == null ? null : e.confidence();
            if (!java.util.Objects.equals(parent, m.parentId()) || !java.util.Objects.equals(confidence, m.confidence())) {
                setModel(child, m.toBuilder().parentId(parent).confidence(confidence).build(), undo);
            }
        }
    }

    /** The queued job that claimNextJob would take. */
    Optional<String> nextQueued() {
        return queue.isEmpty() ? Optional.empty() : Optional.of(queue.first().modelId());
    }

    // ================================================================== reads

    Optional<Model> model(String id) {
        return Optional.ofNullable(models.get(id));
    }

    Optional<Model> modelByChecksum(String checksum) {
        String id = idByChecksum.get(checksum);
        return id == null ? Optional.empty() : Optional.of(models.get(id));
    }

    Page<Model> search(ModelQuery q) {
        String text = q.nameKeyContains();
        List<Named> candidates;
        if (q.familyId() != null) {
            candidates = new ArrayList<>();
            for (String id : copy(membersByFamily.get(q.familyId()))) {
                Model m = models.get(id);
                candidates.add(new Named(NameKey.of(m), m));
            }
            candidates.sort(Comparator.comparing(Named::key));
        } else {
            candidates = byName;
        }
        List<Model> items = new ArrayList<>();
        if (text == null && q.status() == null) {
            for (int i = q.offset(); i < candidates.size() && items.size() < q.limit(); i++) {
                items.add(candidates.get(i).model());
            }
            return new Page<>(items, candidates.size(), q.offset(), q.limit());
        }
        long total = 0;
        long end = (long) q.offset() + q.limit();
        for (Named n : candidates) {
            if (q.status() != null && n.model().status() != q.status()) {
                continue;
            }
            if (text != null && !n.key().key().contains(text)) {
                continue;
            }
            if (total >= q.offset() && total < end) {
                items.add(n.model());
            }
            total++;
        }
        return new Page<>(items, total, q.offset(), q.limit());
    }

    List<Model> children(String id) {
        return copy(childrenByParent.get(id)).stream().map(models::get)
                .sorted(Comparator.comparing(NameKey::of)).toList();
    }

    boolean blobReferenced(String sha256) {
        return blobRefs.containsKey(sha256);
    }

    private Family family(FamilyRow row) {
        Set<String> members = membersByFamily.get(row.id());
        return new Family(row.id(), row.structuralHash(), members == null ? 0 : members.size(), row.rootModelId());
    }

    Optional<Family> family(String id) {
        FamilyRow row = families.get(id);
        return row == null ? Optional.empty() : Optional.of(family(row));
    }

    Page<Family> families(int offset, int limit) {
        List<Family> items = new ArrayList<>();
        int i = 0;
        for (FamilyRow row : families.values()) {
            if (items.size() >= limit) {
                break;
            }
            if (i++ >= offset) {
                items.add(family(row));
            }
        }
        return new Page<>(items, families.size(), offset, limit);
    }

    List<Family> familiesByHash(String hash) {
        return copy(familiesByHash.get(hash)).stream().sorted(Ids::compareCodePoints).map(id -> family(families.get(id)))
                .toList();
    }

    List<LineageEdge> lineage(String familyId) {
        return copy(edgesByFamily.get(familyId)).stream().map(edges::get)
                .sorted(Comparator.comparing(EdgeRow::parentId, Ids::compareCodePoints)
                        .thenComparing(EdgeRow::childId, Ids::compareCodePoints))
                .map(EdgeRow::edge).toList();
    }

    Double distance(String a, String b, String metric) {
        return distanceValue(a, b, metric);
    }

    List<PairDistance> distances(Collection<String> modelIds, String metric) {
        Set<String> ids = new HashSet<>(modelIds);
        List<PairDistance> found = new ArrayList<>();
        for (String a : ids) {
            Map<String, Map<String, Double>> row = distances.get(a);
            if (row == null) {
                continue;
            }
            for (Map.Entry<String, Map<String, Double>> e : row.entrySet()) {
                String b = e.getKey();
                Double value = e.getValue().get(metric);
                if (value != null && a.compareTo(b) < 0 && ids.contains(b)) {
                    found.add(new PairDistance(a, b, metric, value));
                }
            }
        }
        return found;
    }

    String statisticsSha(String modelId, String version) {
        Map<String, String> versions = statistics.get(modelId);
        return versions == null ? null : versions.get(version);
    }

    Optional<Job> job(String modelId) {
        return Optional.ofNullable(jobs.get(modelId));
    }

    List<Job> jobs(JobState state) {
        return jobs.values().stream().filter(j -> j.state() == state)
                .sorted(Comparator.comparing((Job j) -> new QueueKey(j.enqueuedAt(), j.modelId()))).toList();
    }

    LakeTotals totals() {
        return new LakeTotals(models.size(), families.size(), countByStatus, countByFormat, parameterTotal,
                createdAt.isEmpty() ? null : createdAt.lastKey());
    }

    LakeStats stats(int largestFamilies) {
        List<LineageEdge> all = new ArrayList<>(edges.size());
        for (EdgeRow e : edges.values()) {
            all.add(e.edge());
        }
        return LakeStats.ofIndex(models.values(), models::get,
                id -> families.containsKey(id) ? families.get(id).rootModelId() : null, all, largestFamilies);
    }

    // ================================================================== snapshot views

    Collection<FamilyRow> familyRows() {
        return families.values();
    }

    Collection<Model> models() {
        return models.values();
    }

    Collection<EdgeRow> edges() {
        return edges.values();
    }

    /** Each distance once. */
    List<PairDistance> allDistances() {
        List<PairDistance> all = new ArrayList<>();
        distances.forEach((a, row) -> row.forEach((b, metrics) -> {
            if (a.compareTo(b) < 0) {
                metrics.forEach((metric, value) -> all.add(new PairDistance(a, b, metric, value)));
            }
        }));
        return all;
    }

    /** model → version → SHA-256. */
    Map<String, Map<String, String>> statisticsRefs() {
        return statistics;
    }

    Collection<Job> allJobs() {
        return jobs.values();
    }

    Collection<ApiToken> allTokens() {
        return tokens.values();
    }

    List<AuditEntry> allAudit() {
        return audit;
    }
}
