package org.modelheritage.lake;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.PairDistance;
import org.modelheritage.read.WeightFile;

/**
 * What the lake needs from the signature, family and lineage stages, in the lake's terms (model
 * ids, bytes to persist). One implementation wraps the library's incremental engine; the seam
 * keeps the lake's bookkeeping (ids, persistence, concurrency) apart from the algorithms.
 * The lake keeps one engine per family group ({@link #familyKey}: models of different keys are
 * never in one family), made by {@link #fresh()} and loaded from the store; calls on one engine
 * other than {@link #signature} are made under that group's lock, never concurrently.
 */
interface LineageAdapter {

    /**
     * A model's signature, computed in one streaming pass over its weights.
     *
     * @param familyKey the group of models it may share a family with (see {@link #familyKey}); null
     *                  when read back from the store without it (then the statistics tell)
     */
    record Signature(long parameterCount, int layerCount, String structuralHash, String statisticsVersion,
                     byte[] statistics, String familyKey) {
        public Signature(long parameterCount, int layerCount, String structuralHash, String statisticsVersion,
                         byte[] statistics) {
            this(parameterCount, layerCount, structuralHash, statisticsVersion, statistics, null);
        }
    }

    /** A family as the engine now sees it: its members, its root and its tree. */
    record FamilyState(Set<String> members, String structuralHash, String rootId, List<LineageEdge> edges) {
    }

    /**
     * What an add or a remove changed: every family whose members or tree changed, as it now is
     * (families that vanished are simply absent), and the distances computed on the way, to cache.
     */
    record Outcome(List<FamilyState> families, List<PairDistance> newDistances) {
    }

    Signature signature(WeightFile file) throws IOException;

    /**
     * The family group a signature belongs to: adding or removing a model can change the families
     * and trees of its group only. It is what the store keeps as a family's structural hash.
     */
    String familyKey(Signature signature);

    /** A new, empty engine of the same kind and recipe, for one family group. */
    LineageAdapter fresh();

    /** The version {@link Signature#statistics()} are stored under; others are not read back. */
    String statisticsVersion();

    /**
     * Replaces what the engine holds with the processed models (when the lake reopens, or after a
     * change the store refused), with the distances cached among them, so that nothing is
     * recomputed.
     *
     * @return the models whose statistics could not be read back (they must be processed again)
     */
    Set<String> restore(Map<String, Signature> models, List<PairDistance> cachedDistances);

    /**
     * As {@link #restore(Map, List)}, given only the cached distances of {@link
     * #metricsToRestore()}; the engine reads the others from {@code moreDistances} (given a family's
     * member ids, the stored distances among them of the other metrics) when it first needs a
     * family's values, so a restore for work on one family does not read every family's.
     *
     * @param models          the processed models, by id
     * @param cachedDistances the stored distances among them of {@link #metricsToRestore()}
     * @param moreDistances   the stored distances of the other metrics among the given models
     * @return the models whose statistics could not be read back (they must be processed again)
     */
    default Set<String> restore(Map<String, Signature> models, List<PairDistance> cachedDistances,
                                java.util.function.Function<java.util.Collection<String>, List<PairDistance>> moreDistances) {
        return restore(models, cachedDistances);
    }

    /**
     * Brings an engine restored earlier up to date with models another process sharing the store
     * has added since (all it held are still there), given their signatures and the stored
     * distances of {@link #metricsToRestore()} that involve them, the rest read through {@code
     * moreDistances} as for a restore: the engine then holds what a restore of every model would
     * give, and reports as changed only what changes after it. Empty when the engine cannot: the
     * caller restores a fresh engine instead.
     *
     * @param models          the models added elsewhere, by id; none held here
     * @param cachedDistances the stored distances involving them (of every metric, or of {@link #metricsToRestore()} at least)
     * @param moreDistances   the stored distances of the other metrics among the given models
     * @return the models whose statistics could not be read back (they must be processed again), or
     *     empty when this engine does not catch up
     */
    default java.util.Optional<Set<String>> catchUp(Map<String, Signature> models, List<PairDistance> cachedDistances,
            java.util.function.Function<java.util.Collection<String>, List<PairDistance>> moreDistances) {
        return java.util.Optional.empty();
    }

    /** The metrics whose cached distances {@link #restore(Map, List, java.util.function.Function)} is given at once. */
    default List<String> metricsToRestore() {
        return distanceMetrics();
    }

    /** Places a model in a family and recomputes that family's tree. */
    Outcome add(String modelId, Signature signature);

    /** Takes a model out and recomputes its family's tree; its children are re-linked. */
    Outcome remove(String modelId);

    /** Whether the engine holds this model. */
    boolean contains(String modelId);

    /** The metric names the cached distances are stored under (what {@link #restore} reads back). */
    List<String> distanceMetrics();

    /**
     * What adding a model of this signature would do, the engine left unchanged (see {@link
     * org.modelheritage.lineage.LineageProbe}); the candidate is {@link
     * org.modelheritage.lineage.LineageProbe#CANDIDATE}. Called on a family group's engine, under
     * its locks, from what the engine holds (the group as {@link #restore} and the adds since left it).
     */
    default org.modelheritage.lineage.LineageProbe.Outcome probe(Signature candidate) {
        throw new UnsupportedOperationException("this lineage engine cannot identify without adding");
    }
}
