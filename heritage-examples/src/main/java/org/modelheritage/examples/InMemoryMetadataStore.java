package org.modelheritage.examples;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
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
import org.modelheritage.store.ModelQuery;
import org.modelheritage.store.ModelStatus;
import org.modelheritage.store.NoSuchRecordException;
import org.modelheritage.store.Page;
import org.modelheritage.store.StoreException;
import org.modelheritage.store.StoreLock;

/**
 * A metadata store held in memory, for tests and demos: nothing outlives the JVM.
 *
 * <p>All-or-nothing change sets come almost for free: the whole state is an immutable snapshot;
 * {@link #apply} copies it, applies every change to the copy, and publishes the copy only when
 * all of them succeeded. Readers take whatever snapshot is current, without locking. Writers are
 * serialised by one lock, which is plenty for a store this size.
 *
 * <p>Handles opened on one name share its data, so several lakes in one JVM may use it at once:
 * their family locks ({@link #lockFamilies}) are shared by the name too. Jobs have no leases (the
 * default claim): nothing outlives the JVM, so there is no other process to take a job over from.
 */
public final class InMemoryMetadataStore implements MetadataStore {

    /** What a named store holds; shared by every {@link InMemoryMetadataStore} opened on the name. */
    static final class Data {
        private volatile Snapshot current = new Snapshot();
        private final ConcurrentHashMap<String, ReentrantLock> familyLocks = new ConcurrentHashMap<>();
    }

    private final Data data;
    private volatile boolean closed;

    InMemoryMetadataStore(Data data) {
        this.data = data;
    }

    // ------------------------------------------------------------------ models

    @Override
    public Optional<Model> model(String id) {
        return Optional.ofNullable(read().models.get(id));
    }

    @Override
    public Optional<Model> modelByChecksum(String checksum) {
        Snapshot s = read();
        return Optional.ofNullable(s.idByChecksum.get(checksum)).map(s.models::get);
    }

    @Override
    public Page<Model> searchModels(ModelQuery query) {
        String key = query.nameKeyContains();
        List<Model> matches = read().models.values().stream()
                .filter(m -> key == null || Ids.nameKey(m.name()).contains(key))
                .filter(m -> query.familyId() == null || query.familyId().equals(m.familyId()))
                .filter(m -> query.status() == null || query.status() == m.status())
                .sorted(ALPHABETICAL)
                .toList();
        int from = (int) Math.min(query.offset(), matches.size());
        int to = (int) Math.min((long) from + query.limit(), matches.size());
        return new Page<>(matches.subList(from, to), matches.size(), query.offset(), query.limit());
    }

    @Override
    public List<Model> children(String modelId) {
        return read().models.values().stream().filter(m -> modelId.equals(m.parentId())).sorted(ALPHABETICAL).toList();
    }

    @Override
    public boolean blobReferenced(String sha256) {
        return read().models.values().stream().flatMap(m -> m.files().stream()).anyMatch(f -> f.sha256().equals(sha256));
    }

    // ------------------------------------------------------------------ families and lineage

    @Override
    public Optional<Family> family(String id) {
        Snapshot s = read();
        return Optional.ofNullable(s.families.get(id)).map(f -> s.withMemberCount(f));
    }

    @Override
    public Page<Family> families(int offset, int limit) {
        Snapshot s = read();
        List<Family> all = s.families.values().stream().sorted(Comparator.comparing(Family::id)).toList();
        int from = Math.min(offset, all.size());
        int to = (int) Math.min((long) from + limit, all.size());
        return new Page<>(all.subList(from, to).stream().map(s::withMemberCount).toList(), all.size(), offset, limit);
    }

    @Override
    public List<Family> familiesByStructuralHash(String structuralHash) {
        Snapshot s = read();
        return s.families.values().stream().filter(f -> f.structuralHash().equals(structuralHash))
                .sorted(Comparator.comparing(Family::id)).map(s::withMemberCount).toList();
    }

    @Override
    public List<LineageEdge> lineage(String familyId) {
        return read().edges.getOrDefault(familyId, List.of()).stream()
                .sorted(Comparator.comparing(LineageEdge::parentId).thenComparing(LineageEdge::childId)).toList();
    }

    // ------------------------------------------------------------------ caches

