package org.modelheritage.lineage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.modelheritage.family.CandidateIndex;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.family.ModelCluster;
import org.modelheritage.family.SketchEmbedding;
import org.modelheritage.family.WeightCorrelation;
import org.modelheritage.read.WeightFile;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The incremental lineage engine behind uploads: models come and go one at a time; families and
 * trees are recomputed from cached values. Adding the n-th model of a structure reads its weights
 * once (its {@link ModelSignature}) and computes at most n - 1 correlations and, within its
 * family, n - 1 {@link PairMetrics}; nothing else is recomputed from weights. Signatures and
 * pairwise values are plain data ({@link ModelSignature#encode()}, {@link #pairwiseValues()}) so
 * a store can persist them and {@link #restore} them into a new index.
 *
 * <p>Results depend only on the set of models and their weights, never on the order they were
 * added: every tie is broken by model id order ({@link String#compareTo}). Thread-safe.
 */
public final class LineageIndex {
    private static final Logger LOG = LoggerFactory.getLogger(LineageIndex.class);

    private final MotherRecipe recipe;
    private final FamilyClustering clustering;
    private final SignatureExtractor extractor;

    private final Map<String, ModelSignature> models = new TreeMap<>();
    // concurrent: pairs are computed in parallel, outside any map operation
    private final Map<Pair, Double> correlations = new ConcurrentHashMap<>();
    private final Map<Pair, PairMetrics> metrics = new ConcurrentHashMap<>();
    private final Map<DirectionSignal, Map<Pair, Double>> evidence = new java.util.EnumMap<>(DirectionSignal.class);
    /** Each model's inner product with itself (the merge fit's), computed once. */
    private final Map<String, Double> selfDots = new ConcurrentHashMap<>();
    /** Inner products of pairs the merge fit read without their other metrics (not stored: cheap to redo). */
    private final Map<Pair, Double> dots = new ConcurrentHashMap<>();
    /** The pair metrics, and inner products on their own where nothing else of a pair is cached. */
    private final FamilyTreeBuilder.PairSource pairSource = new FamilyTreeBuilder.PairSource() {
        @Override
        public PairMetrics metrics(String a, String b) {
            return pairMetrics(a, b);
        }

        @Override
        public double dot(String a, String b) {
            PairMetrics m = metrics.get(new Pair(a, b));
            return m != null ? m.dot()
                    : dots.computeIfAbsent(new Pair(a, b), k -> PairMetrics.dotBetween(models.get(a), models.get(b)));
        }
    };
    private List<ModelCluster> families;
    private final Map<List<String>, LineageTree> trees = new HashMap<>();
    /** What the default recipe keeps of each built tree, by the family's members, to grow it. */
    private final Map<List<String>, SpanningState> states = new HashMap<>();
    /** Families that are a built family plus one model, by their members: what to grow from. */
    private final Map<List<String>, Growth> growths = new HashMap<>();
    /** Pairwise values computed since the last {@link #drainComputed()} (restored ones are not). */
    private final java.util.Queue<PairDistance> computed = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /**
     * @param lost candidate pairs of the previous family that the added model pushed out of the
     *     candidate graph (a tree over candidate pairs loses them)
     */
    private record Growth(List<String> previous, String added, List<String[]> lost) {
    }

    /**
     * An unordered pair of models, {@code a < b}: the key of the pairwise caches (ids hash once,
     * a pair allocates no string).
     */
    private record Pair(String a, String b) {
        static Pair of(String x, String y) {
            return x.compareTo(y) < 0 ? new Pair(x, y) : new Pair(y, x);
        }

        boolean involves(String id) {
            return a.equals(id) || b.equals(id);
        }
    }

    /**
     * Families (and, for the family links, architectures) with more models than this compare
     * candidate pairs only ({@link org.modelheritage.family.CandidateIndex}); smaller ones every pair, exactly as before.
     */
    public static final int DEFAULT_SPARSE_ABOVE = Integer.getInteger("mh.sparseAbove", 200);
    private final int sparseAbove;
    /** Each model's likely relatives by sketch embedding; kept for every model, used above {@link #sparseAbove}. */
    private final CandidateIndex candidates;

    /** Trees built from scratch and trees grown by one model, for tests and monitoring. */
    private int treesBuilt;
    private int treesGrown;

    /** Our recipe, the default family threshold and sketch sizes. */
    public LineageIndex() {
        this(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor());
    }

    /** An index that orients trees by {@code recipe}, groups families by {@code clustering} and reads models with {@code extractor}. */
    public LineageIndex(MotherRecipe recipe, FamilyClustering clustering, SignatureExtractor extractor) {
        this(recipe, clustering, extractor, DEFAULT_SPARSE_ABOVE);
    }

    /** With the family size above which only candidate pairs are compared (0: always; a huge value: never). */
    public LineageIndex(MotherRecipe recipe, FamilyClustering clustering, SignatureExtractor extractor, int sparseAbove) {
        this(recipe, clustering, extractor, sparseAbove, CandidateIndex.DEFAULT_K);
    }

    /** With {@code k} nearest models kept per model (for tests: a small k makes candidate pairs come and go). */
    LineageIndex(MotherRecipe recipe, FamilyClustering clustering, SignatureExtractor extractor, int sparseAbove, int k) {
        this.candidates = new CandidateIndex(k);
        this.sparseAbove = sparseAbove;
        this.recipe = Objects.requireNonNull(recipe, "recipe");
        this.clustering = Objects.requireNonNull(clustering, "clustering");
        this.extractor = Objects.requireNonNull(extractor, "extractor");
        for (DirectionSignal signal : DirectionSignal.values()) {
            evidence.put(signal, new ConcurrentHashMap<>());
        }
    }

    /** The recipe that orients this index's trees. */
    public MotherRecipe recipe() {
        return recipe;
    }

    /** The extractor this index reads weights with (its sketch size must match restored signatures). */
    public SignatureExtractor extractor() {
        return extractor;
    }

    /**
     * Reads a model's weights once and adds it.
     *
     * @return its signature, for the caller to store
     * @throws IllegalArgumentException if the id is taken
     */
    public ModelSignature add(String modelId, WeightFile file) throws IOException {
        requireNew(modelId);
        ModelSignature signature = extractor.extract(file);
        add(modelId, signature);
        return signature;
    }

    /**
     * Adds a model whose signature is known (computed earlier, or read back from storage). When
     * the families are known, they are updated at once (the model's correlations with the models
     * of its structure, in parallel), and a family it joins will have its tree grown rather than
     * rebuilt.
     */
    public synchronized void add(String modelId, ModelSignature signature) {
        requireNew(modelId);
        models.put(modelId, Objects.requireNonNull(signature, "signature"));
        List<String[]> lost = new ArrayList<>();
        for (String[] p : candidates.add(modelId, signature.architecture(), SketchEmbedding.of(signature))) {
            if (!candidates.isCandidatePair(p[0], p[1])) {
                lost.add(p);
            }
        }
        if (families != null) {
            List<String> peers = new ArrayList<>();
            FamilyClustering.CorrelationSource source = this::correlation;
            if (sparse(signature.architecture())) {
                java.util.Set<String> mine = candidates.candidates(modelId);
                peers.addAll(mine);
                source = (a, b) -> mine.contains(a.equals(modelId) ? b : a) ? correlation(a, b) : Double.NaN;
            } else {
                for (ModelCluster f : families) {
                    if (f.architecture().equals(signature.architecture())) {
                        peers.addAll(f.members());
                    }
                }
            }
            peers.parallelStream().forEach(p -> correlation(p, modelId));
            List<ModelCluster> before = families;
            families = clustering.withModel(before, modelId, signature.architecture(), source);
            ModelCluster joined = families.stream().filter(f -> f.members().contains(modelId)).findFirst().orElseThrow();
            List<ModelCluster> absorbed = before.stream()
                    .filter(f -> f.architecture().equals(joined.architecture()) && joined.contains(f.firstMember()))
                    .toList();
            for (ModelCluster f : absorbed) {
                trees.remove(f.members());
                growths.remove(f.members());
            }
            List<ModelCluster> split = sparse(signature.architecture()) ? splitByLostLinks(lost) : List.of();
            for (ModelCluster f : split) {
                trees.remove(f.members());
                states.remove(f.members());
                growths.remove(f.members());
            }
            if (split.contains(joined)) {
                absorbed.forEach(f -> states.remove(f.members()));
            } else if (absorbed.size() == 1 && states.containsKey(absorbed.get(0).members())) {
                List<String[]> lostHere = lost.stream().filter(p -> joined.contains(p[0]) && joined.contains(p[1])).toList();
                growths.put(joined.members(), new Growth(absorbed.get(0).members(), modelId, lostHere));
            } else {
                absorbed.forEach(f -> states.remove(f.members()));
            }
            // a family built over candidate pairs that lost one of them (to a model of another
            // family) is built again
            for (String[] p : lost) {
                for (ModelCluster f : families) {
                    if (f != joined && f.members().size() > sparseAbove && f.contains(p[0]) && f.contains(p[1])) {
                        trees.remove(f.members());
                        states.remove(f.members());
                        growths.remove(f.members());
                    }
                }
            }
        }
        LOG.debug("added {} ({})", modelId, signature);
    }

    /**
     * Families linked over candidate pairs are the connected components of their links (candidate
     * pairs correlated at the threshold): a link that left the candidate graph may have been the
     * last between two parts of its family, which then become two families, as clustering them
     * afresh would find. Each lost link is looked for another path between its ends first (a walk
     * over the links from one end, which in a family of relatives meets the other end within a
     * few steps).
     *
     * @return the families that were split (replaced in {@link #families} by their parts)
     */
    private List<ModelCluster> splitByLostLinks(List<String[]> lost) {
        List<ModelCluster> split = new ArrayList<>();
        for (String[] p : lost) {
            ModelCluster f = null;
            for (ModelCluster c : families) {
                if (c.contains(p[0])) {
                    f = c;
                    break;
                }
            }
            if (f == null || !f.contains(p[1]) || correlation(p[0], p[1]) < clustering.threshold()) {
                continue;
            }
            ModelCluster family = f;
            java.util.Set<String> reached = new java.util.HashSet<>(List.of(p[0]));
            java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(List.of(p[0]));
            while (!queue.isEmpty() && !reached.contains(p[1])) {
                String u = queue.poll();
                for (String w : candidates.candidates(u)) {
                    if (!reached.contains(w) && family.contains(w) && correlation(u, w) >= clustering.threshold()) {
                        reached.add(w);
                        queue.add(w);
                    }
                }
            }
            if (reached.contains(p[1])) {
                continue;
            }
            // the family's components over its links, as the clustering finds them
            Map<String, ModelSignature> members = new TreeMap<>();
            family.members().forEach(id -> members.put(id, models.get(id)));
            List<ModelCluster> parts = clustering.cluster(members, this::correlation,
                    id -> candidates.candidates(id).stream().filter(family::contains).toList());
            List<ModelCluster> next = new ArrayList<>(families);
            next.remove(family);
            next.addAll(parts);
            next.sort(java.util.Comparator.comparing(ModelCluster::firstMember));
            families = next;
            split.add(family);
        }
        return split;
    }

    private synchronized void requireNew(String modelId) {
        Objects.requireNonNull(modelId, "modelId");
        if (models.containsKey(modelId)) {
            throw new IllegalArgumentException("model " + modelId + " is already in the index");
        }
    }

    /**
     * Removes a model and every cached value that involves it; false if it was not there. Its
     * family is split if it has to be, and a tree that was built is rebuilt at once from cached
     * values (quadratic in the family's size), so that the next model added grows it again.
     */
    public synchronized boolean remove(String modelId) {
        if (models.remove(modelId) == null) {
            return false;
        }
        candidates.remove(modelId);
        selfDots.remove(modelId);
        correlations.keySet().removeIf(k -> k.involves(modelId));
        metrics.keySet().removeIf(k -> k.involves(modelId));
        dots.keySet().removeIf(k -> k.involves(modelId));
        evidence.values().forEach(m -> m.keySet().removeIf(k -> k.involves(modelId)));
        boolean built = trees.keySet().stream().anyMatch(members -> members.contains(modelId));
        families = null;
        trees.keySet().removeIf(members -> members.contains(modelId));
        states.keySet().removeIf(members -> members.contains(modelId));
        growths.clear();
        if (built) {
            trees();
        }
        return true;
    }

    /** Whether the index holds this model. */
    public synchronized boolean contains(String modelId) {
        return models.containsKey(modelId);
    }

    /** The signature of a model the index holds. */
    public synchronized Optional<ModelSignature> signature(String modelId) {
        return Optional.ofNullable(models.get(modelId));
    }

    /** Model ids, sorted. */
    public synchronized List<String> modelIds() {
        return List.copyOf(models.keySet());
    }

    /** The families, sorted by first member. */
    public synchronized List<ModelCluster> families() {
        if (families == null) {
            // the correlations the clustering may ask for, computed in parallel first
            Map<String, List<String>> byStructure = new TreeMap<>();
            models.forEach((id, s) -> byStructure.computeIfAbsent(s.architecture(), k -> new ArrayList<>()).add(id));
            List<String[]> missing = new ArrayList<>();
            for (List<String> ids : byStructure.values()) {
                if (sparse(models.get(ids.get(0)).architecture())) {
                    candidatePairs(ids, correlations, missing);
                } else {
                    missingPairs(ids, correlations, missing);
                }
            }
            missing.parallelStream().forEach(p -> correlation(p[0], p[1]));
            families = clustering.cluster(models, this::correlation,
                    id -> sparse(models.get(id).architecture()) ? candidates.candidates(id) : null);
            // what was kept for families that are no more
            java.util.Set<List<String>> current = new java.util.HashSet<>();
            families.forEach(f -> current.add(f.members()));
            trees.keySet().retainAll(current);
            growths.keySet().retainAll(current);
            states.keySet().retainAll(current);
        }
        return families;
    }

    private static void missingPairs(List<String> sortedIds, Map<Pair, ?> cache, List<String[]> out) {
        for (int i = 0; i < sortedIds.size(); i++) {
            for (int j = i + 1; j < sortedIds.size(); j++) {
                if (!cache.containsKey(new Pair(sortedIds.get(i), sortedIds.get(j)))) {
                    out.add(new String[] {sortedIds.get(i), sortedIds.get(j)});
                }
            }
        }
    }

    /** True when the models of this architecture are linked into families by candidate pairs only. */
    private boolean sparse(String architecture) {
        return sparseRecipe() && candidates.size(architecture) > sparseAbove;
    }

    /** Candidate pairs serve our recipe (a spanning tree); the paper's arborescence compares all pairs. */
    private boolean sparseRecipe() {
        return recipe.distance() == MotherRecipe.DistanceMeasure.SPECTRAL
                && recipe.method() == MotherRecipe.TreeMethod.SPANNING_TREE;
    }

    /** The candidate pairs (a < b) among {@code sortedIds} not in {@code cache}. */
    private void candidatePairs(List<String> sortedIds, Map<Pair, ?> cache, List<String[]> out) {
        java.util.Set<String> in = new java.util.HashSet<>(sortedIds);
        for (String a : sortedIds) {
            for (String b : candidates.candidates(a)) {
                if (a.compareTo(b) < 0 && in.contains(b) && !cache.containsKey(new Pair(a, b))) {
                    out.add(new String[] {a, b});
                }
            }
        }
    }

    private LineageTree buildTree(ModelCluster f) {
        if (sparseRecipe() && f.members().size() > sparseAbove) {
            // a hub-sized family: grown by the new model's candidate pairs, or its candidate pairs
            // computed in parallel and a tree built on them
            Map<String, java.util.Set<String>> near = new HashMap<>(); // each model's, once per build
            FamilyTreeBuilder sparse = new FamilyTreeBuilder(recipe, models::get, pairSource,
                    this::directionEvidence, id -> near.computeIfAbsent(id, candidates::candidates), selfDots);
            Growth g = growths.remove(f.members());
            SpanningState previous = g == null ? null : states.remove(g.previous());
            if (previous != null && previous.sparse()) {
                candidates.candidates(g.added()).stream().filter(f::contains).toList().parallelStream()
                        .forEach(m -> pairMetrics(m, g.added()));
                FamilyTreeBuilder.Result grown = sparse.growSparse(f, previous, g.added(), g.lost());
                if (grown != null) {
                    treesGrown++;
                    states.put(f.members(), grown.state());
                    return grown.tree();
                }
            }
            List<String[]> missing = new ArrayList<>();
            candidatePairs(f.members(), metrics, missing);
            missing.parallelStream().forEach(p -> pairMetrics(p[0], p[1]));
            treesBuilt++;
            FamilyTreeBuilder.Result built = sparse.build(f);
            if (built.state() != null) {
                states.put(f.members(), built.state());
            }
            return built.tree();
        }
        Growth g = growths.remove(f.members());
        if (g != null) {
            SpanningState previous = states.remove(g.previous());
            if (previous != null && !previous.sparse()) {
                g.previous().parallelStream().forEach(m -> pairMetrics(m, g.added()));
                FamilyTreeBuilder.Result grown = builder().grow(f, previous, g.added());
                if (grown != null) {
                    treesGrown++;
                    states.put(f.members(), grown.state());
                    return grown.tree();
                }
            }
        }
        List<String[]> missing = new ArrayList<>();
        missingPairs(f.members(), metrics, missing);
        missing.parallelStream().forEach(p -> pairMetrics(p[0], p[1]));
        FamilyTreeBuilder.Result built = builder().build(f);
        treesBuilt++;
        if (built.state() != null) {
            states.put(f.members(), built.state());
        }
        return built.tree();
    }

    /** The family a model belongs to; empty for a model not added. */
    public synchronized Optional<ModelCluster> familyOf(String modelId) {
        return families().stream().filter(f -> f.contains(modelId)).findFirst();
    }

    /** The recovered tree of the family a model belongs to; empty for a model not added. */
    public synchronized Optional<LineageTree> treeOf(String modelId) {
        for (ModelCluster f : families()) {
            if (f.contains(modelId)) {
                return Optional.of(trees.computeIfAbsent(f.members(), m -> buildTree(f)));
            }
        }
        return Optional.empty();
    }

    /** Every family's tree, in family order. */
    public synchronized List<LineageTree> trees() {
        List<LineageTree> out = new ArrayList<>();
        for (ModelCluster f : families()) {
            out.add(trees.computeIfAbsent(f.members(), m -> buildTree(f)));
        }
        return out;
    }

    private FamilyTreeBuilder builder() {
        return new FamilyTreeBuilder(recipe, models::get, pairSource, this::directionEvidence, null, selfDots);
    }

    /** Cached by unordered pair: the arguments may come in either order. */
    private double correlation(String a, String b) {
        if (a.compareTo(b) > 0) {
            return correlation(b, a);
        }
        Pair k = new Pair(a, b);
        Double c = correlations.get(k);
        if (c == null) {
            c = WeightCorrelation.between(models.get(a), models.get(b));
            if (correlations.putIfAbsent(k, c) == null) {
                computed.add(new PairDistance(a, b, PairDistance.CORRELATION, c));
            }
        }
        return c;
    }

    /** Cached by unordered pair: the arguments may come in either order. */
    private PairMetrics pairMetrics(String a, String b) {
        if (a.compareTo(b) > 0) {
            return pairMetrics(b, a);
        }
        Pair k = new Pair(a, b);
        PairMetrics m = metrics.get(k);
        if (m == null) {
            m = PairMetrics.between(models.get(a), models.get(b));
            if (metrics.putIfAbsent(k, m) == null) {
                m.toRows().forEach((name, v) -> computed.add(new PairDistance(a, b, name, v)));
            }
        }
        return m;
    }

    /** Evidence for parent -> child, cached once per unordered pair and signal. */
    private double directionEvidence(String parent, String child, DirectionSignal signal) {
        boolean forward = parent.compareTo(child) < 0;
        String a = forward ? parent : child;
        String b = forward ? child : parent;
        Pair k = new Pair(a, b);
        Map<Pair, Double> cache = evidence.get(signal);
        Double e = cache.get(k);
        if (e == null) {
            e = DirectionEvidence.of(models.get(a), models.get(b), signal);
            if (cache.putIfAbsent(k, e) == null) {
                computed.add(new PairDistance(a, b, directionMetric(signal), e));
            }
        }
        return forward ? e : -e;
    }

    /** Every cached pairwise value, as storage rows. */
    public synchronized List<PairDistance> pairwiseValues() {
        List<PairDistance> rows = new ArrayList<>();
        correlations.forEach((k, v) -> rows.add(new PairDistance(k.a(), k.b(), PairDistance.CORRELATION, v)));
        metrics.forEach((k, m) -> m.toRows().forEach((name, v) -> rows.add(new PairDistance(k.a(), k.b(), name, v))));
        evidence.forEach((signal, values) -> values.forEach((k, v) ->
                rows.add(new PairDistance(k.a(), k.b(), directionMetric(signal), v))));
        rows.sort(java.util.Comparator.comparing(PairDistance::modelA).thenComparing(PairDistance::modelB)
                .thenComparing(PairDistance::metric));
        return rows;
    }

    private static String directionMetric(DirectionSignal signal) {
        return PairDistance.DIRECTION_PREFIX + signal.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * The pairwise values computed since the last call (in no particular order), for a store to
     * persist: each is handed out once; values restored by {@link #restore} and values of models
     * removed since are not.
     */
    public synchronized List<PairDistance> drainComputed() {
        List<PairDistance> out = new ArrayList<>();
        for (PairDistance p; (p = computed.poll()) != null; ) {
            if (ofPresentModels(p)) {
                out.add(p);
            }
        }
        return out;
    }

    private boolean ofPresentModels(PairDistance p) {
        return models.containsKey(p.modelA()) && models.containsKey(p.modelB());
    }

    /** What {@link #drainComputed()} would hand out now, without draining it. */
    public synchronized List<PairDistance> pendingComputed() {
        return computed.stream().filter(this::ofPresentModels).toList();
    }

    /**
     * Loads models and cached pairwise values back (what {@link ModelSignature#encode()} and
     * {@link #pairwiseValues()} gave). Rows about unknown models, or incomplete metric sets,
     * are ignored (they will be recomputed when needed).
     */
    public synchronized void restore(Map<String, ModelSignature> signatures, Collection<PairDistance> rows) {
        signatures.forEach(this::add);
        Map<Pair, Map<String, Double>> byPair = new LinkedHashMap<>();
        for (PairDistance r : rows) {
            if (!models.containsKey(r.modelA()) || !models.containsKey(r.modelB())) {
                continue;
            }
            Pair k = new Pair(r.modelA(), r.modelB());
            if (r.metric().equals(PairDistance.CORRELATION)) {
                correlations.put(k, r.value());
            } else if (r.metric().startsWith(PairDistance.DIRECTION_PREFIX)) {
                String signal = r.metric().substring(PairDistance.DIRECTION_PREFIX.length())
                        .replace('-', '_').toUpperCase(java.util.Locale.ROOT);
                try {
                    evidence.get(DirectionSignal.valueOf(signal)).put(k, r.value());
                } catch (IllegalArgumentException e) {
                    // a signal this engine no longer has: the row is not needed
                }
            } else {
                byPair.computeIfAbsent(k, x -> new HashMap<>()).put(r.metric(), r.value());
            }
        }
        byPair.forEach((k, m) -> {
            PairMetrics pm = PairMetrics.fromRows(m);
            if (pm != null) {
                metrics.put(k, pm);
            }
        });
        families = null;
        trees.clear();
        states.clear();
        growths.clear();
    }

    /** How many trees were built from scratch and how many grown by one model (linear time). */
    public synchronized Map<String, Integer> treeBuilds() {
        return Map.of("built", treesBuilt, "grown", treesGrown);
    }

    /** How many pairwise values are cached, by kind (for tests and monitoring). */
    public synchronized Map<String, Integer> cacheSizes() {
        return Map.of(PairDistance.CORRELATION, correlations.size(), "metrics", metrics.size(), "direction",
                evidence.values().stream().mapToInt(Map::size).sum());
    }
}
