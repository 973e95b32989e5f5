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
        int[] uf = singletons(n);
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
        int[] uf = singletons(n);
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

    /** A spanning tree (or forest) as its edges in ascending edge order, with their distances. */
    record Weighted(Edges edges, double[] distance) {
    }

    /**
     * The minimum spanning tree once vertex {@code added} is in, from the tree of the others (its
     * edges ascending) and the new vertex's edges: Kruskal over the old tree's edges and the new
     * ones (any other edge was the longest on a cycle of the old graph and still is). The old
     * edges are already in order, so this is one merge with the few new edges, linear in n.
     *
     * @return null when the new vertex has no edge
     */
    static Weighted withVertex(Weighted old, int added, int[] nbrs, double[] nbrDistance, int[] rank) {
        int k = nbrs.length;
        if (k == 0) {
            return null;
        }
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> less(nbrDistance[x], added, nbrs[x], nbrDistance[y], added, nbrs[y], rank) ? -1
                : less(nbrDistance[y], added, nbrs[y], nbrDistance[x], added, nbrs[x], rank) ? 1 : 0);
        int m = old.edges().size();
        int[] oa = old.edges().a();
        int[] ob = old.edges().b();
        double[] od = old.distance();
        int n = added + 1;
        int[] uf = singletons(n);
        int[] ea = new int[n - 1];
        int[] eb = new int[n - 1];
        double[] ed = new double[n - 1];
        int out = 0;
        int i = 0;
        int j = 0;
        while (out < n - 1 && (i < m || j < k)) {
            int a;
            int b;
            double d;
            if (j == k || (i < m && less(od[i], oa[i], ob[i], nbrDistance[order[j]], added, nbrs[order[j]], rank))) {
                a = oa[i];
                b = ob[i];
                d = od[i++];
            } else {
                a = added;
                b = nbrs[order[j]];
                d = nbrDistance[order[j++]];
            }
            int ra = find(uf, a);
            int rb = find(uf, b);
            if (ra != rb) {
                uf[ra] = rb;
                ea[out] = a;
                eb[out] = b;
                ed[out++] = d;
            }
        }
        if (out != n - 1) {
            throw new IllegalStateException("the edges do not span " + n + " vertices");
        }
        return new Weighted(new Edges(ea, eb), ed);
    }

    /**
     * The minimum spanning forest of a sparse table's first {@code n} vertices from a forest that
     * is part of it (edges ascending; what is left of its minimum spanning tree once some of the
     * tree's pairs left the table): Kruskal over the forest and the pairs that cross between its
     * pieces. Linear in the pairs plus a sort of the crossing ones.
     */
    static Weighted reconnect(Weighted forest, DistanceTable t, int n, int[] rank) {
        int[] uf = singletons(n);
        Edges f = forest.edges();
        for (int e = 0; e < f.size(); e++) {
            uf[find(uf, f.a()[e])] = find(uf, f.b()[e]);
        }
        List<int[]> crossing = new java.util.ArrayList<>();
        List<Double> crossingD = new java.util.ArrayList<>();
        for (int u = 0; u < n; u++) {
            int[] nb = t.neighbours(u);
            double[] nd = t.neighbourDistances(u);
            for (int x = 0; x < nb.length; x++) {
                int w = nb[x];
                if (u < w && w < n && find(uf, u) != find(uf, w)) {
                    crossing.add(new int[] {u, w});
                    crossingD.add(nd[x]);
                }
            }
        }
        int m = f.size() + crossing.size();
        int[] ca = Arrays.copyOf(f.a(), m);
        int[] cb = Arrays.copyOf(f.b(), m);
        double[] cd = Arrays.copyOf(forest.distance(), m);
        for (int x = 0; x < crossing.size(); x++) {
            ca[f.size() + x] = crossing.get(x)[0];
            cb[f.size() + x] = crossing.get(x)[1];
            cd[f.size() + x] = crossingD.get(x);
        }
        Integer[] order = new Integer[m];
        for (int x = 0; x < m; x++) {
            order[x] = x;
        }
        Arrays.sort(order, (x, y) -> less(cd[x], ca[x], cb[x], cd[y], ca[y], cb[y], rank) ? -1
                : less(cd[y], ca[y], cb[y], cd[x], ca[x], cb[x], rank) ? 1 : 0);
        for (int v = 0; v < n; v++) {
            uf[v] = v;
        }
        int[] ea = new int[Math.max(0, n - 1)];
        int[] eb = new int[ea.length];
        double[] ed = new double[ea.length];
        int out = 0;
        for (int e : order) {
            if (out == ea.length) {
                break;
            }
            int ra = find(uf, ca[e]);
            int rb = find(uf, cb[e]);
            if (ra != rb) {
                uf[ra] = rb;
                ea[out] = ca[e];
                eb[out] = cb[e];
                ed[out++] = cd[e];
            }
        }
        return new Weighted(new Edges(Arrays.copyOf(ea, out), Arrays.copyOf(eb, out)), Arrays.copyOf(ed, out));
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

    /** A union-find forest of {@code n} vertices, each its own root. */
    private static int[] singletons(int n) {
        int[] uf = new int[n];
        for (int v = 0; v < n; v++) {
            uf[v] = v;
        }
        return uf;
    }

    private static int find(int[] p, int x) {
        while (p[x] != x) {
            p[x] = p[p[x]];
            x = p[x];
        }
        return x;
    }
}
