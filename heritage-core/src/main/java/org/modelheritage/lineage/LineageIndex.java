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
    private final Map<String, Double> correlations = new ConcurrentHashMap<>();
    private final Map<String, PairMetrics> metrics = new ConcurrentHashMap<>();
    private final Map<String, Double> evidence = new ConcurrentHashMap<>();
    private List<ModelCluster> families;
    private final Map<List<String>, LineageTree> trees = new HashMap<>();
    /** What the default recipe keeps of each built tree, by the family's members, to grow it. */
    private final Map<List<String>, SpanningState> states = new HashMap<>();
    /** Families that are a built family plus one model, by their members: what to grow from. */
    private final Map<List<String>, Growth> growths = new HashMap<>();
    /** Pairwise values computed since the last {@link #drainComputed()} (restored ones are not). */
    private final java.util.Queue<PairDistance> computed = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private record Growth(List<String> previous, String added) {
    }

    /**
     * Families (and, for the family links, architectures) with more models than this compare
     * candidate pairs only ({@link org.modelheritage.family.CandidateIndex}); smaller ones every pair, exactly as before.
     */
    public static final int DEFAULT_SPARSE_ABOVE = Integer.getInteger("mh.sparseAbove", 200);
    private final int sparseAbove;
    /** Each model's likely relatives by sketch embedding; kept for every model, used above {@link #sparseAbove}. */
    private final CandidateIndex candidates = new CandidateIndex();

    /** Trees built from scratch and trees grown by one model, for tests and monitoring. */
    private int treesBuilt;
    private int treesGrown;

    /** Our recipe, the default family threshold and sketch sizes. */
    public LineageIndex() {
        this(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor());
    }

    /**
     * An index that compares candidate pairs only in families of more than
     * {@link #DEFAULT_SPARSE_ABOVE} models.
     *
     * @param recipe     how trees are built and oriented
     * @param clustering how models are grouped into families
     * @param extractor  how weights are read into signatures
     * @throws NullPointerException when an argument is null
     */
    public LineageIndex(MotherRecipe recipe, FamilyClustering clustering, SignatureExtractor extractor) {
        this(recipe, clustering, extractor, DEFAULT_SPARSE_ABOVE);
    }

    /**
     * An index with its own threshold for comparing candidate pairs only.
     *
     * @param recipe      how trees are built and oriented
     * @param clustering  how models are grouped into families
     * @param extractor   how weights are read into signatures
     * @param sparseAbove the family (or architecture) size above which only candidate pairs are
     *                    compared: 0 always, {@link Integer#MAX_VALUE} never
     * @throws NullPointerException when {@code recipe}, {@code clustering} or {@code extractor} is null
     */
    public LineageIndex(MotherRecipe recipe, FamilyClustering clustering, SignatureExtractor extractor, int sparseAbove) {
        this.sparseAbove = sparseAbove;
        this.recipe = Objects.requireNonNull(recipe, "recipe");
        this.clustering = Objects.requireNonNull(clustering, "clustering");
        this.extractor = Objects.requireNonNull(extractor, "extractor");
    }

    /** {@return the recipe that builds and orients this index's trees} */
    public MotherRecipe recipe() {
        return recipe;
    }

    /** {@return the extractor this index reads weights with (its sketch size must match restored signatures)} */
    public SignatureExtractor extractor() {
        return extractor;
    }

    /**
     * Reads a model's weights once and adds it.
     *
     * @param modelId the model's id; not yet in the index
     * @param file    its weights, open; read once, not closed
     * @return its signature, for the caller to store
     * @throws IllegalArgumentException if the id is taken
     * @throws IOException when the weights cannot be read
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
     *
     * @param modelId   the model's id; not yet in the index
     * @param signature its signature, not null
     * @throws IllegalArgumentException if the id is taken
     * @throws NullPointerException when {@code signature} is null
     */
    public synchronized void add(String modelId, ModelSignature signature) {
        requireNew(modelId);
        models.put(modelId, Objects.requireNonNull(signature, "signature"));
        candidates.add(modelId, signature.architecture(), SketchEmbedding.of(signature));
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
            if (absorbed.size() == 1 && states.containsKey(absorbed.get(0).members())) {
                growths.put(joined.members(), new Growth(absorbed.get(0).members(), modelId));
            } else {
                absorbed.forEach(f -> states.remove(f.members()));
            }
        }
        LOG.debug("added {} ({})", modelId, signature);
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
     *
     * @param modelId the model's id
     * @return true when it was in the index and is now gone, false when it was not there
     */
    public synchronized boolean remove(String modelId) {
        if (models.remove(modelId) == null) {
            return false;
        }
        candidates.remove(modelId);
        String a = modelId + "\u0000";
        String b = "\u0000" + modelId + "\u0000";
        correlations.keySet().removeIf(k -> k.startsWith(a) || k.contains(b));
        metrics.keySet().removeIf(k -> k.startsWith(a) || k.contains(b));
        evidence.keySet().removeIf(k -> k.startsWith(a) || k.contains(b));
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

    /**
     * Whether the index holds this model.
     *
     * @param modelId the model's id
     * @return true when it was added and not removed since
     */
    public synchronized boolean contains(String modelId) {
        return models.containsKey(modelId);
    }

    /**
     * The signature of a model the index holds.
     *
     * @param modelId the model's id
     * @return its signature, or empty when the index does not hold it
     */
    public synchronized Optional<ModelSignature> signature(String modelId) {
        return Optional.ofNullable(models.get(modelId));
    }

    /** {@return the ids of the models the index holds, sorted by {@link String#compareTo}; a copy} */
    public synchronized List<String> modelIds() {
        return List.copyOf(models.keySet());
    }

    /**
     * The families, sorted by first member; computed (correlations in parallel) on the first call
     * after a change, then cached.
     *
     * @return every family, a model on its own included
     */
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

    private static void missingPairs(List<String> sortedIds, Map<String, ?> cache, List<String[]> out) {
        for (int i = 0; i < sortedIds.size(); i++) {
            for (int j = i + 1; j < sortedIds.size(); j++) {
                if (!cache.containsKey(key(sortedIds.get(i), sortedIds.get(j)))) {
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
    private void candidatePairs(List<String> sortedIds, Map<String, ?> cache, List<String[]> out) {
        java.util.Set<String> in = new java.util.HashSet<>(sortedIds);
        for (String a : sortedIds) {
            for (String b : candidates.candidates(a)) {
                if (a.compareTo(b) < 0 && in.contains(b) && !cache.containsKey(key(a, b))) {
                    out.add(new String[] {a, b});
                }
            }
        }
    }

    private LineageTree buildTree(ModelCluster f) {
        if (sparseRecipe() && f.members().size() > sparseAbove) {
            // a hub-sized family: its candidate pairs, computed in parallel, and a tree on them
            List<String[]> missing = new ArrayList<>();
            candidatePairs(f.members(), metrics, missing);
            missing.parallelStream().forEach(p -> pairMetrics(p[0], p[1]));
            growths.remove(f.members());
            treesBuilt++;
            Map<String, java.util.Set<String>> near = new HashMap<>(); // each model's, once per build
            return new FamilyTreeBuilder(recipe, models::get, this::pairMetrics, this::directionEvidence,
                    id -> near.computeIfAbsent(id, candidates::candidates)).build(f).tree();
        }
        Growth g = growths.remove(f.members());
        if (g != null) {
            SpanningState previous = states.remove(g.previous());
            if (previous != null) {
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

    /**
     * The family a model belongs to.
     *
     * @param modelId the model's id
     * @return its family (itself alone when it has no relative), or empty for a model not added
     */
    public synchronized Optional<ModelCluster> familyOf(String modelId) {
        return families().stream().filter(f -> f.contains(modelId)).findFirst();
    }

    /**
     * The recovered tree of the family a model belongs to; built on first use, then cached.
     *
     * @param modelId the model's id
     * @return its family's tree, or empty for a model not added
     */
    public synchronized Optional<LineageTree> treeOf(String modelId) {
        for (ModelCluster f : families()) {
            if (f.contains(modelId)) {
                return Optional.of(trees.computeIfAbsent(f.members(), m -> buildTree(f)));
            }
        }
        return Optional.empty();
    }

    /** {@return every family's tree, in {@link #families()} order; trees not built yet are built now} */
    public synchronized List<LineageTree> trees() {
        List<LineageTree> out = new ArrayList<>();
        for (ModelCluster f : families()) {
            out.add(trees.computeIfAbsent(f.members(), m -> buildTree(f)));
        }
        return out;
    }

    private FamilyTreeBuilder builder() {
        return new FamilyTreeBuilder(recipe, models::get, this::pairMetrics, this::directionEvidence);
    }

    private static String key(String a, String b) {
        return a + "\u0000" + b + "\u0000";
    }

    /** Cached by unordered pair: the arguments may come in either order. */
    private double correlation(String a, String b) {
        if (a.compareTo(b) > 0) {
            return correlation(b, a);
        }
        String k = key(a, b);
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
        String k = key(a, b);
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
        String k = key(a, b) + signal.name();
        Double e = evidence.get(k);
        if (e == null) {
            e = DirectionEvidence.of(models.get(a), models.get(b), signal);
            if (evidence.putIfAbsent(k, e) == null) {
                computed.add(new PairDistance(a, b, directionMetric(signal), e));
            }
        }
        return forward ? e : -e;
    }

    /**
     * Every cached pairwise value, as storage rows: correlations, {@link PairMetrics} by name, and
     * direction evidence.
     *
     * @return the rows, sorted by model A, model B, then metric
     */
    public synchronized List<PairDistance> pairwiseValues() {
        List<PairDistance> rows = new ArrayList<>();
        correlations.forEach((k, v) -> {
            String[] ab = split(k);
            rows.add(new PairDistance(ab[0], ab[1], PairDistance.CORRELATION, v));
        });
        metrics.forEach((k, m) -> {
            String[] ab = split(k);
            m.toRows().forEach((name, v) -> rows.add(new PairDistance(ab[0], ab[1], name, v)));
        });
        evidence.forEach((k, v) -> {
            String[] ab = split(k);
            rows.add(new PairDistance(ab[0], ab[1], directionMetric(DirectionSignal.valueOf(ab[2])), v));
        });
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
     *
     * @return the new rows; empty when nothing was computed since the last call
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

    /** {@return what {@link #drainComputed()} would hand out now, without draining it} */
    public synchronized List<PairDistance> pendingComputed() {
        return computed.stream().filter(this::ofPresentModels).toList();
    }

    private static String[] split(String key) {
        String[] parts = key.split("\u0000", -1);
        return new String[] {parts[0], parts[1], parts.length > 2 ? parts[2] : ""};
    }

    /**
     * Loads models and cached pairwise values back (what {@link ModelSignature#encode()} and
     * {@link #pairwiseValues()} gave). Rows about unknown models, or incomplete metric sets,
     * are ignored (they will be recomputed when needed).
     *
     * @param signatures the models to add, by id; none may be in the index already
     * @param rows       cached pairwise values, as {@link #pairwiseValues()} gives them
     * @throws IllegalArgumentException when a model id is already in the index
     */
    public synchronized void restore(Map<String, ModelSignature> signatures, Collection<PairDistance> rows) {
        signatures.forEach(this::add);
        Map<String, Map<String, Double>> byPair = new LinkedHashMap<>();
        for (PairDistance r : rows) {
            if (!models.containsKey(r.modelA()) || !models.containsKey(r.modelB())) {
                continue;
            }
            String k = key(r.modelA(), r.modelB());
            if (r.metric().equals(PairDistance.CORRELATION)) {
                correlations.put(k, r.value());
            } else if (r.metric().startsWith(PairDistance.DIRECTION_PREFIX)) {
                String signal = r.metric().substring(PairDistance.DIRECTION_PREFIX.length())
                        .replace('-', '_').toUpperCase(java.util.Locale.ROOT);
                evidence.put(k + signal, r.value());
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

    /** {@return how many trees were built from scratch ({@code built}) and how many grown by one model in linear time ({@code grown})} */
    public synchronized Map<String, Integer> treeBuilds() {
        return Map.of("built", treesBuilt, "grown", treesGrown);
    }

    /** {@return how many pairwise values are cached, by kind: {@code correlation}, {@code metrics}, {@code direction} (for tests and monitoring)} */
    public synchronized Map<String, Integer> cacheSizes() {
        return Map.of(PairDistance.CORRELATION, correlations.size(), "metrics", metrics.size(), "direction",
                evidence.size());
    }
}