    @Override
    public OptionalDouble distance(String modelA, String modelB, String metric) {
        if (modelA.equals(modelB)) {
            return OptionalDouble.empty();
        }
        Double d = read().distances.get(PairKey.of(PairDistance.symmetric(modelA, modelB, metric, 0)));
        return d == null ? OptionalDouble.empty() : OptionalDouble.of(d);
    }

    @Override
    public List<PairDistance> distances(Collection<String> modelIds, String metric) {
        Set<String> ids = new HashSet<>(modelIds);
        List<PairDistance> out = new ArrayList<>();
        read().distances.forEach((k, v) -> {
            if (k.metric().equals(metric) && ids.contains(k.modelA()) && ids.contains(k.modelB())) {
                out.add(new PairDistance(k.modelA(), k.modelB(), metric, v));
            }
        });
        return out;
    }

    @Override
    public Optional<byte[]> statistics(String modelId, String version) {
        byte[] b = read().statistics.getOrDefault(modelId, Map.of()).get(version);
        return Optional.ofNullable(b).map(byte[]::clone);
    }

    // ------------------------------------------------------------------ jobs

    @Override
    public Optional<Job> job(String modelId) {
        return Optional.ofNullable(read().jobs.get(modelId));
    }

    @Override
    public List<Job> jobs(JobState state) {
        return read().jobs.values().stream().filter(j -> j.state() == state).sorted(OLDEST_FIRST).toList();
    }

    @Override
    public Optional<Job> claimNextJob() {
        synchronized (data) {
            Snapshot s = read();
            Optional<Job> next = s.jobs.values().stream().filter(j -> j.state() == JobState.QUEUED).min(OLDEST_FIRST);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            Job q = next.get();
            Job running = new Job(q.modelId(), JobState.RUNNING, q.attempts() + 1, q.enqueuedAt(), now(), null, q.lastError());
            Snapshot draft = s.copy();
            draft.jobs.put(running.modelId(), running);
            Model m = draft.models.get(running.modelId());
            draft.putModel(m.toBuilder().status(ModelStatus.PROCESSING).build());
            data.current = draft;
            return Optional.of(running);
        }
    }

    @Override
    public int requeueInterruptedJobs() {
        synchronized (data) {
            Snapshot draft = read().copy();
            int n = 0;
            for (Job j : List.copyOf(draft.jobs.values())) {
                if (j.state() == JobState.RUNNING) {
                    draft.jobs.put(j.modelId(), new Job(j.modelId(), JobState.QUEUED, j.attempts(), j.enqueuedAt(),
                            null, null, j.lastError()));
                    draft.putModel(draft.models.get(j.modelId()).toBuilder().status(ModelStatus.PENDING).build());
                    n++;
                }
            }
            data.current = draft;
            return n;
        }
    }

    // ------------------------------------------------------------------ totals

    @Override
    public LakeTotals totals() {
        Snapshot s = read();
        Map<ModelStatus, Long> byStatus = new EnumMap<>(ModelStatus.class);
        Map<String, Long> byFormat = new TreeMap<>();
        long parameters = 0;
        Instant last = null;
        for (Model m : s.models.values()) {
            byStatus.merge(m.status(), 1L, Long::sum);
            byFormat.merge(m.format() == null ? LakeTotals.UNKNOWN_FORMAT : m.format(), 1L, Long::sum);
            parameters += m.parameterCount() == null ? 0 : m.parameterCount();
            if (last == null || m.createdAt().isAfter(last)) {
                last = m.createdAt();
            }
        }
        return new LakeTotals(s.models.size(), s.families.size(), byStatus, byFormat, parameters, last);
    }

    @Override
    public LakeStats stats(int largestFamilies) {
        Snapshot s = read();
        List<LineageEdge> edges = new ArrayList<>();
        s.edges.values().forEach(edges::addAll);
        return LakeStats.ofIndex(s.models.values(), s.models::get,
                id -> s.families.containsKey(id) ? s.families.get(id).rootModelId() : null, edges, largestFamilies);
    }

    // ------------------------------------------------------------------ access

    @Override
    public Optional<ApiToken> token(String id) {
        return Optional.ofNullable(read().tokens.get(id));
    }

    @Override
    public Optional<ApiToken> tokenBySecretHash(String secretHash) {
        return read().tokens.values().stream().filter(t -> t.secretHash().equals(secretHash)).findFirst();
    }

