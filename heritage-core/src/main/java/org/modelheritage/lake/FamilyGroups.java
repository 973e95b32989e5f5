package org.modelheritage.lake;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.PairDistance;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;
import org.modelheritage.store.StoreLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lineage engines of family groups (all models of one {@link LineageAdapter#familyKey}), loaded
 * from the store when a job needs one, and the locks that make one caller at a time work on a group.
 *
 * <p>Nothing is loaded when the lake opens. {@link #open} takes the group's in-process lock, then
 * the store's lock for it (which excludes other processes sharing the store), and hands out an
 * engine holding exactly the processed models the store holds in the group: on a store one process
 * owns, the one kept from the last job on the group (every change to the group went through this
 * lake, under this lock); on a store shared by processes, the kept one when the store holds the
 * same models (results depend only on the set of models, never on who added them or in which
 * order), or the kept one brought up to date with the models other processes added since (their
 * signatures and stored values read, nothing recomputed); else a new one restored from the
 * signatures and the cached values the families are found from, the rest of a family's values read
 * when its tree is first needed. So an
 * engine never works from a view another process has moved past. With the engine go the members'
 * families and the lineage edges as the store has them (read when first needed), so that a job
 * writes what changed without reading every member back. Engines are kept between jobs up to a
 * bound on the models they hold, least recently used dropped first; the group used last is kept
 * whatever its size unless the bound is 0.
 */
final class FamilyGroups {
    private static final Logger log = LoggerFactory.getLogger(FamilyGroups.class);

    private final MetadataStore meta;
    private final LineageAdapter prototype;
    private final int maxCachedModels;
    private final Map<String, KeyLock> locks = new HashMap<>();
    /** Engines by family key, least recently used first; guarded by {@code this}. */
    private final LinkedHashMap<String, Loaded> cache = new LinkedHashMap<>(16, 0.75f, true);
    private int cachedModels;
    private int loads;
    private int catchUps;

    private record Loaded(LineageAdapter engine, Map<String, String> familyOf,
                          Map<String, Map<String, List<LineageEdge>>> edges) {
        Set<String> members() {
            return familyOf.keySet();
        }
    }

    private static final class KeyLock {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    FamilyGroups(MetadataStore meta, LineageAdapter prototype, int maxCachedModels) {
        this.meta = meta;
        this.prototype = prototype;
        this.maxCachedModels = maxCachedModels;
    }

    /**
     * One family group, held until closed: its engine loaded with the processed models the store
     * holds in it (but {@code leaveOut}, a model being processed again), and those models.
     */
    final class Group implements AutoCloseable {
        private final String key;
        private final KeyLock local;
        private final StoreLock shared;
        private LineageAdapter engine;
        /** The processed members the engine holds, each with its family in the store. */
        private Map<String, String> familyOf;
        /** Lineage edges as the store has them, by family and child; a family is read when first asked for. */
        private Map<String, Map<String, List<LineageEdge>>> edges = new HashMap<>();
        /** Models of the group whose statistics could not be read back: to process again. */
        private final List<String> unreadable = new ArrayList<>();
        private boolean keep = true;

        private Group(String key, KeyLock local, StoreLock shared) {
            this.key = key;
            this.local = local;
            this.shared = shared;
        }

        String key() {
            return key;
        }

        LineageAdapter engine() {
            return engine;
        }

        /** The processed models the engine holds, each with the family the store has it in (or null). */
        Map<String, String> familyOf() {
            return familyOf;
        }

        /** A family's lineage edges as the store has them, by child (read from the store the first time). */
        Map<String, List<LineageEdge>> storedEdges(String familyId) {
            return edges.computeIfAbsent(familyId, id -> {
                Map<String, List<LineageEdge>> byChild = new HashMap<>();
                for (LineageEdge e : meta.lineage(id)) {
                    byChild.computeIfAbsent(e.childId(), k -> new ArrayList<>(1)).add(e);
                }
                return byChild;
            });
        }

        List<String> unreadable() {
            return unreadable;
        }

        /**
         * The store took what the engine did: the members' families and edges are now {@code
         * families} and {@code familyEdges} (by family id, then child: every edge of each family
         * named), the families {@code deleted} are gone, and {@code removed} left the group.
         */
        void committed(Map<String, String> families, Map<String, Map<String, List<LineageEdge>>> familyEdges,
                       Set<String> deleted, String removed) {
            familyOf.putAll(families);
            if (removed != null) {
                familyOf.remove(removed);
            }
            deleted.forEach(edges::remove);
            edges.putAll(familyEdges);
        }

        /** The store refused what the engine did: the engine no longer matches it and is dropped. */
        void discard() {
            keep = false;
        }

        @Override
        public void close() {
            try {
                if (keep && engine != null) {
                    keepEngine(key, new Loaded(engine, familyOf, edges));
                }
            } finally {
                try {
                    shared.close();
                } finally {
                    unlockLocal(key, local);
                }
            }
        }
    }

    /** Takes the group's locks (blocking) and loads its engine; see the class comment. */
    Group open(String key, String leaveOut) {
        KeyLock local = lockLocal(key);
        StoreLock shared;
        try {
            shared = meta.lockFamilies(key);
        } catch (RuntimeException e) {
            unlockLocal(key, local);
            throw e;
        }
        Group g = new Group(key, local, shared);
        try {
            load(g, leaveOut);
            return g;
        } catch (RuntimeException e) {
            g.discard();
            g.close();
            throw e;
        }
    }

    private void load(Group g, String leaveOut) {
        Loaded kept;
        synchronized (this) {
            kept = cache.remove(g.key);
            if (kept != null) {
                cachedModels -= kept.members().size();
            }
        }
        if (kept != null && !meta.sharedByProcesses() && (leaveOut == null || !kept.members().contains(leaveOut))) {
            // this process owns the store: the group changed only through this lake, which kept
            // the engine, the members and the edges in step with it
            g.engine = kept.engine();
            g.familyOf = kept.familyOf();
            g.edges = kept.edges();
            return;
        }
        Map<String, Model> stored = storedMembers(g.key);
        if (leaveOut != null) {
            stored.remove(leaveOut);
        }
        g.familyOf = new HashMap<>();
        stored.values().forEach(m -> g.familyOf.put(m.id(), m.familyId()));
        if (kept != null && kept.members().equals(stored.keySet())) {
            g.engine = kept.engine();
            return;
        }
        // the distances the families are found from now; a family's others when the engine first needs them
        List<String> now = prototype.metricsToRestore();
        List<String> later = prototype.distanceMetrics().stream().filter(m -> !now.contains(m)).toList();
        java.util.function.Function<java.util.Collection<String>, List<PairDistance>> more = ids -> {
            List<PairDistance> rows = new ArrayList<>();
            if (ids.size() > 1) {
                for (String metric : later) {
                    rows.addAll(meta.distances(ids, metric));
                }
            }
            return rows;
        };
        if (kept != null && stored.keySet().containsAll(kept.members())) {
            // another process added models to the group: the kept engine takes them in, with their
            // stored values, instead of the whole group being read again
            Map<String, Model> added = new TreeMap<>(stored);
            added.keySet().removeAll(kept.members());
            List<String> unreadable = new ArrayList<>();
            Map<String, LineageAdapter.Signature> signatures = signatures(added.values(), unreadable, g.key);
            java.util.Set<String> fresh = signatures.keySet();
            List<PairDistance> distances = new ArrayList<>();
            java.util.Set<String> ids = new java.util.HashSet<>(kept.members());
            ids.addAll(fresh);
            for (String metric : prototype.distanceMetrics()) {
                distances.addAll(meta.distancesInvolving(fresh, ids, metric));
            }
            Optional<Set<String>> rejected = kept.engine().catchUp(signatures, distances, more);
            if (rejected.isPresent()) {
                g.unreadable.addAll(unreadable);
                g.unreadable.addAll(rejected.get());
                g.unreadable.forEach(g.familyOf::remove);
                g.engine = kept.engine();
                synchronized (this) {
                    catchUps++;
                }
                log.debug("family group {}: took in {} models added elsewhere", g.key, signatures.size());
                return;
            }
        }
        Map<String, LineageAdapter.Signature> signatures = signatures(stored.values(), g.unreadable, g.key);
        List<PairDistance> distances = new ArrayList<>();
        if (signatures.size() > 1) {
            for (String metric : now) {
                distances.addAll(meta.distances(signatures.keySet(), metric));
            }
        }
        LineageAdapter engine = prototype.fresh();
        g.unreadable.addAll(engine.restore(signatures, distances, more));
        g.unreadable.forEach(g.familyOf::remove);
        g.engine = engine;
        synchronized (this) {
            loads++;
        }
        log.debug("family group {}: loaded {} models and {} cached pair values from the store", g.key,
                signatures.size(), distances.size());
    }

    /** The stored signatures of these models (one read); those without one go to {@code unreadable}. */
    private Map<String, LineageAdapter.Signature> signatures(java.util.Collection<Model> models, List<String> unreadable,
                                                             String key) {
        Map<String, LineageAdapter.Signature> signatures = new LinkedHashMap<>();
        String version = prototype.statisticsVersion();
        Map<String, byte[]> statistics = meta.statistics(models.stream().map(Model::id).toList(), version);
        for (Model m : models) {
            byte[] stats = statistics.get(m.id());
            if (stats == null || m.structuralHash() == null) {
                unreadable.add(m.id());
                continue;
            }
            signatures.put(m.id(), new LineageAdapter.Signature(m.parameterCount() == null ? 0 : m.parameterCount(),
                    m.layerCount() == null ? 0 : m.layerCount(), m.structuralHash(), version, stats, key));
        }
        return signatures;
    }

    /**
     * Loads the largest family groups into the cache, as many as {@link #maxCachedModels} holds,
     * each under its locks as a job would (a job waiting for a group waits at most for that
     * group's load). Groups already cached are left as they are.
     *
     * @param stop asked between groups: true stops the warm-up
     * @return the models loaded
     */
    int warmUp(java.util.function.BooleanSupplier stop) {
        Map<String, Long> sizes = new HashMap<>();
        for (int offset = 0; !stop.getAsBoolean(); offset += 500) {
            List<org.modelheritage.store.Family> page = meta.families(offset, 500).items();
            page.forEach(f -> sizes.merge(f.structuralHash(), f.memberCount(), Long::sum));
            if (page.size() < 500) {
                break;
            }
        }
        List<Map.Entry<String, Long>> largest = new ArrayList<>(sizes.entrySet());
        largest.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        long room = maxCachedModels;
        int loaded = 0;
        for (Map.Entry<String, Long> group : largest) {
            if (stop.getAsBoolean()) {
                break;
            }
            if (group.getValue() < 2 || group.getValue() > room) {
                continue; // a lone model needs no engine to be compared with; a group too large would push others out
            }
            synchronized (this) {
                if (cache.containsKey(group.getKey())) {
                    continue;
                }
            }
            try (Group g = open(group.getKey(), null)) {
                loaded += g.familyOf().size();
                room -= group.getValue();
            }
        }
        return loaded;
    }

    /** The processed (READY) members of the families the store keys by {@code key}, by id. */
    private Map<String, Model> storedMembers(String key) {
        Map<String, Model> out = new TreeMap<>();
        meta.modelsOfFamilies(key, ModelStatus.READY).forEach(m -> out.put(m.id(), m));
        return out;
    }

    private synchronized void keepEngine(String key, Loaded loaded) {
        if (maxCachedModels == 0) {
            return;
        }
        Loaded old = cache.put(key, loaded);
        if (old != null) {
            cachedModels -= old.members().size();
        }
        cachedModels += loaded.members().size();
        // the group used last stays whatever its size: a hub-sized family group is not read back
        // from the store at every add
        Iterator<Map.Entry<String, Loaded>> eldest = cache.entrySet().iterator();
        while (cachedModels > maxCachedModels && cache.size() > 1 && eldest.hasNext()) {
            cachedModels -= eldest.next().getValue().members().size();
            eldest.remove();
        }
    }

    private KeyLock lockLocal(String key) {
        KeyLock l;
        synchronized (locks) {
            l = locks.computeIfAbsent(key, k -> new KeyLock());
            l.users++;
        }
        l.lock.lock();
        return l;
    }

    private void unlockLocal(String key, KeyLock l) {
        l.lock.unlock();
        synchronized (locks) {
            if (--l.users == 0) {
                locks.remove(key);
            }
        }
    }

    /** Models held decoded in kept engines now (for tests and monitoring). */
    synchronized int cachedModels() {
        return cachedModels;
    }

    /** How many times an engine was restored from the store rather than reused (for tests). */
    synchronized int loads() {
        return loads;
    }

    /** How many times a kept engine took in models another process had added, instead of a load (for tests). */
    synchronized int catchUps() {
        return catchUps;
    }

    /** The kept engine of a group, if any (for tests in this package). */
    synchronized Optional<LineageAdapter> cachedEngine(String key) {
        return Optional.ofNullable(cache.get(key)).map(Loaded::engine);
    }
}
