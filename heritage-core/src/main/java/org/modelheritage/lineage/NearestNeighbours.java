package org.modelheritage.lineage;

import java.util.Arrays;
import java.util.List;

/**
 * Each representative's nearest other one by relative difference energy (ties to the smaller
 * id), and the rank ratio of that difference: a family is low-rank when the median ratio is below
 * {@link FamilyTreeBuilder#LOW_RANK_RATIO}. Immutable once made; {@link #with} and {@link
 * #withAdded} give the next family's in linear time.
 */
final class NearestNeighbours {
    private final String[] nearest;
    private final double[] energy;
    private final double[] rankRatio;

    private NearestNeighbours(String[] nearest, double[] energy, double[] rankRatio) {
        this.nearest = nearest;
        this.energy = energy;
        this.rankRatio = rankRatio;
    }

    /** From scratch over every pair; {@code ids} in vertex order. */
    static NearestNeighbours of(List<String> ids, FamilyTreeBuilder.PairSource pairs) {
        return of(ids, pairs, x -> ids);
    }

    /** From scratch, each vertex compared with {@code among.apply(its id)} only (its candidates). */
    static NearestNeighbours of(List<String> ids, FamilyTreeBuilder.PairSource pairs,
            java.util.function.Function<String, List<String>> among) {
        int n = ids.size();
        NearestNeighbours out = new NearestNeighbours(new String[n], new double[n], new double[n]);
        for (int i = 0; i < n; i++) {
            out.recompute(i, ids.get(i), pairs, among);
        }
        return out;
    }

    /**
     * With one more vertex, last of {@code ids}: the vertices {@code recomputed} (the new one, and
     * those that lost candidates) recomputed from scratch, and each vertex of {@code gained} (which
     * only gained the new one) compared with it alone, {@code toAdded} its pair with the new vertex.
     */
    NearestNeighbours withAdded(List<String> ids, java.util.Collection<Integer> recomputed, int[] gained,
            PairMetrics[] toAdded, FamilyTreeBuilder.PairSource pairs,
            java.util.function.Function<String, List<String>> among) {
        int n = ids.size();
        String added = ids.get(n - 1);
        NearestNeighbours out = new NearestNeighbours(Arrays.copyOf(nearest, n), Arrays.copyOf(energy, n),
                Arrays.copyOf(rankRatio, n));
        out.energy[n - 1] = Double.POSITIVE_INFINITY;
        out.rankRatio[n - 1] = Double.NaN;
        for (int k = 0; k < gained.length; k++) {
            int i = gained[k];
            PairMetrics p = toAdded[k];
            if (closer(p.energy(), added, out.energy[i], out.nearest[i])) {
                out.energy[i] = p.energy();
                out.nearest[i] = added;
                out.rankRatio[i] = p.rankRatio();
            }
        }
        for (int i : recomputed) {
            out.recompute(i, ids.get(i), pairs, among);
        }
        return out;
    }

    private void recompute(int i, String x, FamilyTreeBuilder.PairSource pairs,
            java.util.function.Function<String, List<String>> among) {
        nearest[i] = null;
        energy[i] = Double.POSITIVE_INFINITY;
        rankRatio[i] = Double.NaN;
        for (String o : among.apply(x)) {
            if (!o.equals(x)) {
                PairMetrics p = x.compareTo(o) < 0 ? pairs.metrics(x, o) : pairs.metrics(o, x);
                if (closer(p.energy(), o, energy[i], nearest[i])) {
                    energy[i] = p.energy();
                    nearest[i] = o;
                    rankRatio[i] = p.rankRatio();
                }
            }
        }
    }

    /** With one more vertex, last; {@code toAdded[i]}: the pair of vertex i and the new one. */
    NearestNeighbours with(List<String> ids, String added, PairMetrics[] toAdded) {
        int n = ids.size();
        String[] near = Arrays.copyOf(nearest, n + 1);
        double[] e = Arrays.copyOf(energy, n + 1);
        double[] r = Arrays.copyOf(rankRatio, n + 1);
        e[n] = Double.POSITIVE_INFINITY;
        r[n] = Double.NaN;
        for (int i = 0; i < n; i++) {
            PairMetrics p = toAdded[i];
            if (closer(p.energy(), added, e[i], near[i])) {
                e[i] = p.energy();
                near[i] = added;
                r[i] = p.rankRatio();
            }
            if (closer(p.energy(), ids.get(i), e[n], near[n])) {
                e[n] = p.energy();
                near[n] = ids.get(i);
                r[n] = p.rankRatio();
            }
        }
        return new NearestNeighbours(near, e, r);
    }

    /** Energy {@code e} of candidate {@code id} beats the current best (NaN never does). */
    private static boolean closer(double e, String id, double bestEnergy, String best) {
        return e < bestEnergy || (e == bestEnergy && best != null && id.compareTo(best) < 0);
    }

    boolean lowRank() {
        return rankRatio.length >= 2 && PairMetrics.median(rankRatio) < FamilyTreeBuilder.LOW_RANK_RATIO;
    }
}
