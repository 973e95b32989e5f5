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
import org.modelheritage.family.ModelCluster;
import org.modelheritage.signature.MatrixSketch;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.TensorStatistics;

/**
 * Recovers one family's tree from signatures and (cached) pairwise metrics, by a
 * {@link MotherRecipe}. Every tie is broken by model-id order: members are indexed in id order,
 * and each choice prefers the lower index when values are equal.
 */
final class FamilyTreeBuilder {
    /**
     * A family whose nearest-neighbour differences have a median rank ratio below this is low-rank
     * (and an edge whose difference has, an adapter). Merged adapters sit at 0.02-0.2 of the
     * dimension; short half-precision fine-tunes, whose smaller singular values drown in rounding
     * noise, reach down to about 0.45, so the cut is well below them.
     */
    static final double LOW_RANK_RATIO = 0.3;
    /**
     * Rows that must put a parent off its child's path (or hold the child below it): one row two
     * models hold within rounding and the model between them moved by four times that is no coincidence.
     */
    static final int OFF_PATH_ROWS = Integer.getInteger("mh.offPathRows", 1);
    /** How many times the rows that read the other way the off-path rows must outnumber. */
    static final int OFF_PATH_ODDS = 4;
    /** Whether lifting reads the rows a fine-tune never touched ({@link RowStates}); off only to measure them. */
    static final boolean ROW_STATES = Boolean.parseBoolean(System.getProperty("mh.rowStates", "true"));
    /** How many of a parent's ancestors {@link #offPath} compares a child with. */
    static final int ROW_STATE_ANCESTORS = Integer.getInteger("mh.rowStateAncestors", 4);
    /** The share of the finer dtype's unit roundoff under which two copies hold the same values ({@link #sameValues}). */
    static final double SAME_VALUES_SHARE = 0.01;
    /** Share of the grandparent edge a chain may fall short by before the child is lifted ({@link #liftSiblings}). */
    static final double SIBLING_SHORTFALL = 0.25;
    /**
     * A duplicate edge's evidence (its confidence's margin input) when the copies hold the same values
     * and the child's tensor names carry more of a tool's wrappers: how models are re-saved, not a
     * measurement of them, so it reads about 0.9 ({@link Confidence#DUPLICATE}), between the coin
     * toss (0, 0.5) and a known precision or vocabulary (1, 0.95).
     */
    static final double WRAPPED_COPY_EVIDENCE = 0.75;
    /** How deep below a lifted child {@link #reanchor} looks for a member nearer its new parent. */
    static final int REANCHOR_DEPTH = Integer.getInteger("mh.reanchorDepth", 2);
    /** How many members of a lifted subtree {@link #reanchor} compares with the new parent, nearest levels first. */
    static final int REANCHOR_MEMBERS = 32;
    /** Whether a resized vocabulary orients its edge ({@link #vocabularyGrowth}); off only to measure what it does. */
    static final boolean VOCABULARY_GROWS = Boolean.parseBoolean(System.getProperty("mh.vocabularyGrows", "true"));
    /** Whether a child moves below the model whose own changes it holds ({@link #attachByRows}); off only to measure it. */
    static final boolean ATTACH_BY_ROWS = Boolean.parseBoolean(System.getProperty("mh.attachByRows", "true"));
    /**
     * Whether what comes after a merge is placed by the tree's own distance (the spectral tail) rather
     * than the relative energy ({@link #special}); off only to measure it.
     */
    static final boolean DOWNSTREAM_BY_TAIL = Boolean.parseBoolean(System.getProperty("mh.downstreamByTail", "true"));
    /** Whether a lifted subtree is re-anchored ({@link #reanchor}); off only to measure what it does. */
    static final boolean REANCHOR = Boolean.parseBoolean(System.getProperty("mh.reanchor", "true"));
    /** Whether {@link #reanchor} passes over members the rows put off the path; off only to measure it. */
    static final boolean REANCHOR_BY_ROWS = Boolean.parseBoolean(System.getProperty("mh.reanchorByRows", "true"));
    /** Whether a child the rows put between its parent and grandparent takes its parent's place ({@link #middleIsChild}). */
    static final boolean SWAP_MIDDLE = Boolean.parseBoolean(System.getProperty("mh.swapMiddle", "true"));
    /** Whether a model holding a weight matrix two tree relatives lack is off their path ({@link #addedMatrix}). */
    static final boolean ADDED_MATRICES = Boolean.parseBoolean(System.getProperty("mh.addedMatrices", "true"));
    /** Whether the spanning tree loses its decay valleys before it is oriented ({@link #withoutDecayValleys}). */
    static final boolean DECAY_VALLEYS = Boolean.parseBoolean(System.getProperty("mh.decayValleys", "true"));
    /** Whether a grown vocabulary makes a valley too ({@link #withoutDecayValleys}). */
    static final boolean GROWTH_VALLEYS = Boolean.parseBoolean(System.getProperty("mh.growthValleys", "true"));
    /**
     * A root gives way to a neighbour with more neighbours than it has when the vote on their edge
     * is at most this (the mean vote over the matrices, in [0, 1]); negative: never, only to measure it.
     */
    static final double WEAK_ROOT_VOTE = Double.parseDouble(System.getProperty("mh.weakRootVote", "0.0625"));
    /**
     * The root gives way to the family's hub beside it (its neighbour with the most neighbours, at least
     * {@link #HUB_NEIGHBOURS}, more than the root has and as many as any model has; {@link #hub}) when the votes put it ahead of the hub by at most
     * this much (root scores: the sum of the votes, edges oriented away from the root: twice the
     * vote on their edge); negative: never.
     */
    static final double HUB_LEAD = Double.parseDouble(System.getProperty("mh.hubLead", "1.0"));
    /**
     * The fewest neighbours a hub has: a base with a few children, not a model with three (its
     * parent, its child and a same-text sibling chained below it, the commonest wrong edge).
     */
    static final int HUB_NEIGHBOURS = Integer.getInteger("mh.hubNeighbours", 4);
    /**
     * Where the deciding reading cannot read the edge between the root and a neighbour (a vote of
     * at most {@link #WEAK_ROOT_VOTE}), the other two signals decide it when both vote at least this
     * much the same way; negative: never.
     */
    static final double OTHERS_DECIDE_WEAK_EDGE = Double.parseDouble(System.getProperty("mh.othersDecideWeakEdge", "0.5"));
    /**
     * Where the spectral tail decides, the two other readings take the root back across
     * edges they both read firmly the other way (each vote at least {@link #OTHERS_DECIDE_WEAK_EDGE})
     * when each of them agrees with the deciding reading on at least this share of the remaining
     * edges both vote on: one edge misread by the deciding reading, not two readings that go astray
     * (negative: off, {@code -Dmh.othersNameTheRoot}).
     */
    static final double OTHERS_NAME_THE_ROOT = Double.parseDouble(System.getProperty("mh.othersNameTheRoot", "0.75"));
    /**
     * Whether {@link #OTHERS_NAME_THE_ROOT} also overrules the norm where the norm decides. Off: the
     * rule was derived from, and has only ever been right on, families the spectral tail oriented;
     * where the norm decides (the language models) the tail and kurtosis are the readings known to
     * fail most, and the one family where they overruled it lost its root ({@code
     * -Dmh.othersOverruleTheNorm=true} to measure it).
     */
    static final boolean OTHERS_OVERRULE_THE_NORM = Boolean.getBoolean("mh.othersOverruleTheNorm");
    /**
     * A tie between roots of the deciding reading goes to the two other readings' scores summed
     * before it goes to either alone: together they are more evidence than the second reading is
     * ({@code -Dmh.tiesToBothOthers=false}: the second reading, then kurtosis).
     */
    static final boolean TIES_TO_BOTH_OTHERS = Boolean.parseBoolean(System.getProperty("mh.tiesToBothOthers", "true"));
    /**
     * A tie between roots that the deciding reading and the second reading both leave goes to the
     * kurtosis votes before MoTHer's prior ({@code -Dmh.kurtosisBreaksTies=false} to switch it off).
     */
    static final boolean KURTOSIS_BREAKS_TIES = Boolean.parseBoolean(System.getProperty("mh.kurtosisBreaksTies", "true"));
    /** The weak root vote is judged again on the tree the structural repairs left. */
    static final boolean WEAK_ROOT_AFTER_REPAIRS = Boolean.parseBoolean(System.getProperty("mh.weakRootAfterRepairs", "true"));
    /** Kurtosis replaces the other signals only when it agrees better by more than this much vote mass. */
    static final double KURTOSIS_MARGIN = 0.0;
    /**
     * Roots that a reading scores alike go to the one with more neighbours in the spanning tree: a
     * leaf whose edge every signal reads backwards (a fine-tune on noisier inputs) ties with the base
     * two edges up, and a base is what its family was made from.
     */
    static final boolean ROOT_TIES_TO_HUBS = Boolean.parseBoolean(System.getProperty("mh.rootTiesToHubs", "true"));
    /** Kurtosis that ties the deciding reading decides when its root has more neighbours than that reading's. */
    static final boolean READING_TIES_TO_HUBS = Boolean.parseBoolean(System.getProperty("mh.readingTiesToHubs", "true"));
    /**
     * Where one model of a tree edge holds a weight matrix the other lacks (a head untied from the
     * embedding), it is the child, under whichever signal orients the family ({@link #matrixGrowth}).
     */
    static final boolean ADDED_MATRIX_FACTS = Boolean.parseBoolean(System.getProperty("mh.addedMatrixFacts", "true"));
    /**
     * Whether the untouched rows', a grown vocabulary's and an added matrix's readings decide their edges when kurtosis
     * orients the family too (they do not enter the judgement of whether it does); off only to measure it.
     */
    static final boolean KURTOSIS_FACTS = Boolean.parseBoolean(System.getProperty("mh.kurtosisFacts", "true"));
    /** Another signal's reading replaces the norm's only when it agrees better by more than this much vote mass. */
    static final double SIGNAL_MARGIN = 1.0;
    private static final double EPS = 1e-12;

    /** Pair metrics by pair of ids (a < b), so the caller can cache them. */
    interface PairSource {
        PairMetrics metrics(String a, String b);

        /** The pair's {@link PairMetrics#dot} (a < b): a caller may compute it without the rest. */
        default double dot(String a, String b) {
            return metrics(a, b).dot();
        }
    }

    /** Direction evidence for parent -> child, so the caller can cache it. */
    interface EvidenceSource {
        double evidence(String parent, String child, DirectionSignal signal);
    }

    private final MotherRecipe recipe;
    private final Function<String, ModelSignature> signatures;
    private final PairSource pairs;
    private final EvidenceSource evidence;
    /** Each model's inner product with itself, for the merge fit: the caller's cache, or this builder's. */
    private final Map<String, Double> selfDots;

    /** A model's candidate relatives ({@link org.modelheritage.family.CandidateIndex}); null: every pair of the family is a candidate. */
    private final Function<String, java.util.Set<String>> candidates;

    FamilyTreeBuilder(MotherRecipe recipe, Function<String, ModelSignature> signatures, PairSource pairs,
            EvidenceSource evidence) {
        this(recipe, signatures, pairs, evidence, null);
    }

    /**
     * A builder that compares only candidate pairs (plus a tree's grandparent pairs), for families
     * too large for all pairs: see {@link org.modelheritage.family.CandidateIndex} for why the tree survives.
     */
    FamilyTreeBuilder(MotherRecipe recipe, Function<String, ModelSignature> signatures, PairSource pairs,
            EvidenceSource evidence, Function<String, java.util.Set<String>> candidates) {
        this(recipe, signatures, pairs, evidence, candidates, new HashMap<>());
    }

    /** With a cache of each model's inner product with itself that outlives the builder (thread-safe if shared). */
    FamilyTreeBuilder(MotherRecipe recipe, Function<String, ModelSignature> signatures, PairSource pairs,
            EvidenceSource evidence, Function<String, java.util.Set<String>> candidates, Map<String, Double> selfDots) {
        this.recipe = recipe;
        this.signatures = signatures;
        this.pairs = pairs;
        this.evidence = evidence;
        this.candidates = candidates;
        this.selfDots = selfDots;
    }

    /**
     * For a representative of duplicates that hold the same weights in the same dtype (see
     * {@link #collapseDuplicates}): how many such copies it has whose tensor names do not tell
     * them apart. Which of them is the original is a coin toss, and so is which of them the
     * family's edges to and from the group belong to.
     */
    private final Map<String, Integer> coinTossCopies = new HashMap<>();
    /**
     * For such a representative: the chance that it, not one of its copies in names a tool wrapped,
     * is the original (the product of those duplicate edges' confidences).
     */
    private final Map<String, Double> unwrappedChance = new HashMap<>();
    /** The copies both count (the children of those duplicate edges). */
    private final java.util.Set<String> sameWeightCopies = new java.util.HashSet<>();

