package org.modelheritage.lineage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jgrapht.Graph;

/**
 * Minimum spanning arborescence by Edmonds' (Chu–Liu's) algorithm in Tarjan's O(E log V) form:
 * every vertex keeps its incoming edges in a mergeable heap (a leftist heap with lazy weight
 * offsets); following cheapest incoming edges from each vertex either reaches the part already
 * settled or closes a cycle, which is contracted by merging its heaps (union–find with rollback),
 * the heap of each cycle vertex offset by the weight of the edge it had chosen. Expanding the
 * contractions in reverse order (Camerini, Fratta and Maffioli's correction) yields the edges.
 *
 * <p>Without a required root, a virtual root with an edge of prohibitive weight to every vertex
 * makes the algorithm pick the best root too. Loops are ignored; of parallel edges the lighter
 * one counts.
 *
 * <p>Deterministic: where weights tie, the edge that comes first wins each comparison — edges
 * ordered by source in vertex iteration order, then in the order of the source's outgoing edges
 * (for JGraphT's own graphs: insertion order) — and, for the root, the earlier vertex in vertex
 * iteration order; so the same graph built the same way always gives the same arborescence.
 */
public final class TarjanArborescence<V, E> implements MinimumArborescence<V, E> {
    private final Graph<V, E> graph;
    private final V requiredRoot;
    private Arborescence<V, E> result;

