package org.modelheritage.lineage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jgrapht.Graph;
import org.jgrapht.graph.DefaultWeightedEdge;
import org.jgrapht.graph.SimpleDirectedWeightedGraph;
import org.modelheritage.family.Family;
import org.modelheritage.signature.MatrixSketch;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.TensorStatistics;

/**
 * Recovers one family's tree from signatures and (cached) pairwise metrics, by a
 * {@link MotherRecipe}. Every tie is broken by model-id order: members are indexed in id order,
 * and each choice prefers the lower index when values are equal.
 */
final class FamilyTreeBuilder {
    /** A family whose nearest-neighbour differences have a median rank ratio below this is low-rank. */
    static final double LOW_RANK_RATIO = 0.5;
    private static final double EPS = 1e-12;

    /** Pair metrics by pair of ids (a < b), so the caller can cache them. */
    interface PairSource {
        PairMetrics metrics(String a, String b);
    }

    /** Direction evidence for parent -> child, so the caller can cache it. */
    interface EvidenceSource {
        double evidence(String parent, String child, DirectionSignal signal);
    }

    private final MotherRecipe recipe;
    private final Function<String, ModelSignature> signatures;
    private final PairSource pairs;
    private final EvidenceSource evidence;

    FamilyTreeBuilder(MotherRecipe recipe, Function<String, ModelSignature> signatures, PairSource pairs,
            EvidenceSource evidence) {
        this.recipe = recipe;
        this.signatures = signatures;
        this.pairs = pairs;
        this.evidence = evidence;
    }

    private PairMetrics pm(String a, String b) {
        return a.compareTo(b) < 0 ? pairs.metrics(a, b) : pairs.metrics(b, a);
    }

    LineageTree build(Family family) {
        List<String> members = family.members();
        List<LineageEdge> edges = new ArrayList<>();
        // 1. duplicates collapse onto their finest-precision copy (not in the paper's recipe)
        List<String> reps = members;
        if (recipe.distance() == MotherRecipe.Distance.SPECTRAL) {
            reps = collapseDuplicates(members, edges);
        }
        int n = reps.size();
        boolean lowRank = isLowRank(reps);
        DirectionMode mode = recipe.mode() == DirectionMode.GENERALISATION ? DirectionMode.GENERALISATION
                : DirectionMode.FINE_TUNING;
        List<String> roots = new ArrayList<>();
        if (n == 1) {
            roots.add(reps.get(0));
        } else {
            double[][] d = distances(reps, lowRank);
            int[] parent;
            double[] confidence;
            if (recipe.method() == MotherRecipe.TreeMethod.ARBORESCENCE) {
                Oriented o = arborescence(reps, d, lowRank);
                parent = o.parent;
                confidence = o.confidence;
                mode = o.mode;
            } else {
                Oriented o = spanningTree(reps, d, lowRank);
                parent = o.parent;
                confidence = o.confidence;
                mode = o.mode;
            }
            for (int v = 0; v < n; v++) {
                if (parent[v] < 0) {
                    roots.add(reps.get(v));
                } else {
                    edges.add(new LineageEdge(reps.get(parent[v]), reps.get(v), LineageEdge.Kind.FINE_TUNE,
                            clamp(confidence[v]), d[parent[v]][v]));
                }
            }
        }
        edges.sort(Comparator.comparing(LineageEdge::child));
        roots.sort(Comparator.naturalOrder());
        return new LineageTree(family.id(), members, roots, edges, lowRank, mode);
    }

    private static double clamp(double c) {
        return Double.isNaN(c) ? 0.0 : Math.max(0.0, Math.min(1.0, c));
    }

    // ---------------------------------------------------------------- duplicates

