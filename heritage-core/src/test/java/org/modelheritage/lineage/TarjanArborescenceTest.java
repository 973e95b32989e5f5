package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleDirectedWeightedGraph;
import org.junit.jupiter.api.Test;

class TarjanArborescenceTest {

    /** Minimum weight over all spanning arborescences (any root, or the given one), by enumeration; +inf if none. */
    static double bruteForce(double[][] w, int n, int requiredRoot) {
        int[] parent = new int[n];
        return enumerate(w, n, parent, 0, requiredRoot);
    }

    private static double enumerate(double[][] w, int n, int[] parent, int v, int requiredRoot) {
        if (v == n) {
            return isArborescence(parent, n, requiredRoot) ? cost(w, parent, n) : Double.POSITIVE_INFINITY;
        }
        double best = Double.POSITIVE_INFINITY;
        for (int p = -1; p < n; p++) {
            if (p == v || (p >= 0 && Double.isNaN(w[p][v]))) {
                continue;
            }
            parent[v] = p;
            best = Math.min(best, enumerate(w, n, parent, v + 1, requiredRoot));
        }
        return best;
    }

    private static boolean isArborescence(int[] parent, int n, int requiredRoot) {
        int roots = 0;
        for (int v = 0; v < n; v++) {
            if (parent[v] < 0) {
                roots++;
                if (requiredRoot >= 0 && v != requiredRoot) {
                    return false;
                }
            }
        }
        if (roots != 1) {
            return false;
        }
        for (int v = 0; v < n; v++) {
            int x = v;
            for (int steps = 0; parent[x] >= 0; steps++) {
                if (steps > n) {
                    return false;
                }
                x = parent[x];
            }
        }
        return true;
    }

    private static double cost(double[][] w, int[] parent, int n) {
        double c = 0;
        for (int v = 0; v < n; v++) {
            if (parent[v] >= 0) {
                c += w[parent[v]][v];
            }
        }
        return c;
    }