    /** {@link RowStates#count} of the chains {@link #offPath} read in this build, by ancestor, parent and child. */
    private final Map<String, RowStates.Count> rowStates = new HashMap<>();
    /** {@link RowStates#shares} of the pairs read so far, by their ids in order. */
    private final Map<String, Boolean> rowShares = new HashMap<>();

    /** Membership sets of the lists {@link #comparable} was asked about (the lists are not modified meanwhile). */
    private final Map<List<String>, java.util.Set<String>> memberSets = new java.util.IdentityHashMap<>();

    /**
     * The members of {@code among} (a list in id order) to compare {@code x} with, in id order:
     * all of them, or in a sparse build those among its candidates.
     */
    private List<String> comparable(String x, List<String> among) {
        if (candidates == null) {
            return among;
        }
        java.util.Set<String> in = memberSets.computeIfAbsent(among, java.util.HashSet::new);
        List<String> out = new ArrayList<>();
        for (String o : candidates.apply(x)) {
            if (in.contains(o)) {
                out.add(o);
            }
        }
        return out;
    }

    /** Positions of the lists {@link #later} was asked about. */
    private final Map<List<String>, Map<String, Integer>> positions = new java.util.IdentityHashMap<>();

    /** The positions j > i of {@code list} (in id order) to compare its i-th member with: all, or its candidates. */
    private int[] later(List<String> list, int i) {
        if (candidates == null) {
            int[] out = new int[Math.max(0, list.size() - i - 1)];
            for (int j = 0; j < out.length; j++) {
                out[j] = i + 1 + j;
            }
            return out;
        }
        Map<String, Integer> at = positions.computeIfAbsent(list, l -> {
            Map<String, Integer> m = new HashMap<>();
            for (int k = 0; k < l.size(); k++) {
                m.put(l.get(k), k);
            }
            return m;
        });
        return comparable(list.get(i), list).stream().mapToInt(at::get).filter(j -> j > i).toArray();
    }

    private PairMetrics pm(String a, String b) {
        return a.compareTo(b) < 0 ? pairs.metrics(a, b) : pairs.metrics(b, a);
    }

    /** A tree, and for the default recipe the state {@link #grow} needs to add the next member. */
    record Result(LineageTree tree, SpanningState state) {
    }

