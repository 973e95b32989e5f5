package org.modelheritage.lineage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.modelheritage.family.ModelCluster;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.family.WeightCorrelation;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;

/**
 * What the engine would make of one more model, without adding it: the family it would join and
 * the tree that family would then have. It runs the engine itself, not an approximation of it:
 * the candidate's family is found with {@link FamilyClustering#withModel} against every family of
 * its architecture (one correlation per model of that architecture, as an add costs), and the
 * tree is built by a scratch {@link LineageIndex} with the same recipe holding that family's
 * members and the candidate. A family's tree depends only on its members, so the answer is the
 * tree the lake (or {@code eval}) shows once the model is added. The index it reads is not
 * changed.
 *
 * <p>The candidate's id is {@link #CANDIDATE}, which sorts after every id the lake or {@code eval}
 * gives: where the engine breaks a tie by id (two exact copies), the model already there counts as
 * the original.
 */
public final class LineageProbe {
    /** The id the candidate goes by in the scratch index and in the tree returned. */
    public static final String CANDIDATE = "~candidate";

    /** Why the candidate would join no family, or that it would. */
    public enum Placement {
        /** It would join (or link together) existing families. */
        JOINS_FAMILY,
        /** No model of its architecture (tensor names and shapes) is there. */
        NO_COMPATIBLE_ARCHITECTURE,
        /** Models of its architecture are there, but none correlates: it was trained independently. */
        INDEPENDENTLY_TRAINED
    }

    /**
     * What was found.
     *
     * @param candidateId the id the candidate has in {@code tree}
     * @param placement whether and why (not) the candidate joins a family
     * @param joined the existing families it would join, largest first (several when it links them)
     * @param family the family it would be in (its members and the candidate); null unless it joins
     * @param tree that family's tree, with the candidate as {@code candidateId}; null unless it joins
     * @param lowRank whether the tree was built on the low-rank distance (merged adapters)
     * @param correlations the candidate's correlation with every model of its architecture
     * @param metrics the candidate's pair metrics with every member of its family
     */
    public record Outcome(String candidateId, Placement placement, List<ModelCluster> joined, ModelCluster family, LineageTree tree, boolean lowRank,
            Map<String, Double> correlations, Map<String, PairMetrics> metrics) {
        /**
         * Checks the components and copies the collections.
         *
         * @param candidateId  not null
         * @param placement    not null
         * @param joined       not null; copied
         * @param family       the family, or null
         * @param tree         the tree, or null
         * @param lowRank      which distance the tree used
         * @param correlations not null; copied
         * @param metrics      not null; copied
         * @throws NullPointerException when {@code candidateId}, {@code placement} or a collection is null
         */
        public Outcome {
            Objects.requireNonNull(candidateId, "candidateId");
            Objects.requireNonNull(placement, "placement");
            joined = List.copyOf(joined);
            correlations = Map.copyOf(correlations);
            metrics = Map.copyOf(metrics);
        }

        /**
         * The distance the tree was built on, between the candidate and a member of its family.
         *
         * @param modelId a member of the candidate's family
         * @return the distance ({@link PairMetrics#distance(boolean)}), or NaN for a model outside the family
         */
        public double distance(String modelId) {
            PairMetrics m = metrics.get(modelId);
            return m == null ? Double.NaN : m.distance(lowRank);
        }
    }

    private final MotherRecipe recipe;
    private final FamilyClustering clustering;
    private final SignatureExtractor extractor;

    /**
     * A probe that runs the engine with these parts; give it those of the index it probes, or the
     * tree it returns may differ from the one an add would give.
     *
     * @param recipe     how trees are built and oriented
     * @param clustering how models are grouped into families
     * @param extractor  how weights are read into signatures
     * @throws NullPointerException when an argument is null
     */
    public LineageProbe(MotherRecipe recipe, FamilyClustering clustering, SignatureExtractor extractor) {
        this.recipe = Objects.requireNonNull(recipe, "recipe");
        this.clustering = Objects.requireNonNull(clustering, "clustering");
        this.extractor = Objects.requireNonNull(extractor, "extractor");
    }

    /** {@return a probe with the parts a {@link LineageIndex#LineageIndex()} has} */
    public static LineageProbe defaults() {
        return new LineageProbe(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor());
    }

    /**
     * Places the candidate against what an index holds; values the index has cached are
     * recomputed (to the same numbers), not read.
     *
     * @param candidate the candidate's signature
     * @param index     the index to place it against; not changed
     * @return where the candidate would sit
     */
    public Outcome place(ModelSignature candidate, LineageIndex index) {
        return place(candidate, index.families(), id -> index.signature(id).orElse(null), ids -> List.of());
    }

    /**
     * Places the candidate.
     *
     * @param candidate the candidate's signature
     * @param families the current families (as {@link LineageIndex#families()} gives them)
     * @param signatures the signature of a member; null for one that is gone meanwhile (skipped)
     * @param cachedRows pairwise values already known among the given models (may be empty: what
     *     is missing is computed, to the same values)
     * @return where the candidate would sit, under the id {@link #CANDIDATE}
     */
    public Outcome place(ModelSignature candidate, List<ModelCluster> families, Function<String, ModelSignature> signatures,
            Function<Collection<String>, Collection<PairDistance>> cachedRows) {
        return place(CANDIDATE, candidate, families, signatures, cachedRows);
    }

