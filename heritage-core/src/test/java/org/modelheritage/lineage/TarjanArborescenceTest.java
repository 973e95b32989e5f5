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