    @Override
    public List<ApiToken> tokens() {
        return read().tokens.values().stream()
                .sorted(Comparator.comparing(ApiToken::createdAt).thenComparing(ApiToken::id, Ids::compareCodePoints))
                .toList();
    }

    @Override
    public Page<AuditEntry> audit(int offset, int limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must be >= 0");
        }
        List<AuditEntry> all = read().audit;
        List<AuditEntry> items = new ArrayList<>();
        for (int i = all.size() - 1 - offset; i >= 0 && items.size() < limit; i--) {
            items.add(all.get(i));
        }
        return new Page<>(items, all.size(), offset, limit);
    }

    private static final Comparator<AuditEntry> AUDIT_ORDER =
            Comparator.comparing(AuditEntry::at).thenComparing(AuditEntry::id, Ids::compareCodePoints);

    // ------------------------------------------------------------------ writing

    @Override
    public void apply(ChangeSet changes) {
        synchronized (data) {
            Snapshot draft = read().copy();
            for (Change c : changes.changes()) {
                draft.apply(c);
            }
            data.current = draft; // reached only if every change succeeded
        }
    }

    @Override
    public StoreLock lockFamilies(String key) {
        ReentrantLock lock = data.familyLocks.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        return lock::unlock;
    }

    @Override
    public void close() {
        closed = true;
    }

    private Snapshot read() {
        if (closed) {
            throw new StoreException("this in-memory store was closed");
        }
        return data.current;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    private static final Comparator<Model> ALPHABETICAL = (a, b) -> {
        int c = Ids.compareCodePoints(Ids.nameKey(a.name()), Ids.nameKey(b.name()));
        if (c == 0) {
            c = Ids.compareCodePoints(a.name(), b.name());
        }
        return c != 0 ? c : Ids.compareCodePoints(a.id(), b.id());
    };

    /** A distance's pair (in {@link PairDistance}'s canonical order) and metric. */
    private record PairKey(String modelA, String modelB, String metric) {
        static PairKey of(PairDistance d) {
            return new PairKey(d.modelA(), d.modelB(), d.metric());
        }
    }

    private static final Comparator<Job> OLDEST_FIRST =
            Comparator.comparing(Job::enqueuedAt).thenComparing(Job::modelId);

    /**
     * The whole store at one moment. Published snapshots are never modified: {@link #copy()} first.
     * Values are immutable records (statistics arrays are copied in and out), so copying the maps is enough.
     */
    private static final class Snapshot {
        final Map<String, Model> models;
        final Map<String, String> idByChecksum;
        final Map<String, Family> families;
        final Map<String, List<LineageEdge>> edges;
        final Map<PairKey, Double> distances;
        final Map<String, Map<String, byte[]>> statistics;
        final Map<String, Job> jobs;
        final Map<String, ApiToken> tokens;
        /** Oldest first; a copy shares the entries, which are immutable. */
        final List<AuditEntry> audit;

        Snapshot() {
            this(new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(),
                    new HashMap<>(), new HashMap<>(), new ArrayList<>());
        }

        private Snapshot(Map<String, Model> models, Map<String, String> idByChecksum, Map<String, Family> families,
                         Map<String, List<LineageEdge>> edges, Map<PairKey, Double> distances,
                         Map<String, Map<String, byte[]>> statistics, Map<String, Job> jobs,
                         Map<String, ApiToken> tokens, List<AuditEntry> audit) {
            this.models = models;
            this.idByChecksum = idByChecksum;
            this.families = families;
            this.edges = edges;
            this.distances = distances;
            this.statistics = statistics;
            this.jobs = jobs;
            this.tokens = tokens;
            this.audit = audit;
        }

        Snapshot copy() {
            Map<String, Map<String, byte[]>> stats = new HashMap<>();
            statistics.forEach((k, v) -> stats.put(k, new HashMap<>(v)));
            return new Snapshot(new HashMap<>(models), new HashMap<>(idByChecksum), new HashMap<>(families),
                    new HashMap<>(edges), new HashMap<>(distances), stats, new HashMap<>(jobs), new HashMap<>(tokens),
                    new ArrayList<>(audit));
        }

        Family withMemberCount(Family f) {
            long members = models.values().stream().filter(m -> f.id().equals(m.familyId())).count();
            return new Family(f.id(), f.structuralHash(), members, f.rootModelId());
        }

        void putModel(Model m) {
            Model old = models.put(m.id(), m);
            if (old != null) {
                idByChecksum.remove(old.checksum());
            }
            idByChecksum.put(m.checksum(), m.id());
        }

        void apply(Change change) {
            if (change instanceof Change.InsertModel c) {
                Model m = c.model();
                if (models.containsKey(m.id())) {
                    throw new DuplicateIdException(m.id());
                }
                requireUniqueChecksum(m);
                requireReferences(m);
                putModel(m);
            } else if (change instanceof Change.UpdateModel c) {
                Model m = c.model();
                requireModel(m.id());
                requireUniqueChecksum(m);
                requireReferences(m);
                putModel(m);
            } else if (change instanceof Change.UpdateStatus c) {
                putModel(requireModel(c.modelId()).toBuilder().status(c.status())
                        .failureMessage(c.failureMessage()).processedAt(c.processedAt()).build());
            } else if (change instanceof Change.DeleteModel c) {
                deleteModel(c.modelId());
            } else if (change instanceof Change.PutFamily c) {
                if (c.rootModelId() != null) {
                    requireModel(c.rootModelId());
                }
                families.put(c.familyId(), new Family(c.familyId(), c.structuralHash(), 0, c.rootModelId()));
            } else if (change instanceof Change.DeleteFamily c) {
                requireFamily(c.familyId());
                families.remove(c.familyId());
                edges.remove(c.familyId());
                for (Model m : List.copyOf(models.values())) {
                    if (c.familyId().equals(m.familyId())) {
                        putModel(m.toBuilder().familyId(null).parentId(null).confidence(null).build());
                    }
                }
            } else if (change instanceof Change.ReplaceLineage c) {
                replaceLineage(c.familyId(), c.edges());
            } else if (change instanceof Change.UpdateLineage c) {
                updateLineage(c.familyId(), c.children(), c.edges());
            } else if (change instanceof Change.PutDistance c) {
                requireModel(c.distance().modelA());
                requireModel(c.distance().modelB());
                distances.put(PairKey.of(c.distance()), c.distance().value());
            } else if (change instanceof Change.PutStatistics c) {
                requireModel(c.modelId());
                statistics.computeIfAbsent(c.modelId(), k -> new HashMap<>()).put(c.version(), c.data());
            } else if (change instanceof Change.EnqueueJob c) {
                requireModel(c.modelId());
                Job old = jobs.get(c.modelId());
                jobs.put(c.modelId(), new Job(c.modelId(), JobState.QUEUED, old == null ? 0 : old.attempts(),
                        c.enqueuedAt(), null, null, old == null ? null : old.lastError()));
            } else if (change instanceof Change.FinishJob c) {
                Job old = jobs.get(c.modelId());
                if (old == null) {
                    throw new NoSuchRecordException("job", c.modelId());
                }
                jobs.put(c.modelId(), new Job(old.modelId(), c.outcome(), old.attempts(), old.enqueuedAt(),
                        old.startedAt(), c.finishedAt(), c.error()));
            } else if (change instanceof Change.PutToken c) {
                ApiToken t = c.token();
                if (tokens.containsKey(t.id())
                        || tokens.values().stream().anyMatch(o -> o.secretHash().equals(t.secretHash()))) {
                    throw new DuplicateIdException("token", t.id());
                }
                tokens.put(t.id(), t);
            } else if (change instanceof Change.RevokeToken c) {
                ApiToken t = tokens.get(c.tokenId());
                if (t == null) {
                    throw new NoSuchRecordException("token", c.tokenId());
                }
                tokens.put(t.id(), t.revoked(c.revokedAt()));
            } else if (change instanceof Change.AppendAudit c) {
                AuditEntry e = c.entry();
                if (audit.stream().anyMatch(o -> o.id().equals(e.id()))) {
                    throw new DuplicateIdException("audit entry", e.id());
                }
                int at = Collections.binarySearch(audit, e, AUDIT_ORDER);
                audit.add(at < 0 ? -at - 1 : at, e);
            } else {
                throw new IllegalArgumentException("unknown change " + change);
            }
        }

        private void deleteModel(String id) {
            Model gone = requireModel(id);
            models.remove(id);
            idByChecksum.remove(gone.checksum());
            edges.replaceAll((family, list) -> list.stream()
                    .filter(e -> !e.parentId().equals(id) && !e.childId().equals(id)).toList());
            Map<String, LineageEdge> mainLeft = LineageEdge.mainEdges(
                    edges.values().stream().flatMap(List::stream).toList());
            for (Model m : List.copyOf(models.values())) {
                if (id.equals(m.parentId())) {
                    // a merge's child keeps its other parents: the heaviest left becomes its main one
                    LineageEdge main = mainLeft.get(m.id());
                    putModel(m.toBuilder().parentId(main == null ? null : main.parentId())
                            .confidence(main == null ? null : main.confidence()).build());
                }
            }
            families.replaceAll((fid, f) -> id.equals(f.rootModelId())
                    ? new Family(f.id(), f.structuralHash(), 0, null) : f);
            distances.keySet().removeIf(d -> d.modelA().equals(id) || d.modelB().equals(id));
            statistics.remove(id);
            jobs.remove(id);
        }

        /**
         * As the JDBC adapter does it: the ends join the family, losing any parent they had elsewhere;
         * a child takes its main edge's parent (a merge's heaviest).
         */
        private void replaceLineage(String familyId, List<LineageEdge> newEdges) {
            requireFamily(familyId);
            Set<String> ends = new LinkedHashSet<>();
            for (LineageEdge e : newEdges) {
                ends.add(e.parentId());
                ends.add(e.childId());
            }
            for (String id : ends) {
                requireModel(id);
            }
            edges.remove(familyId);
            for (Model m : List.copyOf(models.values())) {
                if (familyId.equals(m.familyId())) {
                    putModel(m.toBuilder().parentId(null).confidence(null).build());
                }
            }
            edges.replaceAll((family, list) -> list.stream().filter(e -> !ends.contains(e.childId())).toList());
            for (String id : ends) {
                putModel(models.get(id).toBuilder().familyId(familyId).parentId(null).confidence(null).build());
            }
            for (LineageEdge e : LineageEdge.mainEdges(newEdges).values()) {
                putModel(models.get(e.childId()).toBuilder().parentId(e.parentId()).confidence(e.confidence()).build());
            }
            edges.put(familyId, List.copyOf(newEdges));
        }

        /** The edges into {@code children} replaced; ends from other families move in (see Change.UpdateLineage). */
        private void updateLineage(String familyId, Set<String> children, List<LineageEdge> newEdges) {
            requireFamily(familyId);
            children.forEach(this::requireModel);
            Set<String> ends = new LinkedHashSet<>();
            for (LineageEdge e : newEdges) {
                ends.add(e.parentId());
                ends.add(e.childId());
            }
            ends.forEach(this::requireModel);
            Set<String> moving = new LinkedHashSet<>();
            for (String id : ends) {
                if (!familyId.equals(models.get(id).familyId())) {
                    moving.add(id);
                }
            }
            edges.replaceAll((family, list) -> list.stream()
                    .filter(e -> !children.contains(e.childId()) && !moving.contains(e.childId())).toList());
            for (String id : moving) {
                putModel(models.get(id).toBuilder().familyId(familyId).parentId(null).confidence(null).build());
            }
            Map<String, LineageEdge> main = LineageEdge.mainEdges(newEdges);
            for (String child : children) {
                LineageEdge e = main.get(child);
                putModel(models.get(child).toBuilder().parentId(e == null ? null : e.parentId())
                        .confidence(e == null ? null : e.confidence()).build());
            }
            List<LineageEdge> all = new ArrayList<>(edges.getOrDefault(familyId, List.of()));
            all.addAll(newEdges);
            edges.put(familyId, List.copyOf(all));
        }

        private void requireUniqueChecksum(Model m) {
            String holder = idByChecksum.get(m.checksum());
            if (holder != null && !holder.equals(m.id())) {
                throw new DuplicateChecksumException(m.checksum(), holder);
            }
        }

        private void requireReferences(Model m) {
            if (m.familyId() != null) {
                requireFamily(m.familyId());
            }
            if (m.parentId() != null) {
                requireModel(m.parentId());
            }
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
    }
}