    /**
     * The minimum arborescence over every choice of root.
     *
     * @param graph a directed, weighted graph; read when the arborescence is computed, not copied
     * @throws IllegalArgumentException when the graph is not directed
     * @throws NullPointerException when {@code graph} is null
     */
    public TarjanArborescence(Graph<V, E> graph) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.requiredRoot = null;
        requireDirected(graph);
    }

    /**
     * The minimum arborescence rooted at a given vertex.
     *
     * @param graph a directed, weighted graph; read when the arborescence is computed, not copied
     * @param root  the vertex the arborescence must start from
     * @throws IllegalArgumentException when the graph is not directed or {@code root} is not in it
     * @throws NullPointerException when an argument is null
     */
    public TarjanArborescence(Graph<V, E> graph, V root) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.requiredRoot = Objects.requireNonNull(root, "root");
        requireDirected(graph);
        if (!graph.containsVertex(root)) {
            throw new IllegalArgumentException("root " + root + " is not in the graph");
        }
    }

    private static void requireDirected(Graph<?, ?> graph) {
        if (!graph.getType().isDirected()) {
            throw new IllegalArgumentException("an arborescence needs a directed graph");
        }
    }

    @Override
    public Arborescence<V, E> getArborescence() {
        if (result == null) {
            result = compute();
        }
        return result;
    }

    private Arborescence<V, E> compute() {
        List<V> vertices = new ArrayList<>(graph.vertexSet());
        int n = vertices.size();
        if (n == 0) {
            throw new IllegalArgumentException("an empty graph has no arborescence");
        }
        Map<V, Integer> index = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            index.put(vertices.get(i), i);
        }
        List<E> edges = new ArrayList<>(graph.edgeSet().size());
        int m = graph.edgeSet().size();
        // room for the virtual root's n edges, so that solve need not copy
        int[] src = new int[m + n];
        int[] dst = new int[m + n];
        double[] w = new double[m + n];
        int k = 0;
        // by source vertex: one graph lookup per edge fewer than asking each edge for both ends
        for (int s = 0; s < n; s++) {
            for (E e : graph.outgoingEdgesOf(vertices.get(s))) {
                int t = index.get(graph.getEdgeTarget(e));
                if (s == t) {
                    continue;
                }
                double weight = graph.getEdgeWeight(e);
                if (Double.isNaN(weight)) {
                    throw new IllegalArgumentException("edge " + e + " has a NaN weight");
                }
                edges.add(e);
                src[k] = s;
                dst[k] = t;
                w[k] = weight;
                k++;
            }
        }
        int root = requiredRoot == null ? -1 : index.get(requiredRoot);
        int[] parentEdge = solve(n, k, src, dst, w, root);
        if (parentEdge == null) {
            throw new IllegalArgumentException(requiredRoot == null ? "the graph has no spanning arborescence"
                    : "not every vertex can be reached from " + requiredRoot);
        }
        Map<V, E> parents = new HashMap<>(n * 2);
        double total = 0;
        V rootVertex = null;
        for (int v = 0; v < n; v++) {
            if (parentEdge[v] < 0) {
                rootVertex = vertices.get(v);
            } else {
                E e = edges.get(parentEdge[v]);
                parents.put(vertices.get(v), e);
                total += w[parentEdge[v]];
            }
        }
        return new ArborescenceImpl<>(rootVertex, parents, total);
    }

    /**
     * The core on plain arrays: vertices 0..n-1, edges 0..m-1 (no loops), weights w; root -1 for
     * the best root. Returns the index of each vertex's incoming edge (-1 for the root), or null
     * when there is no spanning arborescence.
     */
    static int[] solve(int n, int m, int[] src, int[] dst, double[] w, int root) {
        return solve(n, m, src, dst, w, root, null);
    }

    /** As above; {@code useDense} forces the matrix (true) or the heap (false) form, null decides by density. */
    static int[] solve(int n, int m, int[] src, int[] dst, double[] w, int root, Boolean useDense) {
        if (root >= 0) {
            boolean d = useDense == null ? dense(n, m) : useDense;
            return d ? new DenseSolver(n, m, src, dst, w).run(root) : new Solver(n, m, src, dst, w).run(root);
        }
        // virtual root n, with an edge to every vertex heavier than any real spanning choice
        double lo = 0;
        double hi = 0;
        for (int e = 0; e < m; e++) {
            lo = Math.min(lo, w[e]);
            hi = Math.max(hi, w[e]);
        }
        double big = (double) (n + 1) * (hi - lo + 1.0) + Math.abs(hi) + 1.0;
        // the callers that can leave room for the n virtual edges spare a copy of every edge
        int[] s2 = src.length >= m + n ? src : java.util.Arrays.copyOf(src, m + n);
        int[] d2 = dst.length >= m + n ? dst : java.util.Arrays.copyOf(dst, m + n);
        double[] w2 = w.length >= m + n ? w : java.util.Arrays.copyOf(w, m + n);
        for (int v = 0; v < n; v++) {
            s2[m + v] = n;
            d2[m + v] = v;
            w2[m + v] = big;
        }
        boolean d = useDense == null ? dense(n + 1, m + n) : useDense;
        int[] par = d ? new DenseSolver(n + 1, m + n, s2, d2, w2).run(n) : new Solver(n + 1, m + n, s2, d2, w2).run(n);
        int[] out = new int[n];
        int virtualEdges = 0;
        for (int v = 0; v < n; v++) {
            if (par[v] >= m) {
                virtualEdges++;
                out[v] = -1;
            } else {
                out[v] = par[v];
            }
        }
        return virtualEdges == 1 ? out : null;
    }

    /**
     * Dense graphs (at least a quarter of all vertex pairs joined) use the O(V^2) matrix form: the
     * heaps' random memory accesses would cost more than scanning rows.
     */
    private static boolean dense(int n, int m) {
        return n <= 46_340 && (long) m * 4 >= (long) n * n; // n * n must fit an int index
    }

    /**
     * The same algorithm on an n x n matrix of the cheapest edge between each pair of (contracted)
     * vertices: the cheapest incoming edge is a row scan, a contraction folds the cycle's rows and
     * columns into one; O(V^2) in all, as each vertex is chosen from and contracted O(1) times
     * amortised.
     */
    private static final class DenseSolver {
        private final int n;
        private final int[] src;
        private final int[] dst;
        private final double[] w;
        // cost[u * n + x]: adjusted cost of the cheapest edge from set x into set u (u, x representatives)
        private final double[] cost;
        private final int[] edge;
        private final double[] offset;
        private final RollbackUnionFind sets;

        DenseSolver(int n, int m, int[] src, int[] dst, double[] w) {
            this.n = n;
            this.src = src;
            this.dst = dst;
            this.w = w;
            this.cost = new double[n * n];
            this.edge = new int[n * n];
            java.util.Arrays.fill(cost, Double.POSITIVE_INFINITY);
            java.util.Arrays.fill(edge, -1);
            for (int e = 0; e < m; e++) {
                int at = dst[e] * n + src[e];
                int old = edge[at];
                if (old < 0 || w[e] < w[old] || (w[e] == w[old] && e < old)) {
                    cost[at] = w[e];
                    edge[at] = e;
                }
            }
            this.offset = new double[n];
            this.sets = new RollbackUnionFind(n);
        }

        /** The cheapest remaining edge into set u from another set (-1 if none), ties to the lower edge index. */
        private int cheapestInto(int u) {
            int row = u * n;
            int best = -1;
            double bestCost = Double.POSITIVE_INFINITY;
            for (int x = 0; x < n; x++) {
                int e = edge[row + x];
                if (e >= 0 && x != u && sets.isRoot(x)) {
                    double c = cost[row + x];
                    if (best < 0 || c < bestCost || (c == bestCost && e < edge[row + best])) {
                        best = x;
                        bestCost = c;
                    }
                }
            }
            return best;
        }

        int[] run(int root) {
            int[] seen = new int[n];
            java.util.Arrays.fill(seen, -1);
            seen[root] = root;
            int[] path = new int[n];
            int[] queueEdges = new int[n];
            int[] in = new int[n];
            java.util.Arrays.fill(in, -1);
            Contractions cycles = new Contractions();
            boolean[] inCycle = new boolean[n];
            // scratch for folding a cycle's rows and columns, reused by every contraction
            double[] rowCost = new double[n];
            int[] rowEdge = new int[n];
            double[] colCost = new double[n];
            int[] colEdge = new int[n];
            for (int s = 0; s < n; s++) {
                int u = s;
                int qi = 0;
                while (seen[u] < 0) {
                    int x = cheapestInto(u);
                    if (x < 0) {
                        return null;
                    }
                    int at = u * n + x;
                    int e = edge[at];
                    double we = cost[at] + offset[u];
                    // the chosen edge leaves the set's candidates; the others are now relative to it
                    edge[at] = -1;
                    cost[at] = Double.POSITIVE_INFINITY;
                    offset[u] -= we;
                    queueEdges[qi] = e;
                    path[qi++] = u;
                    seen[u] = s;
                    u = sets.find(src[e]);
                    if (seen[u] == s) {
                        int end = qi;
                        int time = sets.time();
                        int first = qi;
                        int v;
                        do {
                            v = path[--first];
                        } while (sets.find(v) != u);
                        for (int i = first; i < end; i++) {
                            inCycle[path[i]] = true;
                        }
                        // fold the members' rows (edges into the cycle) and columns (edges out of it)
                        java.util.Arrays.fill(rowCost, Double.POSITIVE_INFINITY);
                        java.util.Arrays.fill(rowEdge, -1);
                        for (int i = first; i < end; i++) {
                            int member = path[i];
                            int row = member * n;
                            for (int y = 0; y < n; y++) {
                                int ey = edge[row + y];
                                if (ey >= 0 && sets.isRoot(y) && !inCycle[y]) {
                                    double c = cost[row + y] + offset[member];
                                    if (rowEdge[y] < 0 || c < rowCost[y] || (c == rowCost[y] && ey < rowEdge[y])) {
                                        rowCost[y] = c;
                                        rowEdge[y] = ey;
                                    }
                                }
                            }
                        }
                        java.util.Arrays.fill(colEdge, -1);
                        for (int y = 0; y < n; y++) {
                            if (!sets.isRoot(y) || inCycle[y]) {
                                continue;
                            }
                            int row = y * n;
                            for (int i = first; i < end; i++) {
                                int member = path[i];
                                int ey = edge[row + member];
                                if (ey >= 0) {
                                    double c = cost[row + member];
                                    if (colEdge[y] < 0 || c < colCost[y] || (c == colCost[y] && ey < colEdge[y])) {
                                        colCost[y] = c;
                                        colEdge[y] = ey;
                                    }
                                }
                            }
                        }
                        int q = end;
                        while (q > first) {
                            sets.join(u, path[--q]);
                        }
                        int r = sets.find(u);
                        for (int i = first; i < end; i++) {
                            inCycle[path[i]] = false;
                        }
                        int rrow = r * n;
                        for (int y = 0; y < n; y++) {
                            cost[rrow + y] = rowCost[y];
                            edge[rrow + y] = rowEdge[y];
                            if (colEdge[y] >= 0) {
                                cost[y * n + r] = colCost[y];
                                edge[y * n + r] = colEdge[y];
                            } else if (sets.isRoot(y) && y != r) {
                                cost[y * n + r] = Double.POSITIVE_INFINITY;
                                edge[y * n + r] = -1;
                            }
                        }
                        offset[r] = 0.0;
                        qi = first;
                        u = r;
                        seen[u] = -1;
                        cycles.record(u, time, java.util.Arrays.copyOfRange(queueEdges, first, end));
                    }
                }
                cycles.settle(in, sets, dst, queueEdges, qi);
            }
            return cycles.expand(in, sets, dst, root);
        }
    }

    /** One run of the algorithm; the heap nodes are the edges themselves. */
    private static final class Solver {
        private final int n;
        private final int[] src;
        private final int[] dst;
        private final double[] key;
        private final double[] lazy;
        private final int[] left;
        private final int[] right;
        private final int[] rank;
        private final int m;
        // union-find with rollback: parent or -size
        private final RollbackUnionFind sets;

        Solver(int n, int m, int[] src, int[] dst, double[] w) {
            this.n = n;
            this.m = m;
            this.src = src;
            this.dst = dst;
            this.key = java.util.Arrays.copyOf(w, m);
            this.lazy = new double[m];
            this.left = new int[m];
            this.right = new int[m];
            this.rank = new int[m];
            java.util.Arrays.fill(left, -1);
            java.util.Arrays.fill(right, -1);
            this.sets = new RollbackUnionFind(n);
        }

        private boolean less(int a, int b) {
            return key[a] < key[b] || (key[a] == key[b] && a < b);
        }

        private void push(int a) {
            double d = lazy[a];
            if (d != 0.0) {
                key[a] += d;
                if (left[a] >= 0) {
                    lazy[left[a]] += d;
                }
                if (right[a] >= 0) {
                    lazy[right[a]] += d;
                }
                lazy[a] = 0.0;
            }
        }

        /** Leftist-heap merge; its recursion follows right spines, O(log m) deep. */
        private int merge(int a, int b) {
            if (a < 0) {
                return b;
            }
            if (b < 0) {
                return a;
            }
            push(a);
            push(b);
            if (less(b, a)) {
                int t = a;
                a = b;
                b = t;
            }
            right[a] = merge(right[a], b);
            int l = left[a];
            int r = right[a];
            if (l < 0 || (r >= 0 && rank[l] < rank[r])) {
                left[a] = r;
                right[a] = l;
            }
            rank[a] = right[a] < 0 ? 0 : rank[right[a]] + 1;
            return a;
        }

        private int pop(int a) {
            push(a);
            return merge(left[a], right[a]);
        }

        /** Builds each vertex's heap by merging in rounds (linear in its in-degree). */
        private int[] buildHeaps(int root) {
            int[] count = new int[n + 1];
            for (int e = 0; e < m; e++) {
                if (dst[e] != root) {
                    count[dst[e] + 1]++;
                }
            }
            for (int v = 0; v < n; v++) {
                count[v + 1] += count[v];
            }
            int[] order = new int[count[n]];
            int[] fill = java.util.Arrays.copyOf(count, n);
            for (int e = 0; e < m; e++) {
                if (dst[e] != root) {
                    order[fill[dst[e]]++] = e;
                }
            }
            int[] heap = new int[n];
            java.util.Arrays.fill(heap, -1);
            int[] queue = new int[0];
            for (int v = 0; v < n; v++) {
                int len = count[v + 1] - count[v];
                if (len == 0) {
                    continue;
                }
                if (queue.length < len) {
                    queue = new int[len];
                }
                System.arraycopy(order, count[v], queue, 0, len);
                // merge neighbours pairwise, round after round
                while (len > 1) {
                    int out = 0;
                    for (int i = 0; i + 1 < len; i += 2) {
                        queue[out++] = merge(queue[i], queue[i + 1]);
                    }
                    if ((len & 1) == 1) {
                        queue[out++] = queue[len - 1];
                    }
                    len = out;
                }
                heap[v] = queue[0];
            }
            return heap;
        }

        int[] run(int root) {
            int[] heap = buildHeaps(root);
            int[] seen = new int[n];
            java.util.Arrays.fill(seen, -1);
            seen[root] = root;
            int[] path = new int[n];
            int[] queueEdges = new int[n];
            int[] in = new int[n];
            java.util.Arrays.fill(in, -1);
            // contracted cycles, most recent first when expanding
            // at most n - 1 contractions
            Contractions cycles = new Contractions();
            for (int s = 0; s < n; s++) {
                int u = s;
                int qi = 0;
                while (seen[u] < 0) {
                    // the cheapest edge into u from outside u's (contracted) set; edges inside it are dropped
                    int h = heap[u];
                    while (h >= 0) {
                        push(h);
                        if (sets.find(src[h]) != u) {
                            break;
                        }
                        h = pop(h);
                    }
                    heap[u] = h;
                    if (h < 0) {
                        return null;
                    }
                    int e = h;
                    double we = key[e];
                    lazy[h] -= we;
                    heap[u] = pop(h);
                    queueEdges[qi] = e;
                    path[qi++] = u;
                    seen[u] = s;
                    u = sets.find(src[e]);
                    if (seen[u] == s) {
                        int cyc = -1;
                        int end = qi;
                        int time = sets.time();
                        int x;
                        do {
                            x = path[--qi];
                            cyc = merge(cyc, heap[x]);
                        } while (sets.join(u, x));
                        u = sets.find(u);
                        heap[u] = cyc;
                        seen[u] = -1;
                        cycles.record(u, time, java.util.Arrays.copyOfRange(queueEdges, qi, end));
                    }
                }
                cycles.settle(in, sets, dst, queueEdges, qi);
            }
            return cycles.expand(in, sets, dst, root);
        }
    }

    /**
     * The contracted cycles of one run, in order: the vertex each became, the union-find time
     * before it was formed, and the edges its members had chosen. Expanding them, most recent
     * first, turns the contracted graph's choice of incoming edges into the original graph's:
     * every member keeps its own chosen edge except the one the cycle's incoming edge enters.
     */
    private static final class Contractions {
        private record Cycle(int vertex, int unionTime, int[] chosenEdges) {
        }

        private final List<Cycle> cycles = new ArrayList<>();

        void record(int contracted, int unionTime, int[] chosenEdges) {
            cycles.add(new Cycle(contracted, unionTime, chosenEdges));
        }

        /** A path that reached the settled part: each set on it keeps the edge it chose. */
        void settle(int[] in, RollbackUnionFind sets, int[] dst, int[] chosen, int count) {
            for (int i = 0; i < count; i++) {
                in[sets.find(dst[chosen[i]])] = chosen[i];
            }
        }

        /**
         * Rewrites {@code in} (incoming edge per set representative) for the original vertices and
         * returns it, the root's entry -1.
         */
        int[] expand(int[] in, RollbackUnionFind sets, int[] dst, int root) {
            for (int c = cycles.size() - 1; c >= 0; c--) {
                Cycle cycle = cycles.get(c);
                sets.rollback(cycle.unionTime());
                int inEdge = in[cycle.vertex()];
                for (int e : cycle.chosenEdges()) {
                    in[sets.find(dst[e])] = e;
                }
                in[sets.find(dst[inEdge])] = inEdge;
            }
            in[root] = -1;
            return in;
        }
    }

    /**
     * Union-find with union by size and no path compression, so that every union can be undone:
     * contracted cycles are expanded again in reverse order of their contraction.
     */
    private static final class RollbackUnionFind {
        private final int[] parent;
        private int[] history = new int[64];
        private int historySize;

        RollbackUnionFind(int n) {
            parent = new int[n];
            java.util.Arrays.fill(parent, -1);
        }

        boolean isRoot(int x) {
            return parent[x] < 0;
        }

        /** A point in time to {@link #rollback} to. */
        int time() {
            return historySize;
        }

        int find(int x) {
            while (parent[x] >= 0) {
                x = parent[x];
            }
            return x;
        }

        boolean join(int a, int b) {
            a = find(a);
            b = find(b);
            if (a == b) {
                return false;
            }
            if (parent[a] > parent[b]) {
                int t = a;
                a = b;
                b = t;
            }
            record(a);
            record(b);
            parent[a] += parent[b];
            parent[b] = a;
            return true;
        }

        private void record(int x) {
            if (historySize + 2 > history.length) {
                history = java.util.Arrays.copyOf(history, history.length * 2);
            }
            history[historySize++] = x;
            history[historySize++] = parent[x];
        }

        void rollback(int time) {
            while (historySize > time) {
                int value = history[--historySize];
                int x = history[--historySize];
                parent[x] = value;
            }
        }
    }
}