    private List<String> collapseDuplicates(List<String> members, List<LineageEdge> edges) {
        int n = members.size();
        int[] group = new int[n];
        for (int i = 0; i < n; i++) {
            group[i] = i;
        }
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                if (pm(members.get(i), members.get(j)).duplicate()) {
                    int a = find(group, i);
                    int b = find(group, j);
                    if (a != b) {
                        group[Math.max(a, b)] = Math.min(a, b);
                    }
                }
            }
        }
        Map<Integer, List<Integer>> byGroup = new HashMap<>();
        for (int i = 0; i < n; i++) {
            byGroup.computeIfAbsent(find(group, i), k -> new ArrayList<>()).add(i);
        }
        List<String> reps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Integer> g = byGroup.get(i);
            if (g == null) {
                continue;
            }
            // the finest precision is the original; equal precision: the smaller id
            int rep = g.get(0);
            for (int k : g) {
                if (signatures.apply(members.get(k)).unitRoundoff() < signatures.apply(members.get(rep)).unitRoundoff()) {
                    rep = k;
                }
            }
            reps.add(members.get(rep));
            for (int k : g) {
                if (k != rep) {
                    String a = members.get(rep);
                    String b = members.get(k);
                    PairMetrics p = pm(a, b);
                    double band = PairMetrics.DUPLICATE_NOISE_FACTOR
                            * (signatures.apply(a).unitRoundoff() + signatures.apply(b).unitRoundoff());
                    double conf = band > 0 ? 1.0 - p.maxRelativeRms() / band : 1.0;
                    edges.add(new LineageEdge(a, b, LineageEdge.Kind.DUPLICATE, clamp(conf), p.distance(false)));
                }
            }
        }
        reps.sort(Comparator.naturalOrder());
        return reps;
    }

    private static int find(int[] p, int x) {
        while (p[x] != x) {
            p[x] = p[p[x]];
            x = p[x];
        }
        return x;
    }

    // ---------------------------------------------------------------- distances

    /**
     * Low-rank family: each model's nearest neighbour (relative energy, ties to the smaller id)
     * differs from it by a difference of low numerical rank, in the median.
     */
    private boolean isLowRank(List<String> reps) {
        int n = reps.size();
        if (n < 2) {
            return false;
        }
        double[] ratios = new double[n];
        for (int i = 0; i < n; i++) {
            int best = -1;
            double bestE = Double.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    double e = pm(reps.get(i), reps.get(j)).energy();
                    if (e < bestE) {
                        bestE = e;
                        best = j;
                    }
                }
            }
            ratios[i] = pm(reps.get(i), reps.get(best)).rankRatio();
        }
        return PairMetrics.median(ratios) < LOW_RANK_RATIO;
    }

    /** d[p][c]: the distance for the edge p -> c. */
    private double[][] distances(List<String> reps, boolean lowRank) {
        int n = reps.size();
        if (recipe.distance() == MotherRecipe.Distance.PAPER) {
            return PaperDistance.matrix(reps, signatures, lowRank);
        }
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                d[i][j] = pm(reps.get(i), reps.get(j)).distance(lowRank);
                d[j][i] = d[i][j];
            }
        }
        return d;
    }

    // ---------------------------------------------------------------- trees

    private record Oriented(int[] parent, double[] confidence, DirectionMode mode) {
    }

    /** MoTHer: minimum spanning arborescence of D + lambda mean(D) T, T the binary kurtosis penalty. */
    private Oriented arborescence(List<String> reps, double[][] d, boolean lowRank) {
        int n = reps.size();
        double[] k = new double[n];
        for (int i = 0; i < n; i++) {
            k[i] = kurtosisSum(signatures.apply(reps.get(i)), lowRank && recipe.distance() == MotherRecipe.Distance.PAPER);
        }
        double mean = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    mean += d[i][j];
                }
            }
        }
        mean /= (double) n * (n - 1);
        List<DirectionMode> modes = recipe.mode() == DirectionMode.AUTO
                ? List.of(DirectionMode.FINE_TUNING, DirectionMode.GENERALISATION) : List.of(recipe.mode());
        Oriented best = null;
        double bestWeight = Double.POSITIVE_INFINITY;
        for (DirectionMode m : modes) {
            double[][] w = new double[n][n];
            for (int p = 0; p < n; p++) {
                for (int c = 0; c < n; c++) {
                    if (p != c) {
                        boolean penalised = m == DirectionMode.FINE_TUNING ? k[c] > k[p] : k[c] < k[p];
                        w[p][c] = d[p][c] + recipe.lambda() * mean * (penalised ? 1.0 : 0.0);
                    }
                }
            }
            Graph<Integer, DefaultWeightedEdge> g = new SimpleDirectedWeightedGraph<>(DefaultWeightedEdge.class);
            for (int i = 0; i < n; i++) {
                g.addVertex(i);
            }
            for (int p = 0; p < n; p++) {
                for (int c = 0; c < n; c++) {
                    if (p != c) {
                        g.setEdgeWeight(g.addEdge(p, c), w[p][c]);
                    }
                }
            }
            MinimumArborescence.Arborescence<Integer, DefaultWeightedEdge> a = new TarjanArborescence<>(g).getArborescence();
            if (a.getWeight() < bestWeight - EPS) {
                int[] parent = new int[n];
                Arrays.fill(parent, -1);
                for (DefaultWeightedEdge e : a) {
                    parent[g.getEdgeTarget(e)] = g.getEdgeSource(e);
                }
                double[] conf = new double[n];
                boolean[][] inSubtree = subtrees(parent);
                for (int c = 0; c < n; c++) {
                    if (parent[c] >= 0) {
                        conf[c] = replacementMargin(w, parent, inSubtree, c);
                    }
                }
                best = new Oriented(parent, conf, m);
                bestWeight = a.getWeight();
            }
        }
        return best;
    }

    /** Sum of the excess kurtosis of the lineage matrices (only the value projections in the paper's LoRA recipe). */
    static double kurtosisSum(ModelSignature s, boolean valueOnly) {
        double sum = 0;
        for (MatrixSketch m : PaperDistance.matrices(s, valueOnly)) {
            double k = s.tensor(m.name()).map(TensorStatistics::excessKurtosis).orElse(Double.NaN);
            if (!Double.isNaN(k)) {
                sum += k;
            }
        }
        return sum;
    }

    /** Ours: minimum spanning tree of the symmetric distance, oriented by the direction evidence. */
    private Oriented spanningTree(List<String> reps, double[][] dist, boolean lowRank) {
        int n = reps.size();
        double[][] d = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                d[i][j] = 0.5 * (dist[i][j] + dist[j][i]);
            }
        }
        // Kruskal over (d, i, j): ties go to the lower indices, i.e. to id order
        Integer[] order = new Integer[n * (n - 1) / 2];
        int[] ei = new int[order.length];
        int[] ej = new int[order.length];
        int m = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                ei[m] = i;
                ej[m] = j;
                order[m] = m;
                m++;
            }
        }
        Arrays.sort(order, (a, b) -> {
            int c = Double.compare(d[ei[a]][ej[a]], d[ei[b]][ej[b]]);
            return c != 0 ? c : Integer.compare(a, b);
        });
        int[] uf = new int[n];
        for (int i = 0; i < n; i++) {
            uf[i] = i;
        }
        List<List<Integer>> adj = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            adj.add(new ArrayList<>());
        }
        int added = 0;
        for (int idx : order) {
            int a = find(uf, ei[idx]);
            int b = find(uf, ej[idx]);
            if (a != b) {
                uf[Math.max(a, b)] = Math.min(a, b);
                adj.get(ei[idx]).add(ej[idx]);
                adj.get(ej[idx]).add(ei[idx]);
                if (++added == n - 1) {
                    break;
                }
            }
        }
        for (List<Integer> l : adj) {
            l.sort(Comparator.naturalOrder());
        }
        // evidence per tree edge, for the orientation low index -> high index
        DirectionSignal signal = recipe.signal() == DirectionSignal.ADAPTIVE
                ? (lowRank ? DirectionSignal.KURTOSIS : DirectionSignal.SPECTRAL_TAIL) : recipe.signal();
        double[][] ev = new double[n][n];
        double[][] prior = new double[n][n];
        double[] kurt = new double[n];
        for (int i = 0; i < n; i++) {
            kurt[i] = kurtosisSum(signatures.apply(reps.get(i)), false);
        }
        List<int[]> treeEdges = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            for (int b : adj.get(a)) {
                if (a < b) {
                    treeEdges.add(new int[] {a, b});
                }
            }
        }
        double[] evs = new double[treeEdges.size()];
        java.util.stream.IntStream.range(0, treeEdges.size()).parallel().forEach(t -> evs[t] =
                evidence.evidence(reps.get(treeEdges.get(t)[0]), reps.get(treeEdges.get(t)[1]), signal));
        for (int t = 0; t < treeEdges.size(); t++) {
            int a = treeEdges.get(t)[0];
            int b = treeEdges.get(t)[1];
            ev[a][b] = evs[t];
            ev[b][a] = -evs[t];
            double p = Math.signum(kurt[a] - kurt[b]);
            prior[a][b] = p;
            prior[b][a] = -p;
        }
        // score of every root by rerooting: moving the root across p -> c flips that edge
        int[] parent0 = orient(adj, 0, n);
        int[] bfs = bfsOrder(adj, 0, n);
        List<Integer> signs = switch (recipe.mode()) {
            case FINE_TUNING -> List.of(1);
            case GENERALISATION -> List.of(-1);
            case AUTO -> List.of(1, -1);
        };
        int bestRoot = -1;
        int bestSign = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        double bestPrior = Double.NEGATIVE_INFINITY;
        for (int sign : signs) {
            double[] score = new double[n];
            double[] pri = new double[n];
            for (int v = 0; v < n; v++) {
                if (parent0[v] >= 0) {
                    score[0] += sign * ev[parent0[v]][v];
                    pri[0] += prior[parent0[v]][v];
                }
            }
            for (int idx = 1; idx < n; idx++) {
                int c = bfs[idx];
                int p = parent0[c];
                score[c] = score[p] - 2 * sign * ev[p][c];
                pri[c] = pri[p] - 2 * prior[p][c];
            }
            for (int r = 0; r < n; r++) {
                // higher score; on a tie (a chain reads both ways equally) MoTHer's prior, kurtosis
                // falling from parent to child; then the fine-tuning reading (tried first); then lower id
                boolean better = score[r] > bestScore + 1e-9
                        || (Math.abs(score[r] - bestScore) <= 1e-9 && pri[r] > bestPrior + 1e-9);
                if (better) {
                    bestScore = score[r];
                    bestPrior = pri[r];
                    bestRoot = r;
                    bestSign = sign;
                }
            }
        }
        int[] parent = orient(adj, bestRoot, n);
        boolean[][] inSubtree = subtrees(parent);
        double[] conf = new double[n];
        for (int c = 0; c < n; c++) {
            if (parent[c] >= 0) {
                double structural = replacementMargin(d, parent, inSubtree, c);
                double directional = (1.0 + bestSign * ev[parent[c]][c]) / 2.0;
                conf[c] = structural * directional;
            }
        }
        return new Oriented(parent, conf, bestSign > 0 ? DirectionMode.FINE_TUNING : DirectionMode.GENERALISATION);
    }

    private static int[] orient(List<List<Integer>> adj, int root, int n) {
        int[] parent = new int[n];
        Arrays.fill(parent, -2);
        parent[root] = -1;
        int[] queue = new int[n];
        int head = 0;
        int tail = 0;
        queue[tail++] = root;
        while (head < tail) {
            int u = queue[head++];
            for (int v : adj.get(u)) {
                if (parent[v] == -2) {
                    parent[v] = u;
                    queue[tail++] = v;
                }
            }
        }
        return parent;
    }

    private static int[] bfsOrder(List<List<Integer>> adj, int root, int n) {
        int[] seen = new int[n];
        int[] queue = new int[n];
        int head = 0;
        int tail = 0;
        queue[tail++] = root;
        seen[root] = 1;
        while (head < tail) {
            int u = queue[head++];
            for (int v : adj.get(u)) {
                if (seen[v] == 0) {
                    seen[v] = 1;
                    queue[tail++] = v;
                }
            }
        }
        return queue;
    }

    /** inSubtree[c][v]: v is c or one of its descendants. */
    private static boolean[][] subtrees(int[] parent) {
        int n = parent.length;
        boolean[][] in = new boolean[n][n];
        for (int v = 0; v < n; v++) {
            int x = v;
            int steps = 0;
            while (x >= 0 && steps++ <= n) {
                in[x][v] = true;
                x = parent[x];
            }
        }
        return in;
    }

    /**
     * {@code 1 - cost(parent, c) / cost(next, c)}, next the cheapest other parent outside c's
     * subtree; 1 when there is none.
     */
    private static double replacementMargin(double[][] cost, int[] parent, boolean[][] inSubtree, int c) {
        double alt = Double.POSITIVE_INFINITY;
        for (int v = 0; v < parent.length; v++) {
            if (v != parent[c] && !inSubtree[c][v]) {
                alt = Math.min(alt, cost[v][c]);
            }
        }
        if (Double.isInfinite(alt)) {
            return 1.0;
        }
        double own = cost[parent[c]][c];
        if (alt <= 0) {
            return own <= 0 ? 0.0 : 0.0;
        }
        return clamp(1.0 - own / alt);
    }
}
