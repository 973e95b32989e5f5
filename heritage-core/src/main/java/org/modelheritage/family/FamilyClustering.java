package org.modelheritage.family;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.modelheritage.signature.ModelSignature;

/**
 * Splits models into families, with the number of families unknown. The rule: two models are
 * linked when they have the same architecture ({@link ModelSignature#architecture()}: the lineage
 * matrices' canonical names and shapes, so renamed, resized and re-cast copies qualify) and their
 * {@link WeightCorrelation} is at least the threshold; families are the connected components of
 * the links (single linkage, so a chain root - child - grandchild holds together even where the
 * ends have drifted apart).
 *
 * <p>The default threshold, 0.3, sits in a wide gap: on our corpus related models correlate at
 * 0.85 and more (grandparent to grandchild, cousins), unrelated ones of the same architecture at
 * most 0.03. It is a statement about random initialisation, not about our trees: independent
 * models correlate at about {@code 1/sqrt(k)} (k sampled entries, here thousands), and a
 * fine-tuned model would have to move by about three times its weights' own RMS to fall to 0.3.
 */
public final class FamilyClustering {
    /** The default correlation a link needs. */
    public static final double DEFAULT_THRESHOLD = 0.3;

    /** Correlations by pair, so a caller can cache them: only pairs of the same architecture are asked. */
    @FunctionalInterface
    public interface CorrelationSource {
        /**
         * The correlation of two models' signatures.
         *
         * @param a one model's id (the smaller, where the caller says so)
         * @param b the other model's id
         * @return their {@link WeightCorrelation}, in [-1, 1]; NaN links nothing
         */
        double correlation(String a, String b);
    }

    /** A model's candidate relatives (its likely links), for architectures too large to compare every pair. */
    @FunctionalInterface
    public interface CandidateSource {
        /**
         * The models a model is compared with.
         *
         * @param id a model's id
         * @return its candidate relatives (ids not among the clustered models are ignored), or null to
         *     compare it with every model of its architecture
         */
        java.util.Collection<String> candidates(String id);
    }

    private final double threshold;

    /** A clustering with the default correlation threshold. */
    public FamilyClustering() {
        this(DEFAULT_THRESHOLD);
    }

    /**
     * A clustering that links two models when their correlation reaches a threshold.
     *
     * @param threshold the correlation a link needs, strictly between 0 and 1
     * @throws IllegalArgumentException when {@code threshold} is outside (0, 1)
     */
    public FamilyClustering(double threshold) {
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1): " + threshold);
        }
        this.threshold = threshold;
    }

    /** {@return the correlation at or above which two models are linked into one family} */
    public double threshold() {
        return threshold;
    }

    /**
     * Families of the given models, correlations computed directly (one per pair of the same architecture).
     *
     * @param models the models' signatures, by id
     * @return the families, sorted by first member; each family's members sorted by id
     */
    public List<ModelCluster> cluster(Map<String, ModelSignature> models) {
        return cluster(models, (a, b) -> WeightCorrelation.between(models.get(a), models.get(b)));
    }

    /**
     * Families of the given models, sorted by id; each family's members sorted by id.
     *
     * @param models the models' signatures, by id
     * @param correlations asked once per unordered pair of same-architecture models, {@code a < b}
     *     (a pair already joined through others is not asked)
     * @return the families, sorted by first member
     */
    public List<ModelCluster> cluster(Map<String, ModelSignature> models, CorrelationSource correlations) {
        return cluster(models, correlations, id -> null);
    }

    /**
     * As {@link #cluster(Map, CorrelationSource)}, comparing a model whose candidates are given
     * with those only (hub-sized architectures: the links of a family run between near models).
     *
     * @param models       the models' signatures, by id
     * @param correlations asked for the pairs compared, smaller id first
     * @param candidates   each model's candidate relatives, or null for every model of its architecture
     * @return the families, sorted by first member
     */
    public List<ModelCluster> cluster(Map<String, ModelSignature> models, CorrelationSource correlations,
            CandidateSource candidates) {
        SortedMap<String, List<String>> byStructure = new TreeMap<>();
        for (String id : new TreeMap<>(models).keySet()) {
            byStructure.computeIfAbsent(models.get(id).architecture(), k -> new ArrayList<>()).add(id);
        }
        List<ModelCluster> families = new ArrayList<>();
        for (Map.Entry<String, List<String>> group : byStructure.entrySet()) {
            List<String> ids = group.getValue();
            int n = ids.size();
            int[] parent = new int[n];
            for (int i = 0; i < n; i++) {
                parent[i] = i;
            }
            Map<String, Integer> position = new java.util.HashMap<>();
            for (int i = 0; i < n; i++) {
                position.put(ids.get(i), i);
            }
            for (int i = 0; i < n; i++) {
                java.util.Collection<String> near = candidates.candidates(ids.get(i));
                int from = i;
                int[] later = near == null ? java.util.stream.IntStream.range(i + 1, n).toArray()
                        : near.stream().map(position::get).filter(j -> j != null && j > from)
                                .mapToInt(Integer::intValue).sorted().toArray();
                for (int j : later) {
                    if (find(parent, i) == find(parent, j)) {
                        continue; // already joined: the link would add nothing
                    }
                    double c = correlations.correlation(ids.get(i), ids.get(j));
                    if (c >= threshold) {
                        parent[find(parent, j)] = find(parent, i);
                    }
                }
            }
            SortedMap<Integer, List<String>> components = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                components.computeIfAbsent(find(parent, i), k -> new ArrayList<>()).add(ids.get(i));
            }
            for (List<String> members : components.values()) {
                families.add(new ModelCluster(group.getKey(), members));
            }
        }
        families.sort(Comparator.comparing(ModelCluster::firstMember));
        return families;
    }

    /**
     * The families once one more model is in, from the families without it — what
     * {@link #cluster} would find for all of them, at the cost of one correlation per model of the
     * same structure: the new model links to every family of its structure holding a member it
     * correlates with at the threshold or more, and those families and the model become one
     * (components only ever merge when a vertex is added).
     *
     * @param families the current families, as {@link #cluster} returned them
     * @param modelId the new model's id; in none of {@code families}
     * @param architecture the new model's {@link ModelSignature#architecture()}
     * @param correlations asked for the new model against members of same-architecture families
     * @return the families sorted by id, the new model's family among them
     * @throws IllegalArgumentException when {@code modelId} is already in a family
     */
    public List<ModelCluster> withModel(List<ModelCluster> families, String modelId, String architecture,
            CorrelationSource correlations) {
        List<ModelCluster> out = new ArrayList<>(families.size() + 1);
        List<String> joined = new ArrayList<>();
        joined.add(modelId);
        for (ModelCluster f : families) {
            if (f.members().contains(modelId)) {
                throw new IllegalArgumentException("model " + modelId + " is already in the family of " + f.firstMember());
            }
            if (f.architecture().equals(architecture) && linked(f, modelId, correlations)) {
                joined.addAll(f.members());
            } else {
                out.add(f);
            }
        }
        joined.sort(Comparator.naturalOrder());
        out.add(new ModelCluster(architecture, joined));
        out.sort(Comparator.comparing(ModelCluster::firstMember));
        return out;
    }

    private boolean linked(ModelCluster f, String modelId, CorrelationSource correlations) {
        for (String m : f.members()) {
            double c = m.compareTo(modelId) < 0 ? correlations.correlation(m, modelId)
                    : correlations.correlation(modelId, m);
            if (c >= threshold) {
                return true;
            }
        }
        return false;
    }

    private static int find(int[] parent, int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }
}
