package org.modelheritage.lineage;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds models that are a weighted combination of two others of their family (weight-space
 * merges: a uniform average, a linear 0.7 / 0.3 merge). For a model m and two candidate parents a
 * and b among its nearest, the least-squares fit {@code m ~ alpha a + beta b} over the sketches of
 * the spectral matrices is solved from cached inner products alone ({@link PairMetrics#dot()}),
 * so no weights are read again. A merge leaves a residual at the level of storage rounding, far
 * under what separates m from its nearest single model; a fine-tune of a merge, or a child that
 * happens to lie between two relatives, leaves its own update as the residual.
 */
final class MergeDetector {
    /** Candidate parents: this many nearest other models. */
    static final int CANDIDATES = 6;
    /** Each parent's weight at least this (below it the fit is one parent plus noise). */
    static final double MIN_WEIGHT = 0.1;
    /** The weights sum to one within this (merges interpolate; they do not extrapolate or scale). */
    static final double SUM_TOLERANCE = 0.1;
    /** The fit's residual at most this share of the distance to the nearest single model. */
    static final double MAX_RESIDUAL_SHARE = 0.05;

    /** A merge found: its parents with their weights, heaviest first. */
    record Merge(String child, List<String> parents, List<Double> weights, double residualShare) {
    }

    /** Inner products by pair (either order), and each model's own. */
    interface Dots {
        double dot(String a, String b);

        double self(String a);
    }

    private MergeDetector() {
    }

    /**
     * The merges among {@code ids}: at most one per model, by child id. Ties between equally good
     * fits go to the parents first in id order.
     */
    static Map<String, Merge> find(List<String> ids, Dots dots) {
        return find(ids, m -> ids, dots);
    }

    /** As {@link #find(List, Dots)}, looking for each model's parents among {@code among.apply(model)} only. */
    static Map<String, Merge> find(List<String> ids, java.util.function.Function<String, List<String>> among, Dots dots) {
        Map<String, Merge> out = new TreeMap<>();
        if (ids.size() < 3) {
            return out;
        }
        for (String m : ids) {
            Merge best = at(m, among.apply(m), dots);
            if (best != null) {
                out.put(m, best);
            }
        }
        return out;
    }

    /**
     * Whether {@code m} is a merge of two models of {@code among} (its family has three models or
     * more): the best fit, or null. What {@link #find} decides for each model.
     */
    static Merge at(String m, List<String> among, Dots dots) {
        return at(m, among, dots, null);
    }

    /**
     * Where {@code m}'s candidate parents end: the last of its {@link #CANDIDATES} nearest (its
     * squared distance and id), or null when it has fewer others than that. A model that gains a
     * relative farther than this keeps its candidate parents, so its merge check gives what it gave.
     */
    record Reach(double distance, String id) {
        /** Whether another model at {@code distance} would be among the candidate parents. */
        boolean admits(double d, String other) {
            return d < distance || (d == distance && other.compareTo(id) < 0);
        }
    }

    /** The squared distance the merge fit orders a model's candidate parents by. */
    static double distance(String m, String o, Dots dots) {
        return dots.self(m) - 2 * dots.dot(m, o) + dots.self(o);
    }

    /** As {@link #at(String, List, Dots)}; {@code reach}, when given, gets where its candidate parents end. */
    static Merge at(String m, List<String> among, Dots dots, Reach[] reach) {
        double mm = dots.self(m);
        List<String> others = new ArrayList<>(among);
        others.remove(m);
        if (reach != null) {
            reach[0] = null;
        }
        if (others.isEmpty()) {
            return null;
        }
        // nearest by squared distance computed from the same dots (the fit's own scale)
        Map<String, Double> dist = new TreeMap<>();
        for (String o : others) {
            dist.put(o, mm - 2 * dots.dot(m, o) + dots.self(o));
        }
        others.sort(Comparator.comparingDouble((String o) -> dist.get(o)).thenComparing(o -> o));
        List<String> near = others.subList(0, Math.min(CANDIDATES, others.size()));
        if (reach != null && near.size() == CANDIDATES) {
            String last = near.get(CANDIDATES - 1);
            reach[0] = new Reach(dist.get(last), last);
        }
        double single = dist.get(near.get(0));
        if (!(single > 0)) {
            return null; // a duplicate of another model: not a merge
        }
        Merge best = null;
        for (int i = 0; i < near.size(); i++) {
            for (int j = i + 1; j < near.size(); j++) {
                String a = near.get(i);
                String b = near.get(j);
                Merge fit = fit(m, a, b, mm, dots, single);
                if (fit != null && (best == null || fit.residualShare() < best.residualShare())) {
                    best = fit;
                }
            }
        }
        return best;
    }

    private static Merge fit(String m, String a, String b, double mm, Dots dots, double single) {
        double aa = dots.self(a);
        double bb = dots.self(b);
        double ab = dots.dot(a, b);
        double ma = dots.dot(m, a);
        double mb = dots.dot(m, b);
        double det = aa * bb - ab * ab;
        if (!(det > 1e-12 * aa * bb)) {
            return null; // a and b (nearly) the same model
        }
        double alpha = (ma * bb - mb * ab) / det;
        double beta = (mb * aa - ma * ab) / det;
        if (alpha < MIN_WEIGHT || beta < MIN_WEIGHT || Math.abs(alpha + beta - 1) > SUM_TOLERANCE) {
            return null;
        }
        double residual = mm - 2 * alpha * ma - 2 * beta * mb + alpha * alpha * aa + 2 * alpha * beta * ab
                + beta * beta * bb;
        double share = Math.max(0, residual) / single;
        if (share > MAX_RESIDUAL_SHARE) {
            return null;
        }
        double sum = alpha + beta;
        boolean aFirst = alpha > beta || (alpha == beta && a.compareTo(b) < 0);
        return new Merge(m, aFirst ? List.of(a, b) : List.of(b, a),
                aFirst ? List.of(alpha / sum, beta / sum) : List.of(beta / sum, alpha / sum), share);
    }
}
