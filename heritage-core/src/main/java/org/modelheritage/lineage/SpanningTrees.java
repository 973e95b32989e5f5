package org.modelheritage.lineage;

import java.util.Arrays;
import java.util.List;

/**
 * Minimum spanning trees of a complete graph given as a {@link DistanceTable}, under a strict
 * total order on edges: by distance ({@link Double#compare}), then by the rank of the edge's
 * lower-ranked end, then by the other end's rank (ranks: the vertices' model-id order). The order
 * is strict, so the tree is unique and every algorithm here finds the same one: what a family's
 * tree is does not depend on the order its models arrived in.
 */
final class SpanningTrees {
    private SpanningTrees() {
    }

    /** A tree as its edges {@code (a[k], b[k])}. */
    record Edges(int[] a, int[] b) {
        int size() {
            return a.length;
        }
    }

    /** Prim's algorithm over all pairs: O(n^2) time, O(n) memory besides the table. */
    static Edges prim(DistanceTable t, int n, int[] rank) {
        int[] ea = new int[Math.max(0, n - 1)];
        int[] eb = new int[ea.length];
        if (n <= 1) {
            return new Edges(ea, eb);
        }
        boolean[] in = new boolean[n];
        int[] via = new int[n];
        double[] best = new double[n];
        in[0] = true;
        for (int v = 1; v < n; v++) {
            via[v] = 0;
            best[v] = t.get(0, v);
        }
        for (int k = 0; k < n - 1; k++) {
            int pick = -1;
            for (int v = 0; v < n; v++) {
                if (!in[v] && (pick < 0 || less(best[v], via[v], v, best[pick], via[pick], pick, rank))) {
                    pick = v;
                }
            }
            in[pick] = true;
            ea[k] = via[pick];
            eb[k] = pick;
            for (int w = 0; w < n; w++) {
                if (!in[w]) {
                    double d = t.get(pick, w);
                    if (less(d, pick, w, best[w], via[w], w, rank)) {
                        best[w] = d;
                        via[w] = pick;
                    }
                }
            }
        }
        return new Edges(ea, eb);
    }

    /**
     * The tree once vertex {@code added} (the table's last) is in, from the tree of the others:
     * Kruskal over the old tree's n - 2 edges and the new vertex's n - 1, O(n log n).
     */
    static Edges withVertex(DistanceTable t, Edges old, int added, int[] rank) {
        int m = old.size() + added;
        Integer[] order = new Integer[m];
        int[] ca = new int[m];
        int[] cb = new int[m];
        double[] cd = new double[m];
        for (int k = 0; k < old.size(); k++) {
            ca[k] = old.a()[k];
            cb[k] = old.b()[k];
        }
        for (int v = 0; v < added; v++) {
            ca[old.size() + v] = v;
            cb[old.size() + v] = added;
        }
        for (int k = 0; k < m; k++) {
            cd[k] = t.get(ca[k], cb[k]);
            order[k] = k;
        }
        Arrays.sort(order, (x, y) -> less(cd[x], ca[x], cb[x], cd[y], ca[y], cb[y], rank) ? -1
                : less(cd[y], ca[y], cb[y], cd[x], ca[x], cb[x], rank) ? 1 : 0);
        int n = added + 1;
        int[] uf = new int[n];
        for (int v = 0; v < n; v++) {
            uf[v] = v;
        }
        int[] ea = new int[n - 1];
        int[] eb = new int[n - 1];
        int k = 0;
        for (int e : order) {
            int ra = find(uf, ca[e]);
            int rb = find(uf, cb[e]);
            if (ra != rb) {
                uf[ra] = rb;
                ea[k] = ca[e];
                eb[k] = cb[e];
                if (++k == n - 1) {
                    break;
                }
            }
        }
        if (k != n - 1) {
            throw new IllegalStateException("the candidate edges do not span " + n + " vertices");
        }
        return new Edges(ea, eb);
    }

    /**
     * Kruskal's algorithm over a sparse table's pairs: the minimum spanning forest of the
     * candidate graph, O(m log m) for m pairs. Under the same strict edge order it is {@link #prim}'s
     * tree whenever the pairs hold that tree's edges.
     */
    static Edges kruskal(DistanceTable t, int[] rank) {
        List<int[]> pairs = t.sparsePairs();
        int m = pairs.size();
        double[] d = new double[m];
        Integer[] order = new Integer[m];
        for (int k = 0; k < m; k++) {
            d[k] = t.get(pairs.get(k)[0], pairs.get(k)[1]);
            order[k] = k;
        }
        Arrays.sort(order, (x, y) -> {
            int[] p = pairs.get(x);
            int[] q = pairs.get(y);
            return less(d[x], p[0], p[1], d[y], q[0], q[1], rank) ? -1
                    : less(d[y], q[0], q[1], d[x], p[0], p[1], rank) ? 1 : 0;
        });
        int n = t.size();
        int[] uf = new int[n];
        for (int v = 0; v < n; v++) {
            uf[v] = v;
        }
        int[] ea = new int[Math.max(0, n - 1)];
        int[] eb = new int[ea.length];
        int k = 0;
        for (int e : order) {
            if (k == ea.length) {
                break;
            }
            int[] p = pairs.get(e);
            int ra = find(uf, p[0]);
            int rb = find(uf, p[1]);
            if (ra != rb) {
                uf[ra] = rb;
                ea[k] = p[0];
                eb[k++] = p[1];
            }
        }
        return new Edges(Arrays.copyOf(ea, k), Arrays.copyOf(eb, k));
    }

    /** Edge (u1, v1) of distance d1 before edge (u2, v2) of distance d2. */
    static boolean less(double d1, int u1, int v1, double d2, int u2, int v2, int[] rank) {
        int c = Double.compare(d1, d2);
        if (c != 0) {
            return c < 0;
        }
        int lo1 = Math.min(rank[u1], rank[v1]);
        int lo2 = Math.min(rank[u2], rank[v2]);
        if (lo1 != lo2) {
            return lo1 < lo2;
        }
        return Math.max(rank[u1], rank[v1]) < Math.max(rank[u2], rank[v2]);
    }

    private static int find(int[] p, int x) {
        while (p[x] != x) {
            p[x] = p[p[x]];
            x = p[x];
        }
        return x;
    }
}
