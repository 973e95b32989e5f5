package org.modelheritage.lineage;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.modelheritage.family.ModelCluster;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;

/**
 * What the engine would make of one more model, without adding it: the family it would join and
 * the tree that family would then have. It runs the engine itself, not an approximation of it
 * ({@link LineageIndex#probe(String, ModelSignature)}): the candidate is compared with the models an add compares it with
 * (every model of its architecture, or in an architecture of more than {@link
 * LineageIndex#DEFAULT_SPARSE_ABOVE} models its candidates by sketch embedding, {@link
 * org.modelheritage.family.CandidateIndex}), its family found with {@link FamilyClustering#withModel},
 * and the tree built by a scratch {@link LineageIndex} with the same recipe holding that family's
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
     * @param correlations the candidate's correlation with every model it was compared with to find
     *     its family, and with every member of its family it has pair metrics with
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
     * Places the candidate against what an index holds, by the index's own recipe, family rule and
     * candidate pairs, from the values it has cached: {@link LineageIndex#probe(String, ModelSignature)}.
     *
     * @param candidate the candidate's signature
     * @param index     the index to place it against; not changed
     * @return where the candidate would sit, under {@link #CANDIDATE}
     */
    public Outcome place(ModelSignature candidate, LineageIndex index) {
        return index.probe(CANDIDATE, candidate);
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
     * <p>The families of the candidate's architecture are taken as they are (not clustered again)
     * into an index of their members' signatures, and placed by {@link
     * LineageIndex#probe(String, ModelSignature)}: the
     * same code an index runs, with the pair values among the family it joins asked of {@code
     * cachedRows}.
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
        List<ModelCluster> sameArchitecture = new ArrayList<>();
        for (ModelCluster f : families) {
            if (f.architecture().equals(architecture)) {
                List<String> others = f.members().stream().filter(id -> !id.equals(cid)).toList();
                if (!others.isEmpty()) {
                    sameArchitecture.add(new ModelCluster(f.architecture(), others));
                }
            }
        }
        return LineageIndex.ofFamilies(recipe, clustering, extractor, sameArchitecture, signatures)
                .probe(cid, candidate, cachedRows);
    }
}