    private static Graph<Integer, DefaultWeightedEdge> graph(double[][] w, int n) {
        Graph<Integer, DefaultWeightedEdge> g = new SimpleDirectedWeightedGraph<>(DefaultWeightedEdge.class);
        for (int v = 0; v < n; v++) {
            g.addVertex(v);
        }
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                if (a != b && !Double.isNaN(w[a][b])) {
                    g.setEdgeWeight(g.addEdge(a, b), w[a][b]);
                }
            }
        }
        return g;
    }

    private static void checkValid(Graph<Integer, DefaultWeightedEdge> g, MinimumArborescence.Arborescence<Integer,
            DefaultWeightedEdge> t, int n) {
        assertEquals(n - 1, t.getEdges().size());
        Set<Integer> targets = new HashSet<>();
        double sum = 0;
        for (DefaultWeightedEdge e : t) {
            assertTrue(targets.add(g.getEdgeTarget(e)), "two edges into one vertex");
            sum += g.getEdgeWeight(e);
        }
        assertTrue(!targets.contains(t.getRoot()));
        assertEquals(sum, t.getWeight(), 1e-9);
        for (int v = 0; v < n; v++) {
            int x = v;
            for (int steps = 0; !t.getParentEdge(x).isEmpty(); steps++) {
                assertTrue(steps <= n, "cycle");
                x = g.getEdgeSource(t.getParentEdge(x).get());
            }
            assertEquals(t.getRoot(), x);
        }
    }

    @Test
    void matchesBruteForceOnSmallRandomGraphsWithTiesAndRequiredRoots() {
        SplittableRandom rng = new SplittableRandom(20240531L);
        int checked = 0;
        for (int trial = 0; trial < 600; trial++) {
            int n = 1 + rng.nextInt(6);
            double density = trial % 4 == 0 ? 0.45 : 1.0;
            boolean ties = trial % 2 == 0;
            double[][] w = new double[n][n];
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    w[a][b] = a == b || rng.nextDouble() > density ? Double.NaN
                            : ties ? rng.nextInt(4) : rng.nextDouble() * 10 - 3;
                }
            }
            Graph<Integer, DefaultWeightedEdge> g = graph(w, n);
            double expected = bruteForce(w, n, -1);
            if (Double.isInfinite(expected)) {
                assertThrows(IllegalArgumentException.class, () -> new TarjanArborescence<>(g).getArborescence());
            } else {
                MinimumArborescence.Arborescence<Integer, DefaultWeightedEdge> t = new TarjanArborescence<>(g).getArborescence();
                checkValid(g, t, n);
                assertEquals(expected, t.getWeight(), 1e-9, "trial " + trial);
                checked++;
            }
            int root = rng.nextInt(n);
            double rooted = bruteForce(w, n, root);
            if (Double.isInfinite(rooted)) {
                assertThrows(IllegalArgumentException.class, () -> new TarjanArborescence<>(g, root).getArborescence());
            } else {
                MinimumArborescence.Arborescence<Integer, DefaultWeightedEdge> t = new TarjanArborescence<>(g, root).getArborescence();
                checkValid(g, t, n);
                assertEquals(root, t.getRoot());
                assertEquals(rooted, t.getWeight(), 1e-9, "rooted trial " + trial);
                checked++;
            }
        }
        assertTrue(checked > 700, "too few solvable cases: " + checked);
    }

    /** The heap form and the matrix form, forced on the same small graphs, against brute force. */
    @Test
    void bothFormsMatchBruteForce() {
        SplittableRandom rng = new SplittableRandom(4242);
        for (int trial = 0; trial < 400; trial++) {
            int n = 1 + rng.nextInt(6);
            double density = rng.nextDouble();
            double[][] w = new double[n][n];
            int m = 0;
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    w[a][b] = a == b || rng.nextDouble() > density ? Double.NaN : rng.nextInt(5);
                    if (!Double.isNaN(w[a][b])) {
                        m++;
                    }
                }
            }
            int[] src = new int[m];
            int[] dst = new int[m];
            double[] wt = new double[m];
            int k = 0;
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    if (!Double.isNaN(w[a][b])) {
                        src[k] = a;
                        dst[k] = b;
                        wt[k++] = w[a][b];
                    }
                }
            }
            int root = trial % 3 == 0 ? rng.nextInt(n) : -1;
            double expected = bruteForce(w, n, root);
            for (boolean dense : new boolean[] {false, true}) {
                int[] parent = TarjanArborescence.solve(n, m, src, dst, wt, root, dense);
                if (Double.isInfinite(expected)) {
                    assertTrue(parent == null, "trial " + trial + " dense " + dense);
                    continue;
                }
                double total = 0;
                int roots = 0;
                for (int v = 0; v < n; v++) {
                    if (parent[v] < 0) {
                        roots++;
                    } else {
                        assertEquals(v, dst[parent[v]]);
                        total += wt[parent[v]];
                    }
                }
                assertEquals(1, roots);
                assertEquals(expected, total, 1e-9, "trial " + trial + " dense " + dense);
            }
        }
    }

    /** On larger random graphs, too big to enumerate, the two forms agree on the optimum. */
    @Test
    void bothFormsAgreeOnLargerGraphs() {
        SplittableRandom rng = new SplittableRandom(99);
        for (int trial = 0; trial < 30; trial++) {
            int n = 20 + rng.nextInt(120);
            int m = n * (n - 1);
            int[] src = new int[m];
            int[] dst = new int[m];
            double[] wt = new double[m];
            int k = 0;
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    if (a != b) {
                        src[k] = a;
                        dst[k] = b;
                        wt[k++] = trial % 2 == 0 ? rng.nextInt(20) : rng.nextDouble();
                    }
                }
            }
            double[] totals = new double[2];
            for (int f = 0; f < 2; f++) {
                int[] parent = TarjanArborescence.solve(n, m, src, dst, wt, -1, f == 1);
                for (int v = 0; v < n; v++) {
                    if (parent[v] >= 0) {
                        totals[f] += wt[parent[v]];
                    }
                }
            }
            assertEquals(totals[0], totals[1], 1e-9, "n=" + n);
        }
    }

    @Test
    void distinctWeightsGiveTheUniqueOptimumOnSevenVertices() {
        SplittableRandom rng = new SplittableRandom(99);
        for (int trial = 0; trial < 20; trial++) {
            int n = 7;
            double[][] w = new double[n][n];
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    w[a][b] = a == b ? Double.NaN : rng.nextDouble();
                }
            }
            Graph<Integer, DefaultWeightedEdge> g = graph(w, n);
            MinimumArborescence.Arborescence<Integer, DefaultWeightedEdge> t = new TarjanArborescence<>(g).getArborescence();
            checkValid(g, t, n);
            assertEquals(bruteForce(w, n, -1), t.getWeight(), 1e-12);
        }
    }

    @Test
    void knownCycleContraction() {
        // 0 -> 1 cheap, 1 <-> 2 is a cheap cycle that must be broken by entering from 0
        double nan = Double.NaN;
        double[][] w = {
            {nan, 10, 12},
            {nan, nan, 1},
            {nan, 2, nan},
        };
        Graph<Integer, DefaultWeightedEdge> g = graph(w, 3);
        MinimumArborescence.Arborescence<Integer, DefaultWeightedEdge> t = new TarjanArborescence<>(g).getArborescence();
        assertEquals(0, t.getRoot());
        assertEquals(11.0, t.getWeight(), 0.0);
        assertEquals(0, g.getEdgeSource(t.getParentEdge(1).orElseThrow()));
        assertEquals(1, g.getEdgeSource(t.getParentEdge(2).orElseThrow()));
    }

    @Test
    void deterministicUnderTies() {
        double[][] w = new double[5][5];
        for (double[] row : w) {
            java.util.Arrays.fill(row, 1.0);
        }
        for (int i = 0; i < 5; i++) {
            w[i][i] = Double.NaN;
        }
        Graph<Integer, DefaultWeightedEdge> g = graph(w, 5);
        MinimumArborescence.Arborescence<Integer, DefaultWeightedEdge> first = new TarjanArborescence<>(g).getArborescence();
        for (int i = 0; i < 5; i++) {
            MinimumArborescence.Arborescence<Integer, DefaultWeightedEdge> again = new TarjanArborescence<>(graph(w, 5)).getArborescence();
            assertEquals(first.getRoot(), again.getRoot());
            for (int v = 0; v < 5; v++) {
                assertEquals(first.getParentEdge(v).map(g::getEdgeSource), again.getParentEdge(v).map(g::getEdgeSource));
            }
        }
    }

    @Test
    void rejectsUndirectedGraphsAndUnknownRoots() {
        Graph<Integer, DefaultWeightedEdge> g = graph(new double[][] {{Double.NaN}}, 1);
        assertThrows(IllegalArgumentException.class, () -> new TarjanArborescence<>(g, 5));
        assertEquals(0, new TarjanArborescence<>(g).getArborescence().getEdges().size());
        assertThrows(IllegalArgumentException.class, () -> new TarjanArborescence<>(
                new org.jgrapht.graph.SimpleWeightedGraph<Integer, DefaultWeightedEdge>(DefaultWeightedEdge.class)));
    }
}