    /** The family's tree from scratch (quadratic in its size: every pair is looked at). */
    Result build(ModelCluster family) {
        List<String> members = family.members();
        List<LineageEdge> duplicates = new ArrayList<>();
        // 1. duplicates collapse onto their finest-precision copy (not in the paper's recipe)
        List<String> reps = members;
        if (recipe.distance() == MotherRecipe.DistanceMeasure.SPECTRAL) {
            reps = collapseDuplicates(members, duplicates);
        }
        int n = reps.size();
        List<String> vertices = reps;
        NearestNeighbours nearest = NearestNeighbours.of(reps, this::pm, x -> comparable(x, vertices));
        boolean lowRank = nearest.lowRank();
        if (recipe.method() == MotherRecipe.TreeMethod.SPANNING_TREE) {
            Special special = special(reps, lowRank);
            List<String> backbone = special.backbone();
            int b = backbone.size();
            DistanceTable table = candidates == null ? denseTable(backbone, lowRank) : sparseTable(backbone, lowRank);
            SpanningState state = new SpanningState(duplicates, lowRank, nearest, table);
            for (String r : backbone) {
                state.ids.add(r);
                state.kurtosis.add(kurtosisSum(signatures.apply(r), false));
            }
            int[] rank = rankById(state.ids);
            int pairsBefore = candidates == null ? 0 : table.pairCount();
            state.tree = candidates == null ? SpanningTrees.prim(table, b, rank) : sparseTree(backbone, table, rank, lowRank);
            // a sparse tree that had to join pieces by pairs outside the candidates is not grown
            boolean joined = candidates != null && table.pairCount() != pairsBefore;
            if (candidates != null) {
                state.rank = rank;
                state.byId.addAll(backbone); // in id order
                state.treeDistance = new double[state.tree.size()];
                for (int k = 0; k < state.tree.size(); k++) {
                    state.treeDistance[k] = table.get(state.tree.a()[k], state.tree.b()[k]);
                }
                for (int v = 0; v < b; v++) {
                    state.vertexOf.put(backbone.get(v), v);
                }
            }
            LineageTree tree = finish(family, orient(state, rank), duplicates, special, lowRank);
            boolean growable = recipe.distance() == MotherRecipe.DistanceMeasure.SPECTRAL && duplicates.isEmpty()
                    && special.isEmpty() && b == n && !joined;
            return new Result(tree, growable ? state : null);
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
                    edges.add(new LineageEdge(reps.get(o.parent[v]), reps.get(v), clamp(o.confidence[v]),
                            EdgeKind.FINE_TUNE));
                }
            }
        }
        edges.sort(Comparator.comparing(LineageEdge::childId));
        roots.sort(Comparator.naturalOrder());
        return new Result(new LineageTree(members, roots, edges, lowRank, mode), null);
    }

    /** Every pair's distance; the spanning tree is built on the symmetric distance (the paper's may not be). */
    private DistanceTable denseTable(List<String> backbone, boolean lowRank) {
        int b = backbone.size();
        double[][] d = distances(backbone, lowRank);
        DistanceTable table = new DistanceTable();
        for (int i = 0; i < b; i++) {
            double[] row = new double[i];
            for (int j = 0; j < i; j++) {
                row[j] = 0.5 * (d[i][j] + d[j][i]);
            }
            table.add(row);
        }
        return table;
    }

    /** The candidate pairs' distances (ours is symmetric). */
    private DistanceTable sparseTable(List<String> backbone, boolean lowRank) {
        DistanceTable table = DistanceTable.sparse(backbone.size());
        for (int i = 0; i < backbone.size(); i++) {
            for (int j : later(backbone, i)) {
                table.put(i, j, pm(backbone.get(i), backbone.get(j)).distance(lowRank));
            }
        }
        return table;
    }

    /**
     * The minimum spanning tree of the candidate graph. Should setting models aside (quantised
     * copies, merges) leave it in pieces, each further piece is joined by the shortest pair from
     * its first member to the rest (computed for the occasion).
     */
    private SpanningTrees.Edges sparseTree(List<String> backbone, DistanceTable table, int[] rank, boolean lowRank) {
        while (true) {
            SpanningTrees.Edges forest = SpanningTrees.kruskal(table, rank);
            int n = backbone.size();
            if (forest.size() >= n - 1) {
                return forest;
            }
            int[] uf = new int[n];
            for (int v = 0; v < n; v++) {
                uf[v] = v;
            }
            for (int k = 0; k < forest.size(); k++) {
                uf[find(uf, forest.a()[k])] = find(uf, forest.b()[k]);
            }
            int first = -1;
            for (int v = 1; v < n && first < 0; v++) {
                if (find(uf, v) != find(uf, 0)) {
                    first = v;
                }
            }
            int best = -1;
            double bestD = Double.POSITIVE_INFINITY;
            for (int v = 0; v < n; v++) {
                if (find(uf, v) != find(uf, first)) {
                    double d = pm(backbone.get(first), backbone.get(v)).distance(lowRank);
                    if (best < 0 || d < bestD) {
                        best = v;
                        bestD = d;
                    }
                }
            }
            table.put(Math.min(first, best), Math.max(first, best), bestD);
        }
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
    Result grow(ModelCluster family, SpanningState previous, String added) {
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
        if (nearest.lowRank() != previous.lowRank || signatures.apply(added).quantized()) {
            return null;
        }
        List<String> all = new ArrayList<>(previous.ids);
        all.add(added);
        if (!special(all, previous.lowRank).isEmpty()) {
            return null; // a merge appeared: only a full build places it
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
        return new Result(finish(family, orient(s, rank), List.of(), Special.NONE, s.lowRank), s);
    }

    /**
     * The tree of {@code family}, which is the family {@code previous} was built for (over candidate
     * pairs) plus the model {@code added}, without rebuilding it; the result equals {@link #build}'s.
     * Only what the new model can change is looked at again: its candidate pairs (computed by the
     * caller), the nearest neighbours and the merge check of the models whose candidates changed
     * (the new model's, and the ends of {@code lost}, the candidate pairs of the family the new
     * model pushed out of the candidate graph), and the spanning tree, which loses the lost pairs
     * it held (the pieces joined again over the pairs left) and gains the new vertex by one merge
     * of its edges with the tree's (cycle property). Orienting the tree is a pass over the tree's
     * arrays, with every edge's direction evidence kept from earlier passes; scoring its edges reads
     * pair values only for children whose parent or grandparent changed ({@link #finishGrown}).
     *
     * @return null when the model changes what the family is built on (it duplicates or quantises a
     *     member, is or makes a merge, tips the family into or out of the low-rank regime, or the
     *     candidate graph falls apart): then only {@link #build} will do, and {@code previous} is
     *     not to be used again
     */
    Result growSparse(ModelCluster family, SpanningState previous, String added, List<String[]> lost) {
        SpanningState s = previous;
        Map<String, Integer> at = s.vertexOf;
        ModelSignature signature = signatures.apply(added);
        if (signature.quantized() || at.containsKey(added)) {
            return null;
        }
        List<String> mine = new ArrayList<>();
        for (String c : candidates.apply(added)) {
            if (at.containsKey(c)) {
                mine.add(c);
            }
        }
        if (mine.isEmpty()) {
            return null;
        }
        for (String c : mine) {
            if (pm(c, added).duplicate()) {
                return null;
            }
        }
        int v = s.ids.size();
        // whose candidates in the family changed: the new model's (all new), the ends of the lost
        // pairs (they lost some: looked at whole), and the new model's candidates, which only
        // gained it (compared with it alone: a hub's root has a third of the family as candidates)
        java.util.Set<String> recompute = new java.util.TreeSet<>();
        recompute.add(added);
        List<int[]> gone = new ArrayList<>();
        for (String[] p : lost) {
            Integer x = at.get(p[0]);
            Integer w = at.get(p[1]);
            if (x != null && w != null && s.table.contains(x, w)) {
                gone.add(new int[] {x, w});
                recompute.add(p[0]);
                recompute.add(p[1]);
            }
        }
        List<String> gainedOnly = new ArrayList<>();
        for (String c : mine) {
            if (!recompute.contains(c)) {
                gainedOnly.add(c);
            }
        }
        // what comparable(x, family members) gives in a build
        Function<String, List<String>> among = x -> {
            List<String> out = new ArrayList<>();
            for (String o : candidates.apply(x)) {
                if (o.equals(added) || at.containsKey(o)) {
                    out.add(o);
                }
            }
            return out;
        };
        List<String> ids = new ArrayList<>(s.ids);
        ids.add(added);
        List<Integer> recomputed = new ArrayList<>();
        for (String x : recompute) {
            recomputed.add(x.equals(added) ? v : at.get(x));
        }
        int[] gained = new int[gainedOnly.size()];
        PairMetrics[] toAdded = new PairMetrics[gained.length];
        for (int k = 0; k < gained.length; k++) {
            gained[k] = at.get(gainedOnly.get(k));
            toAdded[k] = pm(gainedOnly.get(k), added);
        }
        NearestNeighbours nearest = s.nearest.withAdded(ids, recomputed, gained, toAdded, this::pm, among);
        if (nearest.lowRank() != s.lowRank) {
            return null;
        }
        Map<String, MergeDetector.Reach> reaches = new HashMap<>();
        if (family.size() >= 3) {
            MergeDetector.Dots dots = mergeDots();
            MergeDetector.Reach[] reach = new MergeDetector.Reach[1];
            for (String m : gainedOnly) {
                // its candidate parents are the same unless the new model is nearer than the last
                if (s.mergeReach.containsKey(m)) {
                    MergeDetector.Reach r = s.mergeReach.get(m);
                    if (r != null && !r.admits(MergeDetector.distance(m, added, dots), added)) {
                        continue;
                    }
                }
                if (MergeDetector.at(m, among.apply(m), dots, reach) != null) {
                    return null; // a merge: only a full build places it
                }
                reaches.put(m, reach[0]);
            }
            for (String m : recompute) {
                if (MergeDetector.at(m, among.apply(m), dots, reach) != null) {
                    return null;
                }
                reaches.put(m, reach[0]);
            }
        }

        // the candidate graph: the lost pairs leave, the new model's pairs come in
        for (int[] g : gone) {
            s.table.remove(g[0], g[1]);
        }
        SpanningTrees.Weighted tree = new SpanningTrees.Weighted(s.tree, s.treeDistance);
        if (!gone.isEmpty()) {
            java.util.Set<Long> cut = new java.util.HashSet<>();
            gone.forEach(g -> cut.add(((long) Math.min(g[0], g[1]) << 32) | Math.max(g[0], g[1])));
            SpanningTrees.Edges t = s.tree;
            int[] ka = new int[t.size()];
            int[] kb = new int[t.size()];
            double[] kd = new double[t.size()];
            int kept = 0;
            for (int k = 0; k < t.size(); k++) {
                if (!cut.contains(((long) Math.min(t.a()[k], t.b()[k]) << 32) | Math.max(t.a()[k], t.b()[k]))) {
                    ka[kept] = t.a()[k];
                    kb[kept] = t.b()[k];
                    kd[kept++] = s.treeDistance[k];
                }
            }
            if (kept < t.size()) {
                tree = SpanningTrees.reconnect(new SpanningTrees.Weighted(new SpanningTrees.Edges(
                        Arrays.copyOf(ka, kept), Arrays.copyOf(kb, kept)), Arrays.copyOf(kd, kept)), s.table, v, s.rank);
                if (tree.edges().size() != v - 1) {
                    return null; // the family's candidate graph fell apart: a build joins the pieces
                }
            }
        }
        int vertex = s.table.addVertex();
        if (vertex != v) {
            throw new IllegalStateException("vertex " + vertex + " for the " + (v + 1) + "-th model");
        }
        s.nearest = nearest;
        s.mergeReach.putAll(reaches);
        s.ids.add(added);
        s.vertexOf.put(added, v);
        s.kurtosis.add(kurtosisSum(signature, false));
        int place = -java.util.Collections.binarySearch(s.byId, added) - 1;
        s.byId.add(place, added);
        int[] rank = Arrays.copyOf(s.rank, v + 1);
        for (int u = 0; u < v; u++) {
            if (rank[u] >= place) {
                rank[u]++;
            }
        }
        rank[v] = place;
        s.rank = rank;
        int[] nb = new int[mine.size()];
        double[] nd = new double[mine.size()];
        for (int i = 0; i < nb.length; i++) {
            nb[i] = at.get(mine.get(i));
            nd[i] = pm(mine.get(i), added).distance(s.lowRank);
            s.table.put(nb[i], v, nd[i]);
        }
        tree = SpanningTrees.withVertex(tree, v, nb, nd, rank);
        s.tree = tree.edges();
        s.treeDistance = tree.distance();
        if (s.edgeValues.size() > 2 * s.tree.size() + 64) {
            // values of edges the tree no longer has
            java.util.Set<Long> current = new java.util.HashSet<>();
            for (int k = 0; k < s.tree.size(); k++) {
                int a = s.tree.a()[k];
                int b = s.tree.b()[k];
                current.add(rank[a] < rank[b] ? SpanningState.edgeKey(a, b) : SpanningState.edgeKey(b, a));
            }
            s.edgeValues.keySet().retainAll(current);
        }
        return new Result(finishGrown(family, orient(s, rank), s), s);
    }

    /**
     * What {@link #finish} makes of a grown sparse backbone (no duplicates, quantised copies or
     * merges), over vertex numbers instead of id maps: the sibling check, each edge's kind and
     * continuation are functions of the two or three vertices they read, kept per child in the
     * state and computed again only for the children whose parent or grandparent changed. The
     * children are walked in id order, as {@link #finish} sorts them, so the edges, their order
     * and every confidence are the same.
     */
    private LineageTree finishGrown(ModelCluster family, Backbone b, SpanningState s) {
        List<String> ids = b.ids();
        int n = ids.size();
        s.ensureEdgeCaches(n);
        int[] byId = new int[n];
        for (int v = 0; v < n; v++) {
            byId[s.rank[v]] = v;
        }
        int[] parent = b.parent().clone();
        double[] margin = b.margin().clone();
        double[] agreement = b.agreement().clone();
        if (!s.lowRank && recipe.distance() == MotherRecipe.DistanceMeasure.SPECTRAL) {
            // liftSiblings: the same rounds, the children in id order, parents moved in place
            for (int round = 0; round < 3; round++) {
                boolean changed = false;
                for (int k = 0; k < n; k++) {
                    int c = byId[k];
                    int p = parent[c];
                    if (p < 0 || parent[p] < 0) {
                        continue;
                    }
                    int g = parent[p];
                    if (s.liftGrandparent[c] != g || s.liftParent[c] != p) {
                        double gp = pm(ids.get(g), ids.get(p)).distance(false);
                        double shortfall = gp + pm(ids.get(p), ids.get(c)).distance(false)
                                - pm(ids.get(g), ids.get(c)).distance(false);
                        s.lift[c] = gp > 0 && shortfall > SIBLING_SHORTFALL * gp;
                        s.liftGrandparent[c] = g;
                        s.liftParent[c] = p;
                    }
                    List<String> up = ancestry(p, v -> parent[v] < 0 ? null : parent[v], ids::get);
                    String child = ids.get(c);
                    if (offPath(up, child, s.rowStates) || s.lift[c] && !heldByRows(up, child, s.rowStates)) {
                        parent[c] = g;
                        List<Integer> path = reanchor(g, c, v -> childrenOf(parent, byId, v),
                                (x, y) -> pm(ids.get(x), ids.get(y)).distance(false),
                                v -> offPath(List.of(ids.get(v), ids.get(g)), child, s.rowStates));
                        if (!path.isEmpty()) {
                            double[] m = new double[path.size()];
                            double[] a = new double[path.size()];
                            for (int i = 0; i < path.size(); i++) {
                                m[i] = margin[path.get(i)];
                                a[i] = agreement[path.get(i)];
                            }
                            for (int i = 0; i + 1 < path.size(); i++) {
                                parent[path.get(i + 1)] = path.get(i);
                                margin[path.get(i + 1)] = m[i];
                                agreement[path.get(i + 1)] = -a[i];
                            }
                            parent[path.get(0)] = g;
                            margin[path.get(0)] = m[path.size() - 1];
                            agreement[path.get(0)] = a[path.size() - 1];
                        }
                        changed = true;
                    } else if (middleIsChild(ids.get(g), ids.get(p), child, s.rowStates)) {
                        parent[c] = g;
                        parent[p] = c;
                        double m = margin[c];
                        double a = agreement[c];
                        margin[c] = margin[p];
                        agreement[c] = agreement[p];
                        margin[p] = m;
                        agreement[p] = -a;
                        changed = true;
                    }
                }
                if (!changed) {
                    break;
                }
            }
            List<Integer> order = new ArrayList<>(n);
            for (int v : byId) {
                order.add(v);
            }
            java.util.function.BiPredicate<Integer, Integer> sharesRow = (x, y) -> s.rowShares.computeIfAbsent(
                    SpanningState.edgeKey(Math.min(x, y), Math.max(x, y)),
                    k -> RowStates.shares(signatures.apply(ids.get(x)), signatures.apply(ids.get(y))));
            // a child stays where the rows hold it, and (over candidate pairs) where it shares no row
            // with any of its candidates: both are kept per child until what they read changes
            attachByRows(order, v -> parent[v] < 0 ? null : parent[v], (c, x) -> parent[c] = x, ids::get, c -> {
                int p = parent[c];
                int g = parent[p];
                if (s.attachGrandparent[c] != g || s.attachParent[c] != p) {
                    s.attachHeld[c] = g >= 0 && heldByRows(List.of(ids.get(p), ids.get(g)), ids.get(c), s.rowStates);
                    s.attachGrandparent[c] = g;
                    s.attachParent[c] = p;
                }
                if (s.attachHeld[c] || !s.table.isSparse()) {
                    return s.attachHeld[c];
                }
                if (s.attachChanges[c] != s.table.changes(c)) {
                    boolean any = false;
                    for (int x : s.table.neighbours(c)) {
                        if (sharesRow.test(x, c)) {
                            any = true;
                            break;
                        }
                    }
                    s.attachShares[c] = any;
                    s.attachChanges[c] = s.table.changes(c);
                }
                return !s.attachShares[c];
            }, c -> {
                int[] near = s.table.neighbours(c);
                if (near == null) {
                    return order;
                }
                List<Integer> out = new ArrayList<>(near.length);
                for (int v : near) {
                    out.add(v);
                }
                return out;
            }, Comparator.comparingInt(v -> s.rank[v]), (x, y) -> !s.table.isSparse() || s.table.contains(x, y), sharesRow,
                    (x, y) -> pm(ids.get(x), ids.get(y)).distance(false), s.rowStates);
            if (WEAK_ROOT_AFTER_REPAIRS) {
                RootYield<Integer> y = weakRootYield(b, order, v -> v, v -> parent[v] < 0 ? null : parent[v]);
                if (y != null) {
                    parent[y.to()] = -1;
                    parent[y.root()] = y.to();
                    margin[y.root()] = margin[y.to()];
                    agreement[y.root()] = -agreement[y.to()];
                }
            }
        }
        List<LineageEdge> edges = new ArrayList<>(n);
        List<String> roots = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int c = byId[k];
            int p = parent[c];
            if (p < 0) {
                roots.add(ids.get(c));
                continue;
            }
            String pid = ids.get(p);
            String cid = ids.get(c);
            if (s.kindParent[c] != p) {
                PairMetrics pair = pm(pid, cid);
                s.kind[c] = resized(pid, cid) ? EdgeKind.RESIZE
                        : pair.rankRatio() < LOW_RANK_RATIO && !pair.duplicate() ? EdgeKind.ADAPTER
                        : EdgeKind.FINE_TUNE;
                s.kindParent[c] = p;
            }
            EdgeKind kind = s.kind[c];
            int g = parent[p];
            double continuation = 0.0;
            boolean held = false;
            if (g >= 0) {
                if (s.continuationGrandparent[c] != g || s.continuationParent[c] != p) {
                    s.continuation[c] = Math.max(0.0, continuation(ids.get(g), pid, cid));
                    s.continuationGrandparent[c] = g;
                    s.continuationParent[c] = p;
                }
                continuation = s.continuation[c];
                // what attachByRows read for this child, when its parent and grandparent are still those
                held = s.attachGrandparent[c] == g && s.attachParent[c] == p ? s.attachHeld[c]
                        : heldByRows(List.of(pid, ids.get(g)), cid, s.rowStates);
            }
            double confidence = Confidence.of(pid, cid, kind, margin[c], agreement[c], b.consensus(),
                    b.tailDecided(), continuation, held);
            LineageEdge e = s.edge[c];
            if (e == null || e.parentId() != pid || e.kind() != kind
                    || Double.doubleToLongBits(e.confidence()) != Double.doubleToLongBits(confidence)) {
                e = new LineageEdge(pid, cid, confidence, kind);
                s.edge[c] = e;
            }
            edges.add(e);
        }
        return new LineageTree(family.members(), roots, edges, s.lowRank, b.mode());
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
            for (int j : later(members, i)) {
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
            // the finest precision is the original, then the smaller vocabulary (a resize grows
            // it), then the smaller id: the weights cannot tell more. Copies holding the very same
            // values wherever they meet differ in storage only (an F32 file of BF16 values was
            // cast up from them), so precision says nothing between them
            // (a quantised copy is never the original: an int8 copy of a BF16 model can sit inside
            // the BF16 rounding band, and it may be stored in a finer dtype)
            // Between copies that tell nothing apart, the one whose tensor names a tool wrapped
            // (DataParallel's module., torch.compile's _orig_mod., PEFT's base_model.model.) was saved
            // from inside that tool: a copy of the one it wrapped
            int rep = g.get(0);
            for (int k : g) {
                ModelSignature sk = signatures.apply(members.get(k));
                ModelSignature sr = signatures.apply(members.get(rep));
                boolean sameValues = k != rep && sameValues(pm(members.get(k), members.get(rep)), sk, sr);
                boolean alike = sameValues || sk.unitRoundoff() == sr.unitRoundoff();
                boolean finer = !sameValues && sk.unitRoundoff() < sr.unitRoundoff()
                        || (alike && sk.parameterCount() < sr.parameterCount())
                        || (alike && sk.parameterCount() == sr.parameterCount() && sk.toolWrappers() < sr.toolWrappers());
                if (sk.quantized() != sr.quantized() ? sr.quantized() : finer) {
                    rep = k;
                }
            }
            reps.add(members.get(rep));
            for (int k : g) {
                if (k != rep) {
                    String a = members.get(rep);
                    String b = members.get(k);
                    ModelSignature sa = signatures.apply(a);
                    ModelSignature sb = signatures.apply(b);
                    PairMetrics p = pm(a, b);
                    boolean resize = resized(a, b);
                    double band = PairMetrics.DUPLICATE_NOISE_FACTOR * (sa.unitRoundoff() + sb.unitRoundoff());
                    double inside = band > 0 ? clamp(1.0 - p.maxRelativeRms() / band) : 1.0;
                    EdgeKind kind = resize ? EdgeKind.RESIZE
                            : sb.quantized() && !sa.quantized() ? EdgeKind.QUANTIZED : EdgeKind.DUPLICATE;
                    // a duplicate's direction is known when the copies differ in precision (or
                    // vocabulary), read from the names when only a tool's wrappers tell them apart,
                    // and a coin toss when nothing does
                    boolean known = !sameValues(p, sa, sb) && sa.unitRoundoff() != sb.unitRoundoff()
                            || sa.parameterCount() != sb.parameterCount();
                    boolean wrapped = sa.toolWrappers() < sb.toolWrappers();
                    double evidence = kind != EdgeKind.DUPLICATE ? inside
                            : known ? 1.0 : wrapped ? WRAPPED_COPY_EVIDENCE : 0.0;
                    double confidence = Confidence.of(a, b, kind, evidence, 1.0);
                    edges.add(new LineageEdge(a, b, confidence, kind));
                    if (kind == EdgeKind.DUPLICATE && !known) {
                        if (wrapped) {
                            unwrappedChance.merge(a, confidence, (x, y) -> x * y);
                        } else {
                            coinTossCopies.merge(a, 1, Integer::sum);
                        }
                        sameWeightCopies.add(b);
                    }
                }
            }
        }
        reps.sort(Comparator.naturalOrder());
        return reps;
    }

    /**
     * Whether two copies hold the same values wherever they meet, so that their dtypes say nothing
     * of which came first: they differ by less than {@link #SAME_VALUES_SHARE} of the finer dtype's
     * unit roundoff. A copy rounded from a finer original differs from it by about the coarser
     * dtype's roundoff; a cast into a dtype that holds every value (BF16 or F16 into F32) differs by
     * nothing, and BF16 values cast into F16 only where F16 holds fewer digits (below 2^-17, about
     * 1e-8 of a weight matrix's rms): F16's three further mantissa bits are then zeros, not digits.
     */
    private static boolean sameValues(PairMetrics p, ModelSignature a, ModelSignature b) {
        return p.maxRelativeRms() <= SAME_VALUES_SHARE * Math.min(a.unitRoundoff(), b.unitRoundoff());
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
        if (recipe.distance() == MotherRecipe.DistanceMeasure.PAPER) {
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
            k[i] = kurtosisSum(signatures.apply(reps.get(i)), lowRank && recipe.distance() == MotherRecipe.DistanceMeasure.PAPER);
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
     * The oriented backbone: per vertex of the spanning state its parent (-1 for the root), how
     * clearly that parent beats the next-best one outside the vertex's subtree (0 for a tie, 1 when
     * there is no other), how much the direction evidence on the edge agrees with its direction
     * (in [-1, 1]), and how firmly the two readings that did not decide agree with it
     * ({@link #othersAgree}).
     */
    private record Backbone(List<String> ids, int[] parent, double[] margin, double[] agreement,
            double[] othersAgreement, double[] distance, DirectionMode mode, double consensus, boolean tailDecided) {
    }

    /**
     * Ours: the minimum spanning tree of the symmetric distance, oriented by the direction
     * evidence. Every order-dependent step (the rerooting sums, ties between roots) walks the
     * vertices in model-id order, so the result does not depend on vertex numbering.
     */
    private Backbone orient(SpanningState s, int[] rank) {
        int n = s.ids.size();
        List<String> ids = s.ids;
        int[] parentOf = new int[n];
        double[] margin = new double[n];
        double[] agreement = new double[n];
        double[] othersAgreement = new double[n];
        double[] distance = new double[n];
        java.util.Arrays.fill(parentOf, -1);
        DirectionMode fixed = recipe.mode() == DirectionMode.GENERALISATION ? DirectionMode.GENERALISATION
                : DirectionMode.FINE_TUNING;
        if (n == 1) {
            return new Backbone(ids, parentOf, margin, agreement, othersAgreement, distance, fixed, 1.0, false);
        }
        int[] byId = new int[n];
        for (int v = 0; v < n; v++) {
            byId[rank[v]] = v;
        }
        SpanningTrees.Edges tree = s.tree;
        double[] treeDistance = s.treeDistance;
        if (recipe.signal() == DirectionSignal.ADAPTIVE && ROW_STATES && DECAY_VALLEYS && !s.lowRank) {
            RepairedTree repaired = withoutDecayValleys(s, rank, byId);
            tree = repaired.edges();
            treeDistance = repaired.distance();
        }
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
        double[][] kept = keptValues(s, lo, hi);
        if (recipe.signal() == DirectionSignal.ADAPTIVE) {
            // ties between roots go to the continuous norm growth, not to ids: votes are averages of
            // signs and tie often
            prior = edgeValues(kept, NORM_GROWTH_SLOT, lo, false, k -> normGrowth(ids.get(lo[k]), ids.get(hi[k])));
        }
        double[] pri = rootScores(prior, 1, lo, r0, byId, n);
        int[] degree = null;
        if (ROOT_TIES_TO_HUBS) {
            degree = new int[n];
            for (int v = 0; v < n; v++) {
                degree[v] = nbr[v].length;
            }
        }
        Reading best;
        double[][] otherReadings = null; // the two readings that did not decide, each vote read parent-first as lo -> hi
        boolean tailDecided = recipe.signal() == DirectionSignal.SPECTRAL_TAIL;
        boolean kurtosisDecided = false;
        if (recipe.signal() != DirectionSignal.ADAPTIVE) {
            best = read(votes(kept, recipe.signal(), ids, lo, hi), pri, null, null, lo, r0, byId, n, signs());
        } else {
            // Each signal is read both ways; the one that orients the tree most consistently decides
            // (in a branching tree only the right root and reading make a signal agree on every
            // edge), against the norm read forward -- it grows from parent to child under every
            // optimiser and weight decay of the language-model forests, and decides ties, chains
            // (which read both ways equally) included. Another reading must beat it by more than
            // a vote; the spectral tail read the weight-decay way (the child shed tail energy,
            // the reading it was derived for) only needs to come within a vote of it.
            // The norm decides by default: it grows from parent to child under every optimiser
            // and weight decay of the language-model forests. The spectral tail turns with weight
            // decay, so it is read the way it agrees with the norm on this tree's edges (a product
            // of two antisymmetric votes does not depend on the orientation) and decides when it
            // agrees better by more than a vote -- or by any margin within a vote when it reads the
            // weight-decay way (the child shed tail energy, the reading it was derived for).
            // Kurtosis, read either way, decides where it agrees better than both: Adam
            // fine-tunes of small MLPs, where neither the norm nor the tail holds.
            double[] norm = votes(kept, DirectionSignal.NORM, ids, lo, hi);
            double[] tail = votes(kept, DirectionSignal.SPECTRAL_TAIL, ids, lo, hi);
            double product = 0;
            for (int k = 0; k < m; k++) {
                product += norm[k] * tail[k];
            }
            double reading = product < 0 ? -1 : 1;
            for (int k = 0; k < m; k++) {
                tail[k] *= reading;
            }
            // where weight decay left its footprint on untouched rows, it decides the edge under either reading
            double[] decay = votes(kept, DirectionSignal.ROW_DECAY, ids, lo, hi);
            double[] facts = new double[m];
            for (int k = 0; k < m; k++) {
                if (decay[k] != 0) {
                    norm[k] = decay[k];
                    tail[k] = decay[k];
                    facts[k] = decay[k];
                }
            }
            // a vocabulary grows from parent to child (a pad token, padding to a multiple of 8 or 64):
            // where an edge's two models differ in a tensor's shape, the larger one is the child; and
            // a model holding a weight matrix its tree neighbour lacks gained it (a head untied from
            // the embedding): derivatives keep their parent's matrices
            for (int k = 0; k < m; k++) {
                String a = ids.get(lo[k]);
                String b = ids.get(hi[k]);
                double grown = VOCABULARY_GROWS ? vocabularyGrowth(a, b) : 0;
                double fact = grown != 0 || !ADDED_MATRIX_FACTS ? grown : matrixGrowth(a, b);
                if (fact != 0) {
                    norm[k] = fact;
                    tail[k] = fact;
                    facts[k] = fact;
                }
            }
            Reading byNorm = read(norm, pri, null, degree, lo, r0, byId, n, forward(1));
            Reading byTail = read(tail, pri, null, degree, lo, r0, byId, n, forward(1));
            double needed = reading > 0 && !s.lowRank ? -SIGNAL_MARGIN : SIGNAL_MARGIN;
            tailDecided = byTail.score() > byNorm.score() + needed + 1e-9;
            // whether kurtosis decides is judged on its own votes; where it does, the footprints
            // decide their edges in the reading it chose
            double[] kurt = votes(kept, DirectionSignal.KURTOSIS, ids, lo, hi);
            Reading byKurt = read(kurt, pri, null, degree, lo, r0, byId, n, signs());
            double[] kurtWithFacts = kurt;
            if (KURTOSIS_FACTS && recipe.mode() != DirectionMode.GENERALISATION) {
                kurtWithFacts = kurt.clone();
                for (int k = 0; k < m; k++) {
                    if (facts[k] != 0) {
                        kurtWithFacts[k] = byKurt.sign() * facts[k];
                    }
                }
            }
            double rival = tailDecided ? byTail.score() : byNorm.score();
            int rivalRoot = tailDecided ? byTail.root() : byNorm.root();
            boolean kurtTiesToHub = READING_TIES_TO_HUBS && Math.abs(byKurt.score() - rival) <= 1e-9
                    && nbr[byKurt.root()].length > nbr[rivalRoot].length;
            if (byKurt.score() > rival + KURTOSIS_MARGIN + 1e-9 || kurtTiesToHub) {
                tailDecided = false;
                kurtosisDecided = true;
                best = read(kurtWithFacts, pri, tailDecided ? byTail.scores() : byNorm.scores(), degree, lo, r0, byId, n,
                        forward(byKurt.sign()));
                otherReadings = new double[][] {norm, tail};
            } else {
                double[] third = KURTOSIS_BREAKS_TIES ? byKurt.scores() : null;
                best = tailDecided
                        ? read(tail, pri, byNorm.scores(), third, degree, lo, r0, byId, n, forward(1))
                        : read(norm, pri, byTail.scores(), third, degree, lo, r0, byId, n, forward(1));
                double[] kurtRead = kurtWithFacts.clone();
                for (int k = 0; k < m; k++) {
                    kurtRead[k] *= byKurt.sign();
                }
                otherReadings = new double[][] {tailDecided ? norm : tail, kurtRead};
            }
        }
        double[] ev = best.votes();
        int bestRoot = best.root();
        int bestSign = best.sign();
        double score = best.score();
        // a root hung from a model with more neighbours than it has by a vote too weak to read (a
        // short fine-tune of the base: a few matrices' norms moved either way) gives way to that model
        int yieldTo = -1;
        for (int i = 0; i < nbr[bestRoot].length; i++) {
            int h = nbr[bestRoot][i];
            double vote = bestSign * directed(ev, lo, via[bestRoot][i], bestRoot);
            if (nbr[h].length > nbr[bestRoot].length && Math.abs(vote) <= WEAK_ROOT_VOTE + 1e-9
                    && !readByOthers(otherReadings, ev, lo, via[bestRoot][i], bestRoot)
                    && (yieldTo < 0 || nbr[h].length > nbr[yieldTo].length)) {
                yieldTo = h;
            }
        }
        if (yieldTo >= 0) {
            bestRoot = yieldTo;
            score = best.scores()[yieldTo];
        }
        // an edge the deciding reading cannot read, between the root and a neighbour that both other
        // readings put above it, hands the root over: a short fine-tune beside its base, nearer the
        // base's other children than the base is, holds them in the tree and would take the root
        // by its neighbours alone
        int handTo = -1;
        double handVote = 0;
        for (int i = 0; i < nbr[bestRoot].length; i++) {
            int h = nbr[bestRoot][i];
            double agree = othersAgree(otherReadings, lo, via[bestRoot][i], h);
            if (agree > handVote && readByOthers(otherReadings, ev, lo, via[bestRoot][i], h)) {
                handTo = h;
                handVote = agree;
            }
        }
        if (handTo >= 0) {
            bestRoot = handTo;
            score = best.scores()[handTo];
        }
        // a base is what most of a family was made from: a root beside the hub that leads it by at
        // most one vote (a fine-tune with weight decay shrank a few more matrices than it grew) gives
        // way to it; a hub further away is a long step's far side (continued pre-training)
        int hub = hub(nbr, bestRoot);
        if (hub >= 0 && best.scores()[bestRoot] - best.scores()[hub] <= HUB_LEAD + 1e-9
                && !readByOthers(otherReadings, ev, lo, edgeBetween(nbr, via, bestRoot, hub), bestRoot)) {
            bestRoot = hub;
            score = best.scores()[hub];
        }
        // a root that the spectral tail put across edges both other readings read firmly the other
        // way, where those two otherwise agree with it, goes back across them
        if (!kurtosisDecided && (tailDecided || OTHERS_OVERRULE_THE_NORM)) {
            int named = rootNamedByOthers(otherReadings, ev, bestSign, best.scores(), lo, nbr, via, bestRoot, byId, n);
            if (named >= 0) {
                bestRoot = named;
                score = best.scores()[named];
            }
        }
        Rooted t = root(nbr, via, bestRoot, n);
        // c's subtree: the vertices at positions start[c] .. start[c] + size[c] - 1 of a preorder
        int[] start = new int[n];
        int[] size = new int[n];
        preorder(nbr, t, bestRoot, start, size);
        for (int c = 0; c < n; c++) {
            int p = t.parent[c];
            parentOf[c] = p;
            if (p < 0) {
                continue;
            }
            double alt = Double.POSITIVE_INFINITY;
            double own;
            int[] others = s.table.neighbours(c); // null: every vertex
            if (others == null) {
                for (int v = 0; v < n; v++) {
                    if (v != p && v != c && (start[v] < start[c] || start[v] >= start[c] + size[c])) {
                        alt = Math.min(alt, s.table.get(v, c));
                    }
                }
                own = s.table.get(p, c);
            } else {
                double[] otherDistance = s.table.neighbourDistances(c);
                for (int x = 0; x < others.length; x++) {
                    int v = others[x];
                    if (v != p && v != c && (start[v] < start[c] || start[v] >= start[c] + size[c])) {
                        alt = Math.min(alt, otherDistance[x]);
                    }
                }
                own = treeDistance[t.edge[c]]; // the table's distance of the tree pair, kept
            }
            margin[c] = Double.isInfinite(alt) ? 1.0 : alt <= 0 ? 0.0 : clamp(1.0 - own / alt);
            agreement[c] = bestSign * directed(ev, lo, t.edge[c], p);
            othersAgreement[c] = othersAgree(otherReadings, lo, t.edge[c], p);
            distance[c] = own;
        }
        // how unanimous the family's direction evidence is for the chosen orientation: the net
        // agreement per edge, in [-1, 1]
        return new Backbone(ids, parentOf, margin, agreement, othersAgreement, distance,
                bestSign > 0 ? DirectionMode.FINE_TUNING : DirectionMode.GENERALISATION, score / m, tailDecided);
    }

    /** A spanning tree with its edges' distances (null for a dense state, which reads its table). */
    private record RepairedTree(SpanningTrees.Edges edges, double[] distance) {
    }

    /**
     * The spanning tree with its decay valleys taken out. A model whose untouched rows are smaller
     * scaled copies of two tree neighbours' rows ({@link DirectionSignal#ROW_DECAY} reads it as a
     * child of each) is not on the path between them: weight decay only shrinks an untouched row,
     * so no descendant of it holds the larger rows again, and no orientation could honour both
     * votes. Of its edges to such neighbours the shortest stays (its parent, most likely), and each
     * other such neighbour joins that one instead (still a spanning tree: the edge replaced was
     * the only link between the two sides). This is what two fine-tunes of one base on the same
     * text need when one of them decayed and the other did not: the distances chain them, and the
     * decayed one's votes would otherwise turn the base below it. Valleys are taken out one at a
     * time, vertices in id order, as long as any is left (each repair is checked again). A grown
     * vocabulary reads the same way and comes first, as it does when the tree is oriented
     * ({@link #GROWTH_VALLEYS}): a model with a larger vocabulary than two of its tree neighbours is
     * not on the path between them either.
     */
    private RepairedTree withoutDecayValleys(SpanningState s, int[] rank, int[] byId) {
        int n = s.ids.size();
        int m = s.tree.size();
        int[] a = s.tree.a().clone();
        int[] b = s.tree.b().clone();
        double[] distance = s.treeDistance == null ? null : s.treeDistance.clone();
        // per edge, the end ROW_DECAY reads as the child (-1: neither); per vertex, how many edges do.
        // The tree's own edges as the orientation reads them (a sparse state keeps them)
        int[] lo = new int[m];
        int[] hi = new int[m];
        for (int k = 0; k < m; k++) {
            lo[k] = rank[a[k]] < rank[b[k]] ? a[k] : b[k];
            hi[k] = lo[k] == a[k] ? b[k] : a[k];
        }
        double[] vote = votes(keptValues(s, lo, hi), DirectionSignal.ROW_DECAY, s.ids, lo, hi);
        int[] childOf = new int[m];
        int[] count = new int[n];
        for (int k = 0; k < m; k++) {
            double grown = growth(s.ids.get(lo[k]), s.ids.get(hi[k]));
            if (grown != 0) {
                vote[k] = grown;
            }
            childOf[k] = vote[k] > 0 ? hi[k] : vote[k] < 0 ? lo[k] : -1;
            if (childOf[k] >= 0) {
                count[childOf[k]]++;
            }
        }
        boolean changed = false;
        for (int round = 0; round < n; round++) {
            int valley = -1;
            for (int v : byId) {
                if (count[v] >= 2) {
                    valley = v;
                    break;
                }
            }
            if (valley < 0) {
                break;
            }
            int keep = -1;
            for (int k = 0; k < m; k++) {
                if (childOf[k] == valley && (keep < 0 || edgeDistance(s, a[k], b[k]) < edgeDistance(s, a[keep], b[keep]))) {
                    keep = k;
                }
            }
            int move = -1;
            for (int k = 0; k < m && move < 0; k++) {
                if (childOf[k] == valley && k != keep) {
                    move = k;
                }
            }
            int parent = a[keep] == valley ? b[keep] : a[keep];
            int other = a[move] == valley ? b[move] : a[move];
            a[move] = parent;
            b[move] = other;
            if (distance != null) {
                distance[move] = edgeDistance(s, parent, other);
            }
            count[valley]--;
            int l = rank[parent] < rank[other] ? parent : other;
            int h = l == parent ? other : parent;
            double v = growth(s.ids.get(l), s.ids.get(h));
            if (v == 0) {
                v = evidence.evidence(s.ids.get(l), s.ids.get(h), DirectionSignal.ROW_DECAY);
            }
            childOf[move] = v > 0 ? h : v < 0 ? l : -1;
            if (childOf[move] >= 0) {
                count[childOf[move]]++;
            }
            changed = true;
        }
        return changed ? new RepairedTree(new SpanningTrees.Edges(a, b), distance)
                : new RepairedTree(s.tree, s.treeDistance);
    }

    /**
     * What a grown vocabulary says of a -> b where it makes valleys ({@link #GROWTH_VALLEYS}): +1
     * when b grew it, -1 when a did, else 0. An added matrix does not make one: every tied model
     * lacks the untied head, so an untied model beside a tied same-text sibling is a valley whose
     * repair hangs the base from that sibling (development forests 143 and 144).
     */
    private double growth(String a, String b) {
        return GROWTH_VALLEYS && VOCABULARY_GROWS ? vocabularyGrowth(a, b) : 0;
    }

    /** The distance the tree is built on, for any pair (a sparse table lacks the pairs it did not compare). */
    private double edgeDistance(SpanningState s, int x, int y) {
        double d = s.table.get(x, y);
        return Double.isInfinite(d) ? pm(s.ids.get(x), s.ids.get(y)).distance(s.lowRank) : d;
    }

    /**
     * How much the weights' norm grows from a to b: the mean, over the weight matrices both have
     * with the same shape (canonical names in order), of {@code log E_b - log E_a}, E a matrix's
     * squared Frobenius norm from its statistics. Antisymmetric exactly.
     */
    private double normGrowth(String a, String b) {
        ModelSignature sa = signatures.apply(a);
        ModelSignature sb = signatures.apply(b);
        double sum = 0;
        int count = 0;
        for (String name : new java.util.TreeSet<>(sa.sketches().keySet())) {
            TensorStatistics ta = sa.tensor(name).orElseThrow();
            TensorStatistics tb = sb.tensor(name).orElse(null);
            if (tb == null || !Arrays.equals(ta.shape(), tb.shape())) {
                continue;
            }
            double ea = ta.count() * (ta.variance() + ta.mean() * ta.mean());
            double eb = tb.count() * (tb.variance() + tb.mean() * tb.mean());
            if (ea > 0 && eb > 0) {
                sum += Math.log(eb) - Math.log(ea);
                count++;
            }
        }
        return count == 0 ? 0 : sum / count;
    }

    /** The fine-tuning reading of a signal (the generalisation reading when the recipe asks for it). */
    private int[] forward(int sign) {
        return recipe.mode() == DirectionMode.GENERALISATION ? new int[] {-sign} : new int[] {sign};
    }

    private int[] signs() {
        return switch (recipe.mode()) {
            case FINE_TUNING -> new int[] {1};
            case GENERALISATION -> new int[] {-1};
            case AUTO -> new int[] {1, -1};
        };
    }

    // ---------------------------------------------------------------- special models

    /** Quantised copies (leaves) and merges, set aside from the backbone. */
    private record Special(List<String> backbone, List<String> quantized, Map<String, MergeDetector.Merge> merges,
            List<String> downstream) {
        static final Special NONE = new Special(List.of(), List.of(), Map.of(), List.of());

        boolean isEmpty() {
            return quantized.isEmpty() && merges.isEmpty();
        }
    }

    /**
     * Splits representatives into the backbone the spanning tree is built on, quantised copies
     * (always leaves: hubs keep 99 % of quantised models childless) and merges (several parents).
     * Only for our recipe; the paper's sees every model as a candidate parent.
     */
    private Special special(List<String> reps, boolean lowRank) {
        if (recipe.distance() != MotherRecipe.DistanceMeasure.SPECTRAL) {
            return new Special(reps, List.of(), Map.of(), List.of());
        }
        List<String> quantized = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String r : reps) {
            (signatures.apply(r).quantized() ? quantized : rest).add(r);
        }
        if (rest.isEmpty()) { // every copy quantised: nothing to be a leaf of
            rest = reps;
            quantized = List.of();
        }
        List<String> among = rest;
        Map<String, MergeDetector.Merge> merges = MergeDetector.find(rest, x -> comparable(x, among), mergeDots());
        // models downstream of a merge (their nearest model is a merge, or downstream of one, and
        // they came after it by the norm) stay out of the backbone too: a fine-tune of a merge sits
        // between the merge's parents as the merge does, and would pull the spanning tree apart
        // the same way
        java.util.Set<String> downstream = new java.util.TreeSet<>(merges.keySet());
        java.util.Set<String> mergeParents = new java.util.HashSet<>();
        merges.values().forEach(m -> mergeParents.addAll(m.parents()));
        Map<String, String> nearest = new HashMap<>();
        if (!merges.isEmpty()) {
            for (String r : rest) {
                nearest.put(r, nearestAfterMerge(r, comparable(r, rest), lowRank)); // once: it does not change between rounds
            }
        }
        boolean grew = !merges.isEmpty();
        while (grew) {
            grew = false;
            for (String r : rest) {
                String near = nearest.get(r);
                // a merge's parents' parent can be nearer to the merge than to its own children
                // (averaging cancels their independent steps): downstream means later, too
                if (!downstream.contains(r) && !mergeParents.contains(r) && downstream.contains(near)
                        && evidence.evidence(near, r, DirectionSignal.NORM) > 0) {
                    downstream.add(r);
                    grew = true;
                }
            }
        }
        List<String> backbone = new ArrayList<>();
        List<String> below = new ArrayList<>();
        for (String r : rest) {
            if (!downstream.contains(r)) {
                backbone.add(r);
            } else if (!merges.containsKey(r)) {
                below.add(r);
            }
        }
        if (backbone.isEmpty()) {
            return new Special(rest, quantized, Map.of(), List.of());
        }
        return new Special(backbone, quantized, merges, below);
    }

    /** The inner products the merge fit reads: cached pair metrics, and each model's own (cached). */
    private MergeDetector.Dots mergeDots() {
        return new MergeDetector.Dots() {
            @Override
            public double dot(String a, String b) {
                return a.compareTo(b) < 0 ? pairs.dot(a, b) : pairs.dot(b, a);
            }

            @Override
            public double self(String a) {
                Double d = selfDots.get(a);
                if (d == null) {
                    d = PairMetrics.selfDot(signatures.apply(a));
                    selfDots.put(a, d);
                }
                return d;
            }
        };
    }

    /**
     * The distance that places what comes after a merge: the tree's own. A fine-tune of a merge
     * carries one run's high-rank change, which the spectral tail sees against the merge it came
     * from, while in relative energy a merge's other parents and siblings can come out nearer
     * (averaging cancels the parents' independent steps, so the merges sit close to each other and
     * to their parents).
     */
    private double afterMerge(String a, String b, boolean lowRank) {
        return DOWNSTREAM_BY_TAIL ? pm(a, b).distance(lowRank) : pm(a, b).energy();
    }

    private String nearestAfterMerge(String x, List<String> among, boolean lowRank) {
        String best = null;
        double e = Double.POSITIVE_INFINITY;
        for (String o : among) {
            if (!o.equals(x)) {
                double v = afterMerge(o, x, lowRank);
                if (v < e || (v == e && o.compareTo(best) < 0)) {
                    e = v;
                    best = o;
                }
            }
        }
        return best;
    }

    /**
     * The family's tree: the oriented backbone, then merges hung from their parents (and models
     * closer to a merge than to their backbone parent moved under it), quantised copies hung from
     * their nearest full-precision model, duplicates; each edge with its kind and confidence.
     */
    private LineageTree finish(ModelCluster family, Backbone b, List<LineageEdge> duplicates, Special special,
            boolean lowRank) {
        Map<String, String> parent = new HashMap<>();
        Map<String, Double> margin = new HashMap<>();
        Map<String, Double> agreement = new HashMap<>();
        for (int c = 0; c < b.ids().size(); c++) {
            if (b.parent()[c] >= 0) {
                String child = b.ids().get(c);
                parent.put(child, b.ids().get(b.parent()[c]));
                margin.put(child, b.margin()[c]);
                agreement.put(child, b.agreement()[c]);
            }
        }
        if (!lowRank && recipe.distance() == MotherRecipe.DistanceMeasure.SPECTRAL) {
            liftSiblings(parent, margin, agreement, lowRank);
            List<String> children = new ArrayList<>(parent.keySet());
            children.sort(Comparator.naturalOrder());
            List<String> members = new ArrayList<>(b.ids());
            members.sort(Comparator.naturalOrder());
            attachByRows(children, parent::get, parent::put, x -> x, c -> {
                String gp = parent.get(parent.get(c));
                return gp != null && heldByRows(List.of(parent.get(c), gp), c, rowStates);
            }, c -> comparable(c, members), Comparator.naturalOrder(),
                    (x, y) -> candidates == null || candidates.apply(x).contains(y),
                    (x, y) -> rowShares.computeIfAbsent(x.compareTo(y) < 0 ? x + '\n' + y : y + '\n' + x,
                            k -> RowStates.shares(signatures.apply(x), signatures.apply(y))),
                    (x, y) -> pm(x, y).distance(false), rowStates);
            if (WEAK_ROOT_AFTER_REPAIRS) {
                Map<String, Integer> index = new HashMap<>();
                for (int v = 0; v < b.ids().size(); v++) {
                    index.put(b.ids().get(v), v);
                }
                RootYield<String> y = weakRootYield(b, members, index::get, parent::get);
                if (y != null) {
                    parent.remove(y.to());
                    parent.put(y.root(), y.to());
                    margin.put(y.root(), margin.get(y.to()));
                    agreement.put(y.root(), -agreement.get(y.to()));
                }
            }
        }
        List<LineageEdge> edges = new ArrayList<>(duplicates);
        // merges, in id order; a merge's parents may be merges found earlier
        for (MergeDetector.Merge merge : special.merges().values()) {
            for (int k = 0; k < merge.parents().size(); k++) {
                String p = merge.parents().get(k);
                double conf = Confidence.of(p, merge.child(), EdgeKind.MERGE,
                        clamp(1.0 - merge.residualShare() / MergeDetector.MAX_RESIDUAL_SHARE), 1.0);
                edges.add(new LineageEdge(p, merge.child(), conf, EdgeKind.MERGE, merge.weights().get(k)));
            }
        }
        // what came after a merge hangs from the merges outward, nearest first (Prim by afterMerge)
        List<String> placed = new ArrayList<>(special.merges().keySet());
        List<String> waiting = new ArrayList<>(special.downstream());
        while (!waiting.isEmpty()) {
            String bestX = null;
            String bestY = null;
            double e = Double.POSITIVE_INFINITY;
            for (String x : waiting) {
                for (String y : placed) {
                    if (candidates != null && !candidates.apply(x).contains(y) && placed.size() > 1) {
                        continue; // a sparse build compares candidates (the first merge always)
                    }
                    double v = afterMerge(y, x, lowRank);
                    if (v < e) {
                        e = v;
                        bestX = x;
                        bestY = y;
                    }
                }
            }
            if (bestX == null) { // no candidate pair left between them: compare all
                for (String x : waiting) {
                    for (String y : placed) {
                        double v = afterMerge(y, x, lowRank);
                        if (v < e) {
                            e = v;
                            bestX = x;
                            bestY = y;
                        }
                    }
                }
            }
            String x = bestX;
            String y = bestY;
            double alt = Double.POSITIVE_INFINITY;
            for (String o : comparable(x, b.ids())) {
                alt = Math.min(alt, afterMerge(o, x, lowRank));
            }
            // the other merges (and what hangs from them) are alternatives too: a fine-tune of one
            // merge can lie nearly as near another
            for (String o : placed) {
                if (!o.equals(y) && (candidates == null || candidates.apply(x).contains(o))) {
                    alt = Math.min(alt, afterMerge(o, x, lowRank));
                }
            }
            parent.put(x, y);
            margin.put(x, Double.isInfinite(alt) ? 1.0 : alt <= 0 ? 0.0 : clamp(1.0 - e / alt));
            agreement.put(x, evidence.evidence(y, x, DirectionSignal.NORM));
            waiting.remove(x);
            placed.add(x);
        }
        List<String> roots = new ArrayList<>();
        for (String v : b.ids()) {
            if (!parent.containsKey(v)) {
                roots.add(v);
            }
        }
        List<String> children = new ArrayList<>(parent.keySet());
        children.sort(Comparator.naturalOrder());
        for (String c : children) {
            String p = parent.get(c);
            PairMetrics pair = pm(p, c);
            EdgeKind kind = resized(p, c) ? EdgeKind.RESIZE
                    : pair.rankRatio() < LOW_RANK_RATIO && !pair.duplicate() ? EdgeKind.ADAPTER
                    : EdgeKind.FINE_TUNE;
            String g = parent.get(p);
            double continuation = g == null ? 0.0 : Math.max(0.0, continuation(g, p, c));
            boolean held = g != null && heldByRows(List.of(p, g), c, rowStates);
            edges.add(new LineageEdge(p, c, Confidence.of(p, c, kind, margin.get(c), agreement.get(c), b.consensus(),
                    b.tailDecided(), continuation, held), kind));
        }
        // quantised copies: leaves of their nearest full-precision model
        List<String> sources = new ArrayList<>(b.ids());
        sources.addAll(special.merges().keySet());
        for (String q : special.quantized()) {
            String best = null;
            double bestEnergy = Double.POSITIVE_INFINITY;
            double second = Double.POSITIVE_INFINITY;
            List<String> near = comparable(q, sources);
            for (String src : near.isEmpty() ? sources : near) {
                double e = pm(src, q).energy();
                if (e < bestEnergy || (e == bestEnergy && src.compareTo(best) < 0)) {
                    second = bestEnergy;
                    bestEnergy = e;
                    best = src;
                } else if (e < second) {
                    second = e;
                }
            }
            double m = Double.isInfinite(second) ? 1.0 : second <= 0 ? 0.0 : clamp(1.0 - bestEnergy / second);
            edges.add(new LineageEdge(best, q, Confidence.of(best, q, EdgeKind.QUANTIZED, m, 1.0),
                    EdgeKind.QUANTIZED));
        }
        if (!sameWeightCopies.isEmpty()) {
            edges.replaceAll(this::shareAmongCopies);
        }
        edges.sort(Comparator.comparing(LineageEdge::childId).thenComparing(LineageEdge::parentId));
        roots.sort(Comparator.naturalOrder());
        return new LineageTree(family.members(), roots, edges, lowRank, b.mode());
    }

    /** The root that gives way, and the child that takes its place (the root then hangs below it). */
    private record RootYield<V>(V root, V to) {
    }

    /**
     * The weak root vote of {@link #orient} judged again on the tree the structural repairs left:
     * they can move the neighbours the vote was judged by (the spanning tree crossing a gap at the
     * base's short fine-tune gives that fine-tune two neighbours until the rows re-hang the far side
     * below the base). A root whose edge to a child with more neighbours carries a vote too weak
     * to read gives way to that child; the vote is the backbone's, so only a backbone edge counts.
     * Members walk in id order, as both callers keep them.
     *
     * @return the yield, or null when the root stays
     */
    private <V> RootYield<V> weakRootYield(Backbone b, List<V> members, java.util.function.ToIntFunction<V> index,
            Function<V, V> parentOf) {
        Map<V, Integer> children = new HashMap<>();
        V root = null;
        for (V v : members) {
            V p = parentOf.apply(v);
            if (p == null) {
                if (root != null) {
                    return null;
                }
                root = v;
            } else {
                children.merge(p, 1, Integer::sum);
            }
        }
        if (root == null) {
            return null;
        }
        int r = index.applyAsInt(root);
        V yieldTo = null;
        int most = children.getOrDefault(root, 0);
        for (V h : members) {
            if (!root.equals(parentOf.apply(h))) {
                continue;
            }
            int c = index.applyAsInt(h);
            double vote = b.parent()[c] == r ? b.agreement()[c] : b.parent()[r] == c ? -b.agreement()[r] : Double.NaN;
            double others = b.parent()[c] == r ? b.othersAgreement()[c] : b.parent()[r] == c ? -b.othersAgreement()[r] : 0;
            int neighbours = children.getOrDefault(h, 0) + 1;
            if (Math.abs(vote) <= WEAK_ROOT_VOTE + 1e-9 && others <= 0 && neighbours > most) {
                yieldTo = h;
                most = neighbours;
            }
        }
        return yieldTo == null ? null : new RootYield<>(root, yieldTo);
    }

    /**
     * An edge to or from a model that has copies of the same weights in the same dtype is right only
     * if that model, not one of its copies, is the original, for each such end (the duplicate edges
     * between the copies keep theirs).
     */
    private LineageEdge shareAmongCopies(LineageEdge e) {
        if (sameWeightCopies.contains(e.childId())) {
            return e;
        }
        double share = originalChance(e.parentId()) * originalChance(e.childId());
        return share == 1.0 ? e : new LineageEdge(e.parentId(), e.childId(), e.confidence() * share, e.kind(), e.weight());
    }

    /** The chance that a model, not one of its copies of the same weights, is the original. */
    private double originalChance(String id) {
        return unwrappedChance.getOrDefault(id, 1.0) / (1 + coinTossCopies.getOrDefault(id, 0));
    }

    /**
     * Moves a child up to its grandparent when it does not carry its parent's own change: the
     * spectral tail accumulates along a lineage (independent high-rank updates add up), so for a
     * true chain {@code g -> p -> c}, {@code d(g, c)} is about {@code d(g, p) + d(p, c)}. When it
     * falls short of that by more than {@link #SIBLING_SHORTFALL} of {@code d(g, p)}, c is p's
     * sibling that took a similar step (the same domain, the same data), not its child: the
     * spanning tree chains such siblings because they are closer to each other than to their parent.
     * A child is lifted too when the rows its fine-tune never touched put p off its path
     * ({@link #offPath}); the rounds lift it further while they do.
     */
    private void liftSiblings(Map<String, String> parent, Map<String, Double> margins, Map<String, Double> agreements,
            boolean lowRank) {
        List<String> children = new ArrayList<>(parent.keySet()); // the same children every round
        children.sort(Comparator.naturalOrder());
        for (int round = 0; round < 3; round++) {
            boolean changed = false;
            for (String c : children) {
                String p = parent.get(c);
                String g = parent.get(p);
                if (g == null) {
                    continue;
                }
                double gp = pm(g, p).distance(lowRank);
                double shortfall = gp + pm(p, c).distance(lowRank) - pm(g, c).distance(lowRank);
                List<String> up = ancestry(p, parent::get, x -> x);
                boolean fallsShort = gp > 0 && shortfall > SIBLING_SHORTFALL * gp;
                if (offPath(up, c, rowStates) || fallsShort && !heldByRows(up, c, rowStates)) {
                    parent.put(c, g);
                    List<String> path = reanchor(g, c, v -> childrenOf(parent, v),
                            (a, b) -> pm(a, b).distance(lowRank), v -> offPath(List.of(v, g), c, rowStates));
                    if (!path.isEmpty()) {
                        // x, ..., c: each edge turns round, keeping its margin and reversing its agreement
                        double[] m = new double[path.size()];
                        double[] a = new double[path.size()];
                        for (int i = 0; i < path.size(); i++) {
                            m[i] = margins.get(path.get(i));
                            a[i] = agreements.get(path.get(i));
                        }
                        for (int i = 0; i + 1 < path.size(); i++) {
                            parent.put(path.get(i + 1), path.get(i));
                            margins.put(path.get(i + 1), m[i]);
                            agreements.put(path.get(i + 1), -a[i]);
                        }
                        parent.put(path.get(0), g);
                        margins.put(path.get(0), m[path.size() - 1]);
                        agreements.put(path.get(0), a[path.size() - 1]);
                    }
                    changed = true;
                } else if (middleIsChild(g, p, c, rowStates)) {
                    parent.put(c, g);
                    parent.put(p, c);
                    double m = margins.get(c);
                    double a = agreements.get(c);
                    margins.put(c, margins.get(p));
                    agreements.put(c, agreements.get(p));
                    margins.put(p, m);
                    agreements.put(p, -a);
                    changed = true;
                }
            }
            if (!changed) {
                return;
            }
        }
    }

    /**
     * Hangs a child below the model whose own changes it holds. Rows a fine-tune never touched are
     * inherited unchanged ({@link RowStates}): when x and c hold the same changed values of rows
     * that x's parent holds unchanged ({@link #OFF_PATH_ROWS} such rows, and more than
     * {@link #OFF_PATH_ODDS} times the rows that read the other way), x's own change reached c, so c
     * descends from x (or x from c). The rule applies to a child that nothing holds where it is (its
     * parent's own changes are not in it, or its parent is a root) and moves it, with its subtree,
     * below the nearest such x that is neither above nor below it and lies between c's parent and
     * c ({@code d(p, x) < d(p, c)}: of two relatives sharing changes, the one nearer the old parent
     * is the ancestor). This is what a fine-tune of a fine-tune needs when it trained on the same
     * text as a cousin: the distances put it beside the cousin, the rows its own parent changed
     * and it never trained say where it comes from. A sparse build looks only at pairs it compared
     * (c's candidates that are also its parent's), so no pair is computed for this. {@code stays}
     * says which children are left where they are without a look at others: those the rows hold,
     * and (growing over candidate pairs) those that share no row with any candidate.
     */
    private <V> void attachByRows(List<V> children, Function<V, V> parentOf, java.util.function.BiConsumer<V, V> setParent,
            Function<V, String> id, java.util.function.Predicate<V> stays, Function<V, Iterable<V>> others,
            Comparator<V> order, java.util.function.BiPredicate<V, V> compared, java.util.function.BiPredicate<V, V> sharesRow,
            java.util.function.ToDoubleBiFunction<V, V> distance, Map<String, RowStates.Count> counted) {
        if (!ROW_STATES || !ATTACH_BY_ROWS) {
            return;
        }
        for (V c : children) {
            V p = parentOf.apply(c);
            if (p == null || stays.test(c)) {
                continue;
            }
            double pc = Double.NaN;
            java.util.Set<V> above = null;
            V best = null;
            double nearest = Double.POSITIVE_INFINITY;
            // the cheap tests first (cached distances, then one pass over two models' rows, then three)
            for (V x : others.apply(c)) {
                V gx = x.equals(c) || x.equals(p) ? null : parentOf.apply(x);
                if (gx == null || !compared.test(p, x)) {
                    continue;
                }
                if (Double.isNaN(pc)) {
                    pc = distance.applyAsDouble(p, c);
                }
                if (!(distance.applyAsDouble(p, x) < pc) || !sharesRow.test(x, c)
                        || !holds(count(id.apply(gx), id.apply(x), id.apply(c), counted))) {
                    continue;
                }
                if (above == null) {
                    above = new java.util.HashSet<>();
                    for (V v = p; v != null; v = parentOf.apply(v)) {
                        above.add(v);
                    }
                }
                if (above.contains(x) || below(x, c, parentOf)) {
                    continue;
                }
                double d = distance.applyAsDouble(x, c);
                if (d < nearest || d == nearest && order.compare(x, best) < 0) {
                    nearest = d;
                    best = x;
                }
            }
            if (best != null) {
                setParent.accept(c, best);
            }
        }
    }

    /** Whether the rows hold a child below a parent: enough shared changes, few rows against. */
    private static boolean holds(RowStates.Count rows) {
        return rows.on() >= OFF_PATH_ROWS && rows.off() * OFF_PATH_ODDS < rows.on();
    }

    /** Whether x lies in c's subtree. */
    private static <V> boolean below(V x, V c, Function<V, V> parentOf) {
        for (V v = x; v != null; v = parentOf.apply(v)) {
            if (v.equals(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where a subtree lifted to a new parent {@code g} attaches: the spanning tree joined c's subtree
     * to the rest through c because c was nearest its old parent, and a lift leaves that choice
     * unchecked against g. When a member x of the subtree, at most {@link #REANCHOR_DEPTH} edges
     * below c (and among the first {@link #REANCHOR_MEMBERS} in level and id order), is nearer g
     * than c is, the subtree hangs from g through x instead (the cut property of the spanning tree,
     * applied to the new edge) and the path from x up to c turns round. This is
     * what a long step (continued pre-training) with small fine-tunes below it needs: the tree
     * crosses from the base's side to the long step's side at whichever pair of models two
     * fine-tunes on the same text pulled together, and a lift then hangs the long step's
     * fine-tune, not the long step, from the base. A member the rows put off the path between g
     * and c ({@link #offPath}: g and c hold a row's values that it changed) cannot be hung between
     * them, however near g it lies, nor can a path through such a member: a fine-tune that moved
     * back toward the base is near it too.
     *
     * @param offBetween whether the rows put a member off the tree path between g and c
     * @return the path x, ..., c (x to hang from g, each the new parent of the next); empty when c
     *     stays the subtree's top
     */
    static <V> List<V> reanchor(V g, V c, Function<V, List<V>> childrenOf,
            java.util.function.ToDoubleBiFunction<V, V> distance, java.util.function.Predicate<V> offBetween) {
        if (!REANCHOR) {
            return List.of();
        }
        double best = distance.applyAsDouble(g, c);
        List<V> bestPath = List.of();
        List<List<V>> level = List.of(List.of(c));
        int examined = 0;
        for (int depth = 1; depth <= REANCHOR_DEPTH; depth++) {
            List<List<V>> next = new ArrayList<>();
            for (List<V> path : level) {
                for (V x : childrenOf.apply(path.get(0))) {
                    if (examined++ == REANCHOR_MEMBERS) {
                        return bestPath; // a hub's subtree: each member costs a comparison with g
                    }
                    List<V> longer = new ArrayList<>(path.size() + 1);
                    longer.add(x);
                    longer.addAll(path);
                    next.add(longer);
                    double d = distance.applyAsDouble(g, x);
                    if (d < best && (!REANCHOR_BY_ROWS || longer.subList(0, longer.size() - 1).stream().noneMatch(offBetween))) {
                        best = d;
                        bestPath = longer;
                    }
                }
            }
            level = next;
        }
        return bestPath;
    }

    /** c's children in {@code parent} (vertices; {@code byId} lists them in id order), in id order. */
    private static List<Integer> childrenOf(int[] parent, int[] byId, int c) {
        List<Integer> out = new ArrayList<>();
        for (int v : byId) {
            if (parent[v] == c) {
                out.add(v);
            }
        }
        return out;
    }

    /** c's children in {@code parent}, in id order. */
    private static List<String> childrenOf(Map<String, String> parent, String c) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : parent.entrySet()) {
            if (e.getValue().equals(c)) {
                out.add(e.getKey());
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /**
     * The ancestry {@link #offPath} reads: {@code p} and up to {@link #ROW_STATE_ANCESTORS} of its
     * ancestors, nearest first, as ids.
     */
    private static <V> List<String> ancestry(V p, Function<V, V> parentOf, Function<V, String> id) {
        List<String> out = new ArrayList<>();
        for (V v = p; v != null && out.size() <= ROW_STATE_ANCESTORS; v = parentOf.apply(v)) {
            out.add(id.apply(v));
        }
        return out;
    }

    /**
     * Whether the rows a fine-tune never touched hold {@code c} below {@code p} against the
     * shortfall test: p and c share changed values of rows that p's parent holds unchanged
     * ({@link #OFF_PATH_ROWS} such rows, and more than {@link #OFF_PATH_ODDS} times the rows that
     * read the other way), so moving c to p's parent would put a model without the change between
     * two with it.
     */
    private boolean heldByRows(List<String> ancestry, String c, Map<String, RowStates.Count> counted) {
        if (!ROW_STATES) {
            return false;
        }
        return holds(count(ancestry.get(1), ancestry.get(0), c, counted));
    }

    private RowStates.Count count(String a, String p, String c, Map<String, RowStates.Count> counted) {
        return counted.computeIfAbsent(a + '\n' + p + '\n' + c,
                k -> RowStates.count(signatures.apply(a), signatures.apply(p), signatures.apply(c)));
    }

    /**
     * Whether the rows a fine-tune never touched put {@code p} (the first of {@code ancestry}) off
     * the tree path between c and one of p's ancestors, so c cannot hang below p
     * ({@link RowStates}): an ancestor and c hold one row's values up to scale that p changed
     * ({@link #OFF_PATH_ROWS} such rows, and more than {@link #OFF_PATH_ODDS} times the rows that
     * read the other way), or p's untouched rows are scaled copies of both its parent's and c's,
     * smaller than both ({@link DirectionSignal#ROW_DECAY} reads p as a child of each): weight
     * decay only shrinks an untouched row, so no descendant of p gets it back. So is a p holding a
     * weight matrix that c and an ancestor lack ({@link #addedMatrix}).
     */
    private boolean offPath(List<String> ancestry, String c, Map<String, RowStates.Count> counted) {
        if (!ROW_STATES) {
            return false;
        }
        String p = ancestry.get(0);
        if (evidence.evidence(c, p, DirectionSignal.ROW_DECAY) > 0
                && evidence.evidence(ancestry.get(1), p, DirectionSignal.ROW_DECAY) > 0) {
            return true;
        }
        for (String a : ancestry.subList(1, ancestry.size())) {
            if (ADDED_MATRICES && addedMatrix(a, p, c)) {
                return true;
            }
            RowStates.Count rows = count(a, p, c, counted);
            if (rows.off() >= OFF_PATH_ROWS && rows.on() * OFF_PATH_ODDS < rows.off()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the rows put c, not p, in the middle of a chain {@code g -> p -> c} the tree
     * proposes: rows put p off the path between g and c ({@link #OFF_PATH_ROWS}, though too few
     * against the rows that put it on for a lift), while with c in the middle no row is off and
     * some are on. Of three models on a path, the middle one is the one no row puts off it (a
     * changed row is inherited, never changed back). The case is a spanning tree that crosses a
     * long step (continued pre-training) at one of its fine-tunes: that fine-tune holds the long
     * step's changes and its own, so it reads as the middle only through the rows its own
     * training changed, and the long step belongs between the base and it. Then c takes p's place
     * and p hangs below c, each keeping its other children.
     */
    private boolean middleIsChild(String g, String p, String c, Map<String, RowStates.Count> counted) {
        if (!ROW_STATES || !SWAP_MIDDLE) {
            return false;
        }
        RowStates.Count proposed = count(g, p, c, counted);
        if (proposed.off() < OFF_PATH_ROWS) {
            return false;
        }
        RowStates.Count swapped = count(g, c, p, counted);
        return swapped.off() == 0 && swapped.on() >= OFF_PATH_ROWS;
    }

    /**
     * Whether p holds a weight matrix that neither a nor c has, with more weight matrices than
     * either: an untied head (a separate {@code lm_head} where the others tie it to the embedding),
     * a head added for a new task. A derivative keeps its parent's matrices, so the model that
     * gained one is off the path between two that lack it: c would have had to drop it again. A
     * matrix holding the very values of another of p's (a tied head saved twice) says nothing, nor
     * does a name the three models spell differently (the counts then match).
     */
    private boolean addedMatrix(String a, String p, String c) {
        return gainedMatrix(signatures.apply(p), signatures.apply(a), signatures.apply(c));
    }

    /**
     * +1 when b holds a weight matrix that a lacks (not a saved copy of another of b's) and a holds
     * none that b lacks, -1 the other way round, 0 otherwise.
     */
    private double matrixGrowth(String a, String b) {
        ModelSignature sa = signatures.apply(a);
        ModelSignature sb = signatures.apply(b);
        boolean bGained = gainedMatrix(sb, sa);
        return bGained == gainedMatrix(sa, sb) ? 0 : bGained ? 1 : -1;
    }

    /**
     * Whether the holder has more weight matrices than each of the others and one that none of them
     * has and that is no saved copy of another of its own.
     */
    private static boolean gainedMatrix(ModelSignature holder, ModelSignature... others) {
        int held = holder.sketches().size();
        for (ModelSignature o : others) {
            if (held <= o.sketches().size()) {
                return false;
            }
        }
        for (MatrixSketch m : holder.sketches().values()) {
            boolean lacked = true;
            for (ModelSignature o : others) {
                lacked &= o.tensor(m.name()).isEmpty();
            }
            if (lacked && !copiesAnother(holder, holder.tensor(m.name()).orElseThrow())) {
                return true;
            }
        }
        return false;
    }

    /** Whether another tensor of s has t's shape and the same moments: the same values saved twice. */
    private static boolean copiesAnother(ModelSignature s, TensorStatistics t) {
        for (TensorStatistics u : s.tensors()) {
            if (u != t && !u.name().equals(t.name()) && Arrays.equals(u.shape(), t.shape()) && u.mean() == t.mean()
                    && u.variance() == t.variance() && u.min() == t.min() && u.max() == t.max()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The cosine of {@code c - p} with {@code p - g} over the spectral matrices' sketches, from cached
     * inner products alone: near 0 when c's fine-tune went its own way, near 1 when it went on the
     * way p went (the same data).
     */
    private double continuation(String g, String p, String c) {
        MergeDetector.Dots dots = mergeDots();
        double gg = dots.self(g);
        double pp = dots.self(p);
        double cc = dots.self(c);
        double gp = dots.dot(g, p);
        double pc = dots.dot(p, c);
        double gc = dots.dot(g, c);
        double step = gg - 2 * gp + pp;
        double next = cc - 2 * pc + pp;
        if (!(step > 0 && next > 0)) {
            return 0.0;
        }
        return Math.max(-1.0, Math.min(1.0, (pc - pp - gc + gp) / Math.sqrt(step * next)));
    }

    /**
     * The vote of a resized vocabulary on the edge a -> b: +1 when b holds more parameters than a
     * with a tensor of a different shape (b grew the vocabulary), -1 when fewer, 0 when no tensor
     * differs in shape.
     */
    private double vocabularyGrowth(String a, String b) {
        if (!resized(a, b)) {
            return 0;
        }
        return Long.signum(signatures.apply(b).parameterCount() - signatures.apply(a).parameterCount());
    }

    /** True when a tensor both models have (by canonical name) differs in shape: a resized vocabulary. */
    private boolean resized(String a, String b) {
        ModelSignature sa = signatures.apply(a);
        ModelSignature sb = signatures.apply(b);
        if (sa.structuralHash().equals(sb.structuralHash())) {
            return false; // the same tensor names and shapes: nothing resized (one comparison, not one per tensor)
        }
        for (TensorStatistics t : sa.tensors()) {
            TensorStatistics u = sb.tensor(t.name()).orElse(null);
            if (u != null && !Arrays.equals(t.shape(), u.shape())) {
                return true;
            }
        }
        return false;
    }

    /** One signal's evidence on every tree edge, for the orientation lower id -> higher id. */
    private double[] votes(double[][] kept, DirectionSignal signal, List<String> ids, int[] lo, int[] hi) {
        return edgeValues(kept, signal.ordinal(), lo, true,
                k -> evidence.evidence(ids.get(lo[k]), ids.get(hi[k]), signal));
    }

    /**
     * What a sparse state kept of each tree edge's values (one lookup per edge, NaN where not
     * computed yet), or null for a dense state, which keeps none.
     */
    private static double[][] keptValues(SpanningState s, int[] lo, int[] hi) {
        if (!s.sparse()) {
            return null;
        }
        double[][] kept = new double[lo.length][];
        for (int k = 0; k < lo.length; k++) {
            kept[k] = s.edgeValues.computeIfAbsent(SpanningState.edgeKey(lo[k], hi[k]), e -> {
                double[] v = new double[NORM_GROWTH_SLOT + 1];
                Arrays.fill(v, Double.NaN);
                return v;
            });
        }
        return kept;
    }

    /** Where {@link #edgeValues} keeps the norm growth. */
    private static final int NORM_GROWTH_SLOT = DirectionSignal.values().length;

    /**
     * A value per tree edge: computed, or for a sparse state read from what it kept of the edges
     * it had (the values of an edge never change, and a grown tree keeps most of its edges).
     */
    private static double[] edgeValues(double[][] kept, int slot, int[] lo, boolean parallel,
            java.util.function.IntToDoubleFunction compute) {
        int m = lo.length;
        double[] out = new double[m];
        if (kept == null) {
            java.util.stream.IntStream ks = java.util.stream.IntStream.range(0, m);
            (parallel ? ks.parallel() : ks).forEach(k -> out[k] = compute.applyAsDouble(k));
            return out;
        }
        List<Integer> missing = new ArrayList<>();
        for (int k = 0; k < m; k++) {
            if (Double.isNaN(kept[k][slot])) {
                missing.add(k);
            } else {
                out[k] = kept[k][slot];
            }
        }
        (parallel ? missing.parallelStream() : missing.stream()).forEach(k -> out[k] = compute.applyAsDouble(k));
        for (int k : missing) {
            kept[k][slot] = out[k];
        }
        return out;
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
     * vote next to the root can be read away) go to the root with more neighbours when
     * {@code degree} is given, then to the other signal's and the {@code third}'s (kurtosis) scores
     * summed when there are both ({@link #TIES_TO_BOTH_OTHERS}), then to the other signal's, then
     * to the third's, then to MoTHer's prior (kurtosis falling from parent to child), then to the
     * fine-tuning reading (tried first), then to the lower id.
     */
    private Reading read(double[] ev, double[] prior, double[] other, int[] degree, int[] lo, Rooted r0, int[] byId,
            int n, int[] signs) {
        return read(ev, prior, other, null, degree, lo, r0, byId, n, signs);
    }

    /** {@link #read(double[], double[], double[], int[], int[], Rooted, int[], int, int[])} with a third tie-break. */
    private Reading read(double[] ev, double[] prior, double[] other, double[] third, int[] degree, int[] lo, Rooted r0,
            int[] byId, int n, int[] signs) {
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
                } else if (degree != null && degree[r] != degree[bestRoot]) {
                    better = degree[r] > degree[bestRoot];
                } else if (TIES_TO_BOTH_OTHERS && other != null && third != null
                        && Math.abs(other[r] + third[r] - other[bestRoot] - third[bestRoot]) > 1e-9) {
                    better = other[r] + third[r] > other[bestRoot] + third[bestRoot];
                } else if (other != null && Math.abs(other[r] - other[bestRoot]) > 1e-9) {
                    better = other[r] > other[bestRoot];
                } else if (third != null && Math.abs(third[r] - third[bestRoot]) > 1e-9) {
                    better = third[r] > third[bestRoot];
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

    /**
     * The root's neighbour with the most neighbours in the tree, at least {@link #HUB_NEIGHBOURS} and more than
     * {@code root} has, when no model has more; -1 when none, or two of the root's neighbours tie. Another
     * model as large further away does not matter: a base's short fine-tune can gather half its
     * siblings in the spanning tree, and it is the base that sits beside the root then.
     */
    private static int hub(int[][] nbr, int root) {
        int most = Math.max(HUB_NEIGHBOURS - 1, nbr[root].length);
        for (int[] vs : nbr) {
            most = Math.max(most, vs.length);
        }
        int hub = -1;
        for (int v : nbr[root]) {
            if (nbr[v].length == most && most >= HUB_NEIGHBOURS && most > nbr[root].length) {
                if (hub >= 0) {
                    return -1;
                }
                hub = v;
            }
        }
        return hub;
    }

    /**
     * The model the two readings that did not decide name as root instead of {@code root}, or -1:
     * both read every edge between the two towards {@code root} (the deciding reading read them the
     * other way, or could not read them), each agrees with the deciding reading on at least
     * {@link #OTHERS_NAME_THE_ROOT} of the other edges both vote on, and it has at least as many
     * tree neighbours as {@code root}. Of several, the one the deciding reading scores best.
     */
    private static int rootNamedByOthers(double[][] others, double[] ev, int sign, double[] scores, int[] lo,
            int[][] nbr, int[][] via, int root, int[] byId, int n) {
        if (OTHERS_NAME_THE_ROOT < 0 || others == null) {
            return -1;
        }
        // per reading: edges both it and the deciding reading vote on, and of those the ones it agrees
        // on, over the whole tree and (below) over the path from the root to each model
        int r = others.length;
        int[] both = new int[r];
        int[] same = new int[r];
        for (int e = 0; e < ev.length; e++) {
            for (int i = 0; i < r; i++) {
                both[i] += votesBoth(others[i], ev, e);
                same[i] += agrees(others[i], ev, sign, e);
            }
        }
        Rooted t = root(nbr, via, root, n);
        int[] rank = new int[n];
        for (int k = 0; k < n; k++) {
            rank[byId[k]] = k;
        }
        boolean[] readBack = new boolean[n]; // every edge between the root and the model read towards the root
        readBack[root] = true;
        int[][] pathBoth = new int[r][n];
        int[][] pathSame = new int[r][n];
        int named = -1;
        for (int k = 1; k < n; k++) {
            int v = t.order[k];
            int p = t.parent[v];
            int e = t.edge[v];
            if (!readBack[p] || othersAgree(others, lo, e, v) <= 0) {
                continue;
            }
            readBack[v] = true;
            boolean agree = nbr[v].length >= nbr[root].length;
            for (int i = 0; i < r; i++) {
                pathBoth[i][v] = pathBoth[i][p] + votesBoth(others[i], ev, e);
                pathSame[i][v] = pathSame[i][p] + agrees(others[i], ev, sign, e);
                int elsewhere = both[i] - pathBoth[i][v];
                agree &= elsewhere > 0 && same[i] - pathSame[i][v] >= OTHERS_NAME_THE_ROOT * elsewhere - 1e-9;
            }
            if (agree && (named < 0 || scores[v] > scores[named] || scores[v] == scores[named] && rank[v] < rank[named])) {
                named = v;
            }
        }
        return named;
    }

    private static int votesBoth(double[] other, double[] ev, int e) {
        return Math.abs(other[e]) > 1e-9 && Math.abs(ev[e]) > 1e-9 ? 1 : 0;
    }

    private static int agrees(double[] other, double[] ev, int sign, int e) {
        return votesBoth(other, ev, e) == 1 && other[e] * ev[e] * sign > 0 ? 1 : 0;
    }

    /**
     * How firmly both readings that did not decide put p above its neighbour on edge e: the weaker
     * of their votes when both are at least {@link #OTHERS_DECIDE_WEAK_EDGE} for p, minus it when
     * both are against p by as much, else 0 (also without such readings).
     */
    private static double othersAgree(double[][] others, int[] lo, int e, int p) {
        if (others == null || OTHERS_DECIDE_WEAK_EDGE < 0) {
            return 0;
        }
        double a = directed(others[0], lo, e, p);
        double b = directed(others[1], lo, e, p);
        if (a >= OTHERS_DECIDE_WEAK_EDGE - 1e-9 && b >= OTHERS_DECIDE_WEAK_EDGE - 1e-9) {
            return Math.min(a, b);
        }
        if (a <= -OTHERS_DECIDE_WEAK_EDGE + 1e-9 && b <= -OTHERS_DECIDE_WEAK_EDGE + 1e-9) {
            return Math.max(a, b);
        }
        return 0;
    }

    /**
     * Whether the edge e is one the deciding reading (votes {@code ev}) cannot read and both other
     * readings put p above its neighbour on it.
     */
    private static boolean readByOthers(double[][] others, double[] ev, int[] lo, int e, int p) {
        return Math.abs(directed(ev, lo, e, p)) <= WEAK_ROOT_VOTE + 1e-9 && othersAgree(others, lo, e, p) > 0;
    }

    /** The tree edge between neighbours u and v. */
    private static int edgeBetween(int[][] nbr, int[][] via, int u, int v) {
        for (int i = 0; i < nbr[u].length; i++) {
            if (nbr[u][i] == v) {
                return via[u][i];
            }
        }
        throw new IllegalArgumentException("not neighbours: " + u + ", " + v);
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

    /**
     * Sorts a neighbour list (and its edge numbers alongside) by rank: insertion for short lists,
     * keys packed as (rank, edge) and sorted for long ones (a hub's root has a third of the family).
     */
    private static void sortByRank(int[] nbr, int[] via, int[] rank) {
        if (nbr.length > 32) {
            long[] keys = new long[nbr.length];
            for (int i = 0; i < nbr.length; i++) {
                keys[i] = ((long) rank[nbr[i]] << 32) | (i & 0xffffffffL);
            }
            Arrays.sort(keys);
            int[] n0 = nbr.clone();
            int[] v0 = via.clone();
            for (int i = 0; i < nbr.length; i++) {
                int from = (int) keys[i];
                nbr[i] = n0[from];
                via[i] = v0[from];
            }
            return;
        }
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