    /**
     * As {@link #place(ModelSignature, List, Function, Function)}, the candidate under another id
     * (one no model has): where the engine breaks a tie by id, this decides. A test that compares
     * with a batch run gives the id the model had there.
     *
     * @param candidateId the id the candidate goes by; no member may have it
     * @param candidate   the candidate's signature
     * @param families    the current families
     * @param signatures  the signature of a member; null for one that is gone meanwhile (skipped)
     * @param cachedRows  pairwise values already known among the given models (may be empty)
     * @return where the candidate would sit, under {@code candidateId}
     * @throws NullPointerException when {@code candidateId} is null
     */
    public Outcome place(String candidateId, ModelSignature candidate, List<ModelCluster> families,
            Function<String, ModelSignature> signatures, Function<Collection<String>, Collection<PairDistance>> cachedRows) {
        String cid = Objects.requireNonNull(candidateId, "candidateId");
        String architecture = candidate.architecture();
        Map<String, ModelSignature> peers = new HashMap<>();
        List<ModelCluster> sameArchitecture = new ArrayList<>();
        for (ModelCluster f : families) {
            if (!f.architecture().equals(architecture)) {
                continue;
            }
            List<String> present = new ArrayList<>();
            for (String id : f.members()) {
                ModelSignature s = signatures.apply(id);
                if (s != null && !id.equals(cid)) {
                    peers.put(id, s);
                    present.add(id);
                }
            }
            if (!present.isEmpty()) {
                sameArchitecture.add(new ModelCluster(f.architecture(), present));
            }
        }
        if (peers.isEmpty()) {
            return new Outcome(cid, Placement.NO_COMPATIBLE_ARCHITECTURE, List.of(), null, null, false, Map.of(), Map.of());
        }
        // one correlation per model of the architecture, as an add costs; argument order as the index's cache
        Map<String, Double> correlations = new ConcurrentHashMap<>();
        peers.keySet().parallelStream().forEach(id -> correlations.put(id, id.compareTo(cid) < 0
                ? WeightCorrelation.between(peers.get(id), candidate)
                : WeightCorrelation.between(candidate, peers.get(id))));
        List<ModelCluster> after = clustering.withModel(sameArchitecture, cid, architecture,
                (a, b) -> correlations.get(a.equals(cid) ? b : a));
        ModelCluster family = after.stream().filter(f -> f.members().contains(cid)).findFirst().orElseThrow();
        if (family.size() == 1) {
            return new Outcome(cid, Placement.INDEPENDENTLY_TRAINED, List.of(), null, null, false, correlations, Map.of());
        }
        List<ModelCluster> joined = sameArchitecture.stream().filter(f -> family.members().contains(f.firstMember()))
                .sorted(java.util.Comparator.comparingInt(ModelCluster::size).reversed().thenComparing(ModelCluster::firstMember))
                .toList();

        List<String> members = family.members().stream().filter(id -> !id.equals(cid)).toList();
        Map<String, ModelSignature> scratchModels = new LinkedHashMap<>();
        members.forEach(id -> scratchModels.put(id, peers.get(id)));
        scratchModels.put(cid, candidate);
        List<PairDistance> rows = new ArrayList<>(cachedRows.apply(members));
        members.forEach(id -> rows.add(PairDistance.symmetric(id, cid, PairDistance.CORRELATION, correlations.get(id))));
        LineageIndex scratch = new LineageIndex(recipe, clustering, extractor);
        scratch.restore(scratchModels, rows);
        ModelCluster scratchFamily = scratch.familyOf(cid).orElseThrow();
        if (!scratchFamily.members().equals(family.members())) {
            throw new IllegalStateException("the scratch index clustered the family differently: "
                    + scratchFamily.members().size() + " vs " + family.members().size() + " members");
        }
        LineageTree tree = scratch.treeOf(cid).orElseThrow();

        Map<String, Map<String, Double>> byOther = new HashMap<>();
        for (PairDistance r : scratch.pairwiseValues()) {
            String other = r.modelA().equals(cid) ? r.modelB() : r.modelB().equals(cid) ? r.modelA() : null;
            if (other != null && !r.metric().equals(PairDistance.CORRELATION)
                    && !r.metric().startsWith(PairDistance.DIRECTION_PREFIX)) {
                byOther.computeIfAbsent(other, k -> new HashMap<>()).put(r.metric(), r.value());
            }
        }
        Map<String, PairMetrics> metrics = new HashMap<>();
        byOther.forEach((id, m) -> {
            PairMetrics pm = PairMetrics.fromRows(m);
            if (pm != null) {
                metrics.put(id, pm);
            }
        });
        return new Outcome(cid, Placement.JOINS_FAMILY, joined, scratchFamily, tree, tree.lowRank(), correlations, metrics);
    }
}
