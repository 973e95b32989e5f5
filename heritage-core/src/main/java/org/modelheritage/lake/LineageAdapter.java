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
 * Calls other than {@link #signature} are made under one lock, never concurrently.
 */
interface LineageAdapter {

    /** A model's signature, computed in one streaming pass over its weights. */
    record Signature(long parameterCount, int layerCount, String structuralHash, String statisticsVersion,
                     byte[] statistics) {
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
     * org.modelheritage.lineage.LineageProbe#CANDIDATE}. May be called at any time, outside the lock.
     *
     * @param storedDistances the cached distances among the given models, as {@link #restore} takes them
     */
    default org.modelheritage.lineage.LineageProbe.Outcome probe(Signature candidate,
            java.util.function.Function<java.util.Collection<String>, List<PairDistance>> storedDistances) {
        throw new UnsupportedOperationException("this lineage engine cannot identify without adding");
    }
}
