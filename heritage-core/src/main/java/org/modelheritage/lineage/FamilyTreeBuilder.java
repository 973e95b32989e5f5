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

    /** A tree, and for the default recipe the state {@link #grow} needs to add the next member. */
    record Result(LineageTree tree, SpanningState state) {
    }

    /** The family's tree from scratch (quadratic in its size: every pair is looked at). */
    Result build(Family family) {
        List<String> members = family.members();
        List<LineageEdge> duplicates = new ArrayList<>();
        // 1. duplicates collapse onto their finest-precision copy (not in the paper's recipe)
        List<String> reps = members;
        if (recipe.distance() == MotherRecipe.Distance.SPECTRAL) {
            reps = collapseDuplicates(members, duplicates);
        }
        int n = reps.size();
        NearestNeighbours nearest = NearestNeighbours.of(reps, this::pm);
        boolean lowRank = nearest.lowRank();
        if (recipe.method() == MotherRecipe.TreeMethod.SPANNING_TREE) {
            // the spanning tree is built on the symmetric distance (the paper's may not be)
            double[][] d = distances(reps, lowRank);
            DistanceTable table = new DistanceTable();
            for (int i = 0; i < n; i++) {
                double[] row = new double[i];
                for (int j = 0; j < i; j++) {
                    row[j] = 0.5 * (d[i][j] + d[j][i]);
                }
                table.add(row);
            }
            SpanningState state = new SpanningState(duplicates, lowRank, nearest, table);
            for (String r : reps) {
                state.ids.add(r);
                state.kurtosis.add(kurtosisSum(signatures.apply(r), false));
            }
            int[] rank = rankById(state.ids);
            state.tree = SpanningTrees.prim(table, n, rank);
            LineageTree tree = orient(family, state, rank);
            return new Result(tree, recipe.distance() == MotherRecipe.Distance.SPECTRAL ? state : null);
        }
        List<LineageEdge> edges = new ArrayList<>(duplicates);
        DirectionMode mode = recipe.mode() == DirectionMode.GENERALISATION ? DirectionMode.GENERALISATION
                : DirectionMode.FINE_TUNING;
        List<String> roots = new ArrayList<>();
        if (n == 1) {
            roots.add(reps.get(0));
        } else {
            double[][] d = distances(reps, lowRank);
            Oriented o = arborescence(reps, d, lowRank);
            mode = o.mode;
            for (int v = 0; v < n; v++) {
                if (o.parent[v] < 0) {
                    roots.add(reps.get(v));
                } else {
                    edges.add(new LineageEdge(reps.get(o.parent[v]), reps.get(v), LineageEdge.Kind.FINE_TUNE,
                            clamp(o.confidence[v]), d[o.parent[v]][v]));
                }
            }
        }
        edges.sort(Comparator.comparing(LineageEdge::child));
        roots.sort(Comparator.naturalOrder());
        return new Result(new LineageTree(family.id(), members, roots, edges, lowRank, mode), null);
    }

    /**
     * The tree of {@code family}, which is the family {@code previous} was built for plus the model
     * {@code added}, in time linear in the family's size (n - 1 cached pair lookups, a spanning tree
     * over the old tree's edges and the new model's, one pass to orient): the minimum spanning tree
     * of a complete graph with one more vertex uses only edges of the old tree and edges of the new
     * vertex (any other edge is the longest on a cycle of the old graph). {@code previous} is
     * updated in place and returned with the tree; the result equals {@link #build}'s.
     *
     * @return null when the model changes what the family is built on (it duplicates a member, or
     *     tips the family into or out of the low-rank regime): then only {@link #build} will do,
     *     and {@code previous} is untouched
     */
    Result grow(Family family, SpanningState previous, String added) {
        for (String m : family.members()) {
            if (!m.equals(added) && pm(m, added).duplicate()) {
                return null;
            }
        }
        int n = previous.ids.size();
        PairMetrics[] toAdded = new PairMetrics[n];
        for (int i = 0; i < n; i++) {
            toAdded[i] = pm(previous.ids.get(i), added);
        }
        NearestNeighbours nearest = previous.nearest.with(previous.ids, added, toAdded);
        if (nearest.lowRank() != previous.lowRank) {
            return null;
        }
        double[] row = new double[n];
        for (int i = 0; i < n; i++) {
            row[i] = toAdded[i].distance(previous.lowRank);
        }
        SpanningState s = previous;
        s.nearest = nearest;
        s.ids.add(added);
        s.kurtosis.add(kurtosisSum(signatures.apply(added), false));
        s.table.add(row);
        int[] rank = rankById(s.ids);
        s.tree = SpanningTrees.withVertex(s.table, s.tree, n, rank);
        return new Result(orient(family, s, rank), s);
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

    /** rank[v]: vertex v's position in model-id order. */
    private static int[] rankById(List<String> ids) {
        int n = ids.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparing(ids::get));
        int[] rank = new int[n];
        for (int k = 0; k < n; k++) {
            rank[order[k]] = k;
        }
        return rank;
    }

    /**
     * Ours: the minimum spanning tree of the symmetric distance, oriented by the direction
     * evidence. Every order-dependent step (the rerooting sums, ties between roots) walks the
     * vertices in model-id order, so the result does not depend on vertex numbering.
     */
    private LineageTree orient(Family family, SpanningState s, int[] rank) {
        int n = s.ids.size();
        List<String> ids = s.ids;
        List<LineageEdge> edges = new ArrayList<>(s.duplicates);
        List<String> roots = new ArrayList<>();
        DirectionMode mode = recipe.mode() == DirectionMode.GENERALISATION ? DirectionMode.GENERALISATION
                : DirectionMode.FINE_TUNING;
        if (n == 1) {
            roots.add(ids.get(0));
            return new LineageTree(family.id(), family.members(), roots, edges, s.lowRank, mode);
        }
        int[] byId = new int[n];
        for (int v = 0; v < n; v++) {
            byId[rank[v]] = v;
        }
        SpanningTrees.Edges tree = s.tree;
        int m = tree.size();
        // adjacency: neighbours and edge numbers, each list in id order
        int[][] nbr = new int[n][];
        int[][] via = new int[n][];
        int[] deg = new int[n];
        for (int k = 0; k < m; k++) {
            deg[tree.a()[k]]++;
            deg[tree.b()[k]]++;
        }
        for (int v = 0; v < n; v++) {
            nbr[v] = new int[deg[v]];
            via[v] = new int[deg[v]];
            deg[v] = 0;
        }
        for (int k = 0; k < m; k++) {
            int a = tree.a()[k];
            int b = tree.b()[k];
            nbr[a][deg[a]] = b;
            via[a][deg[a]++] = k;
            nbr[b][deg[b]] = a;
            via[b][deg[b]++] = k;
        }
        for (int v = 0; v < n; v++) {
            sortByRank(nbr[v], via[v], rank);
        }
        // evidence and MoTHer's kurtosis prior per tree edge, for the orientation lower id -> higher id
        int[] lo = new int[m];
        int[] hi = new int[m];
        double[] prior = new double[m];
        for (int k = 0; k < m; k++) {
            boolean forward = rank[tree.a()[k]] < rank[tree.b()[k]];
            lo[k] = forward ? tree.a()[k] : tree.b()[k];
            hi[k] = forward ? tree.b()[k] : tree.a()[k];
            prior[k] = Math.signum(s.kurtosis.get(lo[k]) - s.kurtosis.get(hi[k]));
        }
        Rooted r0 = root(nbr, via, byId[0], n);
        // ADAPTIVE: low-rank families read kurtosis (merged adapters leave the tail untouched).
        // Fully fine-tuned ones read whichever of the spectral tail and kurtosis makes the stronger
        // case for its best orientation: the larger net agreement (vote mass agreeing minus
        // disagreeing; each edge's evidence is in [-1, 1] for both), kurtosis (MoTHer's) on a tie.
        double[] pri = rootScores(prior, 1, lo, r0, byId, n);
        Reading best;
        if (recipe.signal() != DirectionSignal.ADAPTIVE || s.lowRank) {
            DirectionSignal signal = recipe.signal() != DirectionSignal.ADAPTIVE ? recipe.signal() : DirectionSignal.KURTOSIS;
            best = read(votes(signal, ids, lo, hi), pri, null, lo, r0, byId, n);
        } else {
            Reading kurtosis = read(votes(DirectionSignal.KURTOSIS, ids, lo, hi), pri, null, lo, r0, byId, n);
            Reading tail = read(votes(DirectionSignal.SPECTRAL_TAIL, ids, lo, hi), pri, null, lo, r0, byId, n);
            // the stronger signal decides, the other breaks its ties; the tail only in the reading
            // it was derived for (weight decay shrinks what the task does not use): read the other
            // way (tail energy growing as noise accumulates) it has proved the weaker signal
            boolean tailReadable = tail.sign() > 0 || recipe.mode() != DirectionMode.AUTO;
            best = tailReadable && tail.score() > kurtosis.score() + 1e-9
                    ? read(tail.votes(), pri, kurtosis.scores(), lo, r0, byId, n)
                    : read(kurtosis.votes(), pri, tail.scores(), lo, r0, byId, n);
        }
        double[] ev = best.votes();
        int bestRoot = best.root();
        int bestSign = best.sign();
        Rooted t = root(nbr, via, bestRoot, n);
        // c's subtree: the vertices at positions start[c] .. start[c] + size[c] - 1 of a preorder
        int[] start = new int[n];
        int[] size = new int[n];
        preorder(nbr, t, bestRoot, start, size);
        for (int c = 0; c < n; c++) {
            int p = t.parent[c];
            if (p < 0) {
                roots.add(ids.get(c));
                continue;
            }
            double alt = Double.POSITIVE_INFINITY;
            for (int v = 0; v < n; v++) {
                if (v != p && (start[v] < start[c] || start[v] >= start[c] + size[c])) {
                    alt = Math.min(alt, s.table.get(v, c));
                }
            }
            double own = s.table.get(p, c);
            double structural = Double.isInfinite(alt) ? 1.0 : alt <= 0 ? 0.0 : clamp(1.0 - own / alt);
            double directional = (1.0 + bestSign * directed(ev, lo, t.edge[c], p)) / 2.0;
            edges.add(new LineageEdge(ids.get(p), ids.get(c), LineageEdge.Kind.FINE_TUNE,
                    clamp(structural * directional), own));
        }
        edges.sort(Comparator.comparing(LineageEdge::child));
        roots.sort(Comparator.naturalOrder());
        mode = bestSign > 0 ? DirectionMode.FINE_TUNING : DirectionMode.GENERALISATION;
        return new LineageTree(family.id(), family.members(), roots, edges, s.lowRank, mode);
    }

    /** One signal's evidence on every tree edge, for the orientation lower id -> higher id. */
    private double[] votes(DirectionSignal signal, List<String> ids, int[] lo, int[] hi) {
        double[] votes = new double[lo.length];
        java.util.stream.IntStream.range(0, lo.length).parallel()
                .forEach(k -> votes[k] = evidence.evidence(ids.get(lo[k]), ids.get(hi[k]), signal));
        return votes;
    }

    /**
     * How one signal orients a tree: the root and reading (sign) its votes agree with most, that
     * orientation's score (the vote mass agreeing with it minus the mass against it), and the
     * score of every root under that reading.
     */
    private record Reading(double[] votes, int root, int sign, double score, double[] scores) {
    }

    /** What each vertex as the root makes of per-edge values: the sum of sign * value, edges oriented away from it. */
    private static double[] rootScores(double[] ev, int sign, int[] lo, Rooted r0, int[] byId, int n) {
        int root0 = r0.order[0];
        double[] score = new double[n];
        for (int k = 0; k < n; k++) {
            int v = byId[k];
            if (v != root0) {
                score[root0] += sign * directed(ev, lo, r0.edge[v], r0.parent[v]);
            }
        }
        // moving the root across p -> c flips that edge
        for (int k = 1; k < n; k++) {
            int c = r0.order[k];
            int p = r0.parent[c];
            score[c] = score[p] - 2 * sign * directed(ev, lo, r0.edge[c], p);
        }
        return score;
    }

    /**
     * The best root and reading for these votes. Ties (a chain reads both ways equally; a wrong
     * vote next to the root can be read away) go to the other signal's scores when there is one,
     * then to MoTHer's prior (kurtosis falling from parent to child), then to the fine-tuning
     * reading (tried first), then to the lower id.
     */
    private Reading read(double[] ev, double[] prior, double[] other, int[] lo, Rooted r0, int[] byId, int n) {
        List<Integer> signs = switch (recipe.mode()) {
            case FINE_TUNING -> List.of(1);
            case GENERALISATION -> List.of(-1);
            case AUTO -> List.of(1, -1);
        };
        int bestRoot = -1;
        int bestSign = 0;
        double[] bestScores = null;
        for (int sign : signs) {
            double[] score = rootScores(ev, sign, lo, r0, byId, n);
            for (int k = 0; k < n; k++) {
                int r = byId[k];
                boolean better;
                if (bestRoot < 0) {
                    better = true;
                } else if (Math.abs(score[r] - bestScores[bestRoot]) > 1e-9) {
                    better = score[r] > bestScores[bestRoot];
                } else if (other != null && Math.abs(other[r] - other[bestRoot]) > 1e-9) {
                    better = other[r] > other[bestRoot];
                } else {
                    better = prior[r] > prior[bestRoot] + 1e-9;
                }
                if (better) {
                    bestRoot = r;
                    bestSign = sign;
                    bestScores = score;
                }
            }
        }
        return new Reading(ev, bestRoot, bestSign, bestScores[bestRoot], bestScores);
    }

    /** A value stored for tree edge e as lower id -> higher id, read along parent p -> its child. */
    private static double directed(double[] values, int[] lo, int e, int p) {
        return p == lo[e] ? values[e] : -values[e];
    }

    /** A tree hung from a root: parent and edge to it per vertex (-1 at the root), and BFS order. */
    private record Rooted(int[] parent, int[] edge, int[] order) {
    }

    private static Rooted root(int[][] nbr, int[][] via, int root, int n) {
        int[] parent = new int[n];
        int[] edge = new int[n];
        Arrays.fill(parent, -2);
        parent[root] = -1;
        edge[root] = -1;
        int[] queue = new int[n];
        int head = 0;
        int tail = 0;
        queue[tail++] = root;
        while (head < tail) {
            int u = queue[head++];
            for (int i = 0; i < nbr[u].length; i++) {
                int v = nbr[u][i];
                if (parent[v] == -2) {
                    parent[v] = u;
                    edge[v] = via[u][i];
                    queue[tail++] = v;
                }
            }
        }
        return new Rooted(parent, edge, queue);
    }

    /** Preorder positions and subtree sizes of a rooted tree, without recursion. */
    private static void preorder(int[][] nbr, Rooted t, int root, int[] start, int[] size) {
        int n = start.length;
        int[] stack = new int[n];
        int top = 0;
        int pos = 0;
        stack[top++] = root;
        while (top > 0) {
            int u = stack[--top];
            start[u] = pos++;
            for (int v : nbr[u]) {
                if (t.parent[v] == u) {
                    stack[top++] = v;
                }
            }
        }
        // sizes bottom-up: reverse BFS order visits children before parents
        Arrays.fill(size, 1);
        for (int k = n - 1; k > 0; k--) {
            int v = t.order[k];
            size[t.parent[v]] += size[v];
        }
    }

    /** Sorts a neighbour list (and its edge numbers alongside) by rank; lists are short. */
    private static void sortByRank(int[] nbr, int[] via, int[] rank) {
        for (int i = 1; i < nbr.length; i++) {
            int v = nbr[i];
            int e = via[i];
            int j = i - 1;
            while (j >= 0 && rank[nbr[j]] > rank[v]) {
                nbr[j + 1] = nbr[j];
                via[j + 1] = via[j];
                j--;
            }
            nbr[j + 1] = v;
            via[j + 1] = e;
        }
    }

    /** inSubtree[c][v]: v is c or one of its descendants (the arborescence's confidence; quadratic). */
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
