package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SpanningTreesTest {

    /** Kruskal over every pair in the strict order, the textbook way: the reference. */
    private static Set<String> kruskal(double[][] d, int[] rank) {
        int n = d.length;
        List<int[]> pairs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                pairs.add(new int[] {i, j});
            }
        }
        pairs.sort((x, y) -> SpanningTrees.less(d[x[0]][x[1]], x[0], x[1], d[y[0]][y[1]], y[0], y[1], rank) ? -1
                : SpanningTrees.less(d[y[0]][y[1]], y[0], y[1], d[x[0]][x[1]], x[0], x[1], rank) ? 1 : 0);
        int[] comp = new int[n];
        for (int i = 0; i < n; i++) {
            comp[i] = i;
        }
        Set<String> out = new TreeSet<>();
        for (int[] p : pairs) {
            int a = comp[p[0]];
            int b = comp[p[1]];
            if (a != b) {
                for (int i = 0; i < n; i++) {
                    if (comp[i] == b) {
                        comp[i] = a;
                    }
                }
                out.add(Math.min(p[0], p[1]) + "-" + Math.max(p[0], p[1]));
            }
        }
        return out;
    }

    private static Set<String> edges(SpanningTrees.Edges e) {
        Set<String> out = new TreeSet<>();
        for (int k = 0; k < e.size(); k++) {
            out.add(Math.min(e.a()[k], e.b()[k]) + "-" + Math.max(e.a()[k], e.b()[k]));
        }
        return out;
    }

    @Test
    void primAndVertexByVertexGrowthFindTheUniqueTreeEvenWithTies() {
        Random rng = new Random(3);
        for (int trial = 0; trial < 300; trial++) {
            int n = 1 + rng.nextInt(12);
            // few distinct values: many ties, broken by rank
            double[][] d = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    d[i][j] = d[j][i] = rng.nextInt(trial % 2 == 0 ? 3 : 1000);
                }
            }
            List<Integer> ranks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ranks.add(i);
            }
            Collections.shuffle(ranks, rng);
            int[] rank = ranks.stream().mapToInt(Integer::intValue).toArray();
            Set<String> expected = kruskal(d, rank);

            DistanceTable t = new DistanceTable();
            SpanningTrees.Edges grown = null;
            for (int v = 0; v < n; v++) {
                t.add(Arrays.copyOf(d[v], v));
                int[] r = rankOfFirst(rank, v + 1);
                grown = v == 0 ? SpanningTrees.prim(t, 1, r) : SpanningTrees.withVertex(t, grown, v, r);
                assertEquals(kruskal(sub(d, v + 1), r), edges(grown), "grown to " + (v + 1) + " in trial " + trial);
            }
            assertEquals(expected, edges(SpanningTrees.prim(t, n, rank)), "prim, trial " + trial);
            assertEquals(expected, edges(grown), "grown, trial " + trial);
        }
    }

    @Test
    void kruskalOnASparseTableIsPrimsTreeWhenThePairsHoldItAndAForestOtherwise() {
        Random rng = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + rng.nextInt(14);
            double[][] d = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    d[i][j] = d[j][i] = rng.nextInt(trial % 2 == 0 ? 3 : 1000);
                }
            }
            int[] rank = new int[n];
            for (int i = 0; i < n; i++) {
                rank[i] = i;
            }
            Set<String> tree = kruskal(d, rank);
            // the tree's edges and some others: the same tree
            DistanceTable sparse = DistanceTable.sparse(n);
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    if (tree.contains(i + "-" + j) || rng.nextInt(3) == 0) {
                        sparse.put(i, j, d[i][j]);
                    }
                }
            }
            assertEquals(tree, edges(SpanningTrees.kruskal(sparse, rank)), "trial " + trial);
        }
        DistanceTable apart = DistanceTable.sparse(4);
        apart.put(0, 1, 2.0);
        apart.put(2, 3, 1.0);
        assertEquals(Set.of("0-1", "2-3"), edges(SpanningTrees.kruskal(apart, new int[] {0, 1, 2, 3})));
        assertEquals(Double.POSITIVE_INFINITY, apart.get(1, 2));
        assertEquals(2.0, apart.get(1, 0));
    }

    /** Edges as listed, in their order: growth must list them as Kruskal does (ascending). */
    private static List<String> listed(SpanningTrees.Edges e) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < e.size(); k++) {
            out.add(Math.min(e.a()[k], e.b()[k]) + "-" + Math.max(e.a()[k], e.b()[k]));
        }
        return out;
    }

    @Test
    void aSparseTreeGrownByVerticesAndCutByLostPairsIsKruskalsTreeOfTheGraphAtEveryStep() {
        Random rng = new Random(8);
        int cuts = 0;
        for (int trial = 0; trial < 60; trial++) {
            int n = 30 + rng.nextInt(30);
            // ranks: a random id order, fixed for the vertices as they come
            double[] idOrder = rng.doubles(n).toArray();
            DistanceTable t = DistanceTable.sparse(1);
            SpanningTrees.Weighted tree = new SpanningTrees.Weighted(
                    new SpanningTrees.Edges(new int[0], new int[0]), new double[0]);
            for (int v = 1; v < n; v++) {
                int[] rank = new int[v + 1];
                for (int i = 0; i <= v; i++) {
                    for (int j = 0; j <= v; j++) {
                        if (idOrder[j] < idOrder[i]) {
                            rank[i]++;
                        }
                    }
                }
                // some pairs leave the graph, tree pairs among them
                List<int[]> lost = new ArrayList<>();
                for (int k = 0; k < tree.edges().size(); k++) {
                    if (rng.nextInt(8) == 0) {
                        lost.add(new int[] {tree.edges().a()[k], tree.edges().b()[k]});
                    }
                }
                lost.forEach(p -> t.remove(p[0], p[1]));
                if (!lost.isEmpty()) {
                    cuts++;
                    Set<String> gone = new TreeSet<>();
                    lost.forEach(p -> gone.add(Math.min(p[0], p[1]) + "-" + Math.max(p[0], p[1])));
                    List<Integer> keep = new ArrayList<>();
                    List<String> was = listed(tree.edges());
                    for (int k = 0; k < was.size(); k++) {
                        if (!gone.contains(was.get(k))) {
                            keep.add(k);
                        }
                    }
                    SpanningTrees.Edges e = tree.edges();
                    double[] d = tree.distance();
                    tree = SpanningTrees.reconnect(new SpanningTrees.Weighted(new SpanningTrees.Edges(
                            keep.stream().mapToInt(k -> e.a()[k]).toArray(), keep.stream().mapToInt(k -> e.b()[k]).toArray()),
                            keep.stream().mapToDouble(k -> d[k]).toArray()), t, v, rank);
                }
                // the new vertex with a few pairs (ties among the distances)
                assertEquals(v, t.addVertex());
                int degree = 1 + rng.nextInt(Math.min(v, 5));
                List<Integer> others = new ArrayList<>();
                for (int i = 0; i < v; i++) {
                    others.add(i);
                }
                Collections.shuffle(others, rng);
                int[] nb = others.subList(0, degree).stream().mapToInt(Integer::intValue).toArray();
                double[] nd = new double[degree];
                for (int i = 0; i < degree; i++) {
                    nd[i] = rng.nextInt(trial % 2 == 0 ? 4 : 1000);
                    t.put(nb[i], v, nd[i]);
                }
                SpanningTrees.Edges reference = SpanningTrees.kruskal(t, rank);
                if (tree.edges().size() != v - 1) {
                    // the graph fell apart before the vertex came: start again from Kruskal's forest
                    tree = new SpanningTrees.Weighted(reference, distances(t, reference));
                    continue;
                }
                tree = SpanningTrees.withVertex(tree, v, nb, nd, rank);
                assertEquals(listed(reference), listed(tree.edges()), "vertex " + v + ", trial " + trial);
                assertEquals(Arrays.toString(distances(t, reference)), Arrays.toString(tree.distance()));
            }
        }
        assertEquals(true, cuts > 100, "tree pairs lost " + cuts + " times");
    }

    private static double[] distances(DistanceTable t, SpanningTrees.Edges e) {
        double[] d = new double[e.size()];
        for (int k = 0; k < e.size(); k++) {
            d[k] = t.get(e.a()[k], e.b()[k]);
        }
        return d;
    }

    /** The ranks of the first k vertices among themselves (their relative order kept). */
    private static int[] rankOfFirst(int[] rank, int k) {
        int[] r = new int[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                if (rank[j] < rank[i]) {
                    r[i]++;
                }
            }
        }
        return r;
    }

    private static double[][] sub(double[][] d, int k) {
        double[][] out = new double[k][];
        for (int i = 0; i < k; i++) {
            out[i] = Arrays.copyOf(d[i], k);
        }
        return out;
    }
}
