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
            Pair k = new Pair(a, b);
            PairMetrics m = metrics.get(k);
            if (m == null && cachedIn != null) {
                m = cachedIn.metrics.get(k);
            }
            return m != null ? m.dot() : dots.computeIfAbsent(k, x -> PairMetrics.dotBetween(models.get(a), models.get(b)));
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
     * candidate pairs only ({@link org.modelheritage.family.CandidateIndex}); smaller ones every pair.
     * At 64 an add compares at most 64 pairs (about 50 ms of spectral work for small models), where
     * 200 took a median of 120 ms from the 100th model to the 200th; every development family and
     * corpus subset gives the same output either way (they do with 0 too).
     */
    public static final int DEFAULT_SPARSE_ABOVE = Integer.getInteger("mh.sparseAbove", 64);
    private final int sparseAbove;
    /**
     * Each model's likely relatives by sketch embedding; kept for every model, used above {@link
     * #sparseAbove}. Replaced only in a probe's scratch index, before it is used.
     */
    private CandidateIndex candidates;
    /**
     * A probe's scratch index reads the pair values its base index has cached (it holds a subset of
     * its models, and is used while the base is locked); null for any other index.
     */
    private LineageIndex cachedIn;

    /**
     * Where cached pair values that {@link #restore} was not given are read, among a family's
     * members, the first time the family's tree is needed; null when everything was given.
     */
    private java.util.function.Function<Collection<String>, ? extends Collection<PairDistance>> storedRows;
    /**
     * Families built over candidate pairs whose pairs changed (a model of another family took one)
     * since their tree was last built, or since a restore if it was not: their trees may differ.
     */
    private final java.util.Set<List<String>> invalidated = new java.util.HashSet<>();
    /** Restored models whose cached pair values {@link #storedRows} has not been asked for yet. */
    private final java.util.Set<String> unfetched = new java.util.HashSet<>();

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
        Objects.requireNonNull(signature, "signature");
        add(modelId, signature, SketchEmbedding.of(signature));
    }

    /**
     * Adds a model another index added already (another process sharing a store), with the cached
     * values that index computed for it: as {@link #add(String, ModelSignature)}, computing only
     * what {@code rows} do not hold. A family it joins has its tree grown when next asked for.
     *
     * @param modelId   the model's id; not yet in the index
     * @param signature its signature, not null
     * @param rows      cached pairwise values involving it, as {@link #pairwiseValues()} gives them
     * @throws IllegalArgumentException if the id is taken
     * @throws NullPointerException when {@code signature} is null
     */
    public synchronized void addKnown(String modelId, ModelSignature signature, Collection<PairDistance> rows) {
        Objects.requireNonNull(signature, "signature");
        add(modelId, signature, SketchEmbedding.of(signature), rows);
    }

    /** As {@link #add(String, ModelSignature)}, its embedding ({@link SketchEmbedding#of}) given. */
    private synchronized void add(String modelId, ModelSignature signature, float[] embedding) {
        add(modelId, signature, embedding, List.of());
    }

    /** As {@link #add(String, ModelSignature)}, its embedding given and the cached values of {@code rows} put first. */
    private synchronized void add(String modelId, ModelSignature signature, float[] embedding, Collection<PairDistance> rows) {
        requireNew(modelId);
        String architecture = signature.architecture();
        // who it is compared with is decided before it is in, as a probe decides it
        java.util.Set<String> near = families == null ? null : familyCandidates(modelId, architecture, embedding);
        models.put(modelId, signature);
        putRows(rows);
        List<String[]> lost = new ArrayList<>();
        for (String[] p : candidates.add(modelId, architecture, embedding)) {
            if (!candidates.isCandidatePair(p[0], p[1])) {
                lost.add(p);
            }
        }
        if (families != null) {
            List<ModelCluster> before = families;
            families = familiesWith(before, modelId, architecture, near, this::correlation);
            ModelCluster joined = families.stream().filter(f -> f.members().contains(modelId)).findFirst().orElseThrow();
            List<ModelCluster> absorbed = before.stream()
                    .filter(f -> f.architecture().equals(joined.architecture()) && joined.contains(f.firstMember()))
                    .toList();
            for (ModelCluster f : absorbed) {
                trees.remove(f.members());
                growths.remove(f.members());
            }
            List<ModelCluster> split = sparse(architecture) ? splitByLostLinks(lost) : List.of();
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
                        invalidated.add(f.members());
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
     * The models a new model is compared with to find its family, as {@link #add} does it: null for
     * every model of its architecture; where the architecture, the new model counted, has more
     * than {@link #sparseAbove} models, its candidates only ({@link CandidateIndex#candidatesIfAdded}:
     * its nearest by sketch embedding and the models it would be among the nearest of).
     */
    private java.util.Set<String> familyCandidates(String modelId, String architecture, float[] embedding) {
        return sparseRecipe() && candidates.size(architecture) + 1 > sparseAbove
                ? candidates.candidatesIfAdded(modelId, architecture, embedding) : null;
    }

    /**
     * The families once a new model is in ({@link FamilyClustering#withModel}), given who it is
     * compared with ({@code near}, null for every model of its architecture): its correlations with
     * those are computed in parallel first, and no other is asked.
     */
    private List<ModelCluster> familiesWith(List<ModelCluster> before, String modelId, String architecture,
            java.util.Set<String> near, FamilyClustering.CorrelationSource correlations) {
        List<String> peers = new ArrayList<>();
        FamilyClustering.CorrelationSource source = correlations;
        if (near != null) {
            peers.addAll(near);
            source = (a, b) -> near.contains(a.equals(modelId) ? b : a) ? correlations.correlation(a, b) : Double.NaN;
        } else {
            for (ModelCluster f : before) {
                if (f.architecture().equals(architecture)) {
                    peers.addAll(f.members());
                }
            }
        }
        peers.parallelStream().forEach(p -> correlations.correlation(p, modelId));
        return clustering.withModel(before, modelId, architecture, source);
    }

    /**
     * What adding the model would do, the index left unchanged: the family it would join and the
     * tree that family would then have, found the way {@link #add} and {@link #treeOf} would find
     * them, under the index's recipe, family rule and candidate pairs. The candidate is compared
     * with the models {@link #add} would compare it with (every model of its architecture, or its
     * candidates in a large architecture); the tree is built by a scratch index holding the
     * family's members (their signatures and the values cached here) and the candidate, so it costs
     * the candidate's pair values with the family and one tree.
     *
     * @param candidateId the id the candidate goes by: one no model has (ties broken by id decide by it)
     * @param candidate   the candidate's signature
     * @return where the candidate would sit, under {@code candidateId}
     * @throws IllegalArgumentException when a model has the id
     */
    public synchronized LineageProbe.Outcome probe(String candidateId, ModelSignature candidate) {
        return probe(candidateId, candidate, ids -> List.of());
    }

    /**
     * As {@link #probe(String, ModelSignature)}, with {@code cachedRows} asked for pairwise values
     * among the family's members that this index may not hold (an index that was given signatures
     * only); what neither has is computed, to the same values.
     */
    synchronized LineageProbe.Outcome probe(String candidateId, ModelSignature candidate,
            java.util.function.Function<Collection<String>, ? extends Collection<PairDistance>> cachedRows) {
        String cid = Objects.requireNonNull(candidateId, "candidateId");
        requireNew(cid);
        String architecture = candidate.architecture();
        List<ModelCluster> sameArchitecture = families().stream().filter(f -> f.architecture().equals(architecture)).toList();
        if (sameArchitecture.isEmpty()) {
            return new LineageProbe.Outcome(cid, LineageProbe.Placement.NO_COMPATIBLE_ARCHITECTURE, List.of(), null, null,
                    false, Map.of(), Map.of());
        }
        float[] embedding = SketchEmbedding.of(candidate);
        java.util.Set<String> near = familyCandidates(cid, architecture, embedding);
        Map<String, Double> correlations = new ConcurrentHashMap<>();
        // argument order as the cache's (the smaller id first), so each value is the one an add computes
        java.util.function.Function<String, Double> correlate = id -> id.compareTo(cid) < 0
                ? WeightCorrelation.between(models.get(id), candidate) : WeightCorrelation.between(candidate, models.get(id));
        List<ModelCluster> after = familiesWith(sameArchitecture, cid, architecture, near,
                (a, b) -> correlations.computeIfAbsent(a.equals(cid) ? b : a, correlate));
        ModelCluster family = after.stream().filter(f -> f.contains(cid)).findFirst().orElseThrow();
        if (family.size() == 1) {
            return new LineageProbe.Outcome(cid, LineageProbe.Placement.INDEPENDENTLY_TRAINED, List.of(), null, null,
                    false, correlations, Map.of());
        }
        List<ModelCluster> joined = sameArchitecture.stream().filter(f -> family.contains(f.firstMember()))
                .sorted(java.util.Comparator.comparingInt(ModelCluster::size).reversed().thenComparing(ModelCluster::firstMember))
                .toList();
        fetchRows(family.members().stream().filter(id -> !id.equals(cid)).toList());
        LineageIndex scratch = scratchFor(family, cid, candidate, embedding, cachedRows);
        LineageTree tree = scratch.treeOf(cid).orElseThrow();
        Map<String, PairMetrics> metrics = new HashMap<>();
        for (String id : family.members()) {
            PairMetrics m = id.equals(cid) ? null : scratch.metrics.get(Pair.of(id, cid));
            if (m != null) {
                metrics.put(id, m);
                correlations.computeIfAbsent(id, correlate); // a member it was not compared with, but is measured against
            }
        }
        return new LineageProbe.Outcome(cid, LineageProbe.Placement.JOINS_FAMILY, joined, family, tree, tree.lowRank(),
                correlations, metrics);
    }

    /**
     * A scratch index holding the family (its members and the candidate), for the candidate's
     * tree: the members' signatures, the pair values cached here read through (never copied, never
     * written), the family given (a family's tree depends on its members only), and for a family
     * built on candidate pairs this index's candidate lists with the candidate added, so its pairs
     * are the ones an add gives.
     */
    private LineageIndex scratchFor(ModelCluster family, String cid, ModelSignature candidate, float[] embedding,
            java.util.function.Function<Collection<String>, ? extends Collection<PairDistance>> cachedRows) {
        LineageIndex s = new LineageIndex(recipe, clustering, extractor, sparseAbove);
        List<String> members = family.members().stream().filter(id -> !id.equals(cid)).toList();
        members.forEach(id -> s.models.put(id, models.get(id)));
        s.models.put(cid, candidate);
        boolean sparseTree = sparseRecipe() && family.size() > sparseAbove;
        if (sparseTree) {
            s.candidates = candidates.copyOf(family.architecture());
            s.candidates.add(cid, family.architecture(), embedding);
        }
        s.cachedIn = this;
        s.putRows(cachedRows.apply(members));
        s.families = List.of(family);
        return s;
    }

    /**
     * An index of given families, for a probe of what is not an index: the signatures of their
     * members (those {@code signatures} gives; null skips a model) and the families as they are,
     * not clustered again. Embeddings are computed only where the probe will use candidate pairs.
     */
    static LineageIndex ofFamilies(MotherRecipe recipe, FamilyClustering clustering, SignatureExtractor extractor,
            List<ModelCluster> families, java.util.function.Function<String, ModelSignature> signatures) {
        LineageIndex index = new LineageIndex(recipe, clustering, extractor);
        List<ModelCluster> present = new ArrayList<>();
        for (ModelCluster f : families) {
            List<String> ids = new ArrayList<>();
            for (String id : f.members()) {
                ModelSignature s = signatures.apply(id);
                if (s != null) {
                    index.models.put(id, s);
                    ids.add(id);
                }
            }
            if (!ids.isEmpty()) {
                present.add(new ModelCluster(f.architecture(), ids));
            }
        }
        Map<String, Long> perArchitecture = new HashMap<>();
        index.models.values().forEach(s -> perArchitecture.merge(s.architecture(), 1L, Long::sum));
        index.models.forEach((id, s) -> {
            // below the threshold the candidate lists are never read (and then size() is 0, not n: still below)
            if (index.sparseRecipe() && perArchitecture.get(s.architecture()) + 1 > index.sparseAbove) {
                index.candidates.add(id, s.architecture(), SketchEmbedding.of(s));
            }
        });
        present.sort(java.util.Comparator.comparing(ModelCluster::firstMember));
        index.families = present;
        return index;
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
            if (linked(p[0], p[1], family)) {
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

    /**
     * Whether two models of a family are joined by a path of links: through a common neighbour
     * first (in a family of relatives nearly always), else by a walk over the links from one end.
     */
    private boolean linked(String from, String to, ModelCluster family) {
        double t = clustering.threshold();
        // a common neighbour on either end's own list (a hub's root is a candidate of a third of
        // the family, but lists only k)
        List<String> own = new ArrayList<>(candidates.nearest(from));
        own.addAll(candidates.nearest(to));
        for (String c : own) {
            if (!c.equals(from) && !c.equals(to) && family.contains(c) && candidates.isCandidatePair(from, c)
                    && candidates.isCandidatePair(c, to) && correlation(from, c) >= t && correlation(c, to) >= t) {
                return true;
            }
        }
        java.util.Set<String> reached = new java.util.HashSet<>(List.of(from));
        java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(List.of(from));
        while (!queue.isEmpty()) {
            String u = queue.poll();
            for (String w : candidates.candidates(u)) {
                if (!reached.contains(w) && family.contains(w) && correlation(u, w) >= t) {
                    if (w.equals(to)) {
                        return true;
                    }
                    reached.add(w);
                    queue.add(w);
                }
            }
        }
        return false;
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
        selfDots.remove(modelId);
        correlations.keySet().removeIf(k -> k.involves(modelId));
        metrics.keySet().removeIf(k -> k.involves(modelId));
        dots.keySet().removeIf(k -> k.involves(modelId));
        evidence.values().forEach(m -> m.keySet().removeIf(k -> k.involves(modelId)));
        unfetched.remove(modelId);
        java.util.Set<String> was = new java.util.HashSet<>();
        trees.keySet().stream().filter(members -> members.contains(modelId)).forEach(was::addAll);
        families = null;
        trees.keySet().removeIf(members -> members.contains(modelId));
        states.keySet().removeIf(members -> members.contains(modelId));
        growths.clear();
        // the tree it was in is built again now (its family or the parts it split into)
        trees(f -> f.members().stream().anyMatch(was::contains));
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
                    candidatePairs(ids, correlations::containsKey, missing);
                } else {
                    missingPairs(ids, correlations::containsKey, missing);
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

    private static void missingPairs(List<String> sortedIds, java.util.function.Predicate<Pair> cached, List<String[]> out) {
        for (int i = 0; i < sortedIds.size(); i++) {
            for (int j = i + 1; j < sortedIds.size(); j++) {
                if (!cached.test(new Pair(sortedIds.get(i), sortedIds.get(j)))) {
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
    private void candidatePairs(List<String> sortedIds, java.util.function.Predicate<Pair> cached, List<String[]> out) {
        java.util.Set<String> in = new java.util.HashSet<>(sortedIds);
        for (String a : sortedIds) {
            for (String b : candidates.candidates(a)) {
                if (a.compareTo(b) < 0 && in.contains(b) && !cached.test(new Pair(a, b))) {
                    out.add(new String[] {a, b});
                }
            }
        }
    }

    private LineageTree buildTree(ModelCluster f) {
        fetchRows(f.members());
        invalidated.remove(f.members());
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
            candidatePairs(f.members(), this::hasMetrics, missing);
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
        missingPairs(f.members(), this::hasMetrics, missing);
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

    /**
     * The trees of the families {@code which} accepts, in {@link #families()} order; the others'
     * are neither built nor looked at (null in their place).
     *
     * @param which the families whose trees are wanted
     * @return one entry per family of {@link #families()}: its tree, or null when {@code which} refused it
     */
    public synchronized List<LineageTree> trees(java.util.function.Predicate<ModelCluster> which) {
        List<LineageTree> out = new ArrayList<>();
        for (ModelCluster f : families()) {
            out.add(which.test(f) ? trees.computeIfAbsent(f.members(), m -> buildTree(f)) : null);
        }
        return out;
    }

    /**
     * Whether the tree of the family of these members may have changed although they did not,
     * since it was last built (or since the index was restored, if it was not): only a family
     * built over candidate pairs can, when a model of another family takes one of its pairs.
     * Building its tree clears it.
     *
     * @param members a family's members, sorted
     * @return true when its tree may differ from the one last built or restored
     */
    public synchronized boolean treeInvalidated(List<String> members) {
        return invalidated.contains(members);
    }

    /** True when a family of this many models is built over candidate pairs. */
    private boolean hubSized(int members) {
        return sparseRecipe() && members > sparseAbove;
    }

    /** {@return every family's tree, in {@link #families()} order; trees not built yet are built now} */
    public synchronized List<LineageTree> trees() {
        return trees(f -> true);
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

    private boolean hasMetrics(Pair key) {
        return metrics.containsKey(key) || cachedIn != null && cachedIn.metrics.containsKey(key);
    }

    /** Cached by unordered pair: the arguments may come in either order. */
    private PairMetrics pairMetrics(String a, String b) {
        if (a.compareTo(b) > 0) {
            return pairMetrics(b, a);
        }
        Pair k = new Pair(a, b);
        PairMetrics m = metrics.get(k);
        if (m == null && cachedIn != null) {
            m = cachedIn.metrics.get(k);
        }
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
        if (e == null && cachedIn != null) {
            e = cachedIn.evidence.get(signal).get(k);
        }
        if (e == null) {
            e = DirectionEvidence.of(models.get(a), models.get(b), signal);
            if (cache.putIfAbsent(k, e) == null) {
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
        restore(signatures, rows, null);
    }

    /**
     * As {@link #restore(Map, Collection)}, with the cached values the families need (their
     * correlations, for instance) given and the rest read from {@code moreRows} when first needed:
     * the values among a family's members, the first time its tree is built or a probe places a
     * model in it. A restore for one family's work then reads that family's values, not the group's.
     *
     * @param signatures the models to add, by id; none may be in the index already
     * @param rows       cached pairwise values known now, as {@link #pairwiseValues()} gives them
     * @param moreRows   given the ids of a family's members, the cached values among them; null when
     *                   {@code rows} holds every cached value
     * @throws IllegalArgumentException when a model id is already in the index
     * @throws NullPointerException when a signature is null
     */
    public synchronized void restore(Map<String, ModelSignature> signatures, Collection<PairDistance> rows,
            java.util.function.Function<Collection<String>, ? extends Collection<PairDistance>> moreRows) {
        signatures.values().forEach(s -> Objects.requireNonNull(s, "signature"));
        if (moreRows != null) {
            storedRows = moreRows;
            unfetched.addAll(signatures.keySet());
        }
        Map<String, float[]> embeddings = embeddingsOf(signatures);
        if (models.isEmpty() && families == null) {
            // a new index: the candidate lists of each architecture built at once, not model by model
            Map<String, Map<String, float[]>> byArchitecture = new TreeMap<>();
            signatures.forEach((id, s) -> byArchitecture.computeIfAbsent(s.architecture(), a -> new LinkedHashMap<>())
                    .put(id, embeddings.get(id)));
            models.putAll(signatures);
            byArchitecture.forEach(candidates::addAll);
        } else {
            signatures.forEach((id, s) -> add(id, s, embeddings.get(id)));
        }
        putRows(rows);
        families = null;
        trees.clear();
        states.clear();
        growths.clear();
    }

    /**
     * Adds models that were added elsewhere (another process sharing the store) with the cached
     * values the families are found from, as {@link #restore(Map, Collection, java.util.function.Function)}
     * would hold them after restoring everything: their families are clustered again from cached
     * correlations, their other values are read from {@code moreRows} when a family's tree is
     * first needed, and nothing the store holds is computed again. Trees of families whose members
     * did not change are kept, but for families built over candidate pairs, which the new models
     * can change.
     *
     * @param signatures the models to add, by id; none may be in the index already
     * @param rows       cached pairwise values involving them, as {@link #pairwiseValues()} gives them
     * @param moreRows   given the ids of a family's members, the cached values among them; null to
     *                   keep what {@link #restore} was given
     * @throws IllegalArgumentException when a model id is already in the index
     * @throws NullPointerException when a signature is null
     */
    public synchronized void catchUp(Map<String, ModelSignature> signatures, Collection<PairDistance> rows,
            java.util.function.Function<Collection<String>, ? extends Collection<PairDistance>> moreRows) {
        signatures.forEach((id, s) -> {
            requireNew(id);
            Objects.requireNonNull(s, "signature");
        });
        if (moreRows != null) {
            storedRows = moreRows;
        }
        if (storedRows != null) {
            unfetched.addAll(signatures.keySet());
        }
        Map<String, float[]> embeddings = embeddingsOf(signatures);
        families = null; // clustered once, from the cached correlations, when next asked
        signatures.forEach((id, s) -> add(id, s, embeddings.get(id)));
        putRows(rows);
        trees.keySet().removeIf(members -> hubSized(members.size()));
        states.keySet().removeIf(members -> hubSized(members.size()));
        growths.clear();
        invalidated.clear(); // the store holds what the models added elsewhere changed
    }

    /** The models' embeddings, most of a restore's work and independent of one another: on every core. */
    private static Map<String, float[]> embeddingsOf(Map<String, ModelSignature> signatures) {
        Map<String, float[]> embeddings = new ConcurrentHashMap<>();
        signatures.entrySet().parallelStream().forEach(e -> embeddings.put(e.getKey(), SketchEmbedding.of(e.getValue())));
        return embeddings;
    }

    /** The cached values among these models that {@link #storedRows} holds, read once per restored model. */
    private void fetchRows(Collection<String> ids) {
        if (storedRows != null && ids.stream().anyMatch(unfetched::contains)) {
            putRows(storedRows.apply(ids));
            unfetched.removeAll(ids);
        }
    }

    /** Cached values from storage rows; rows about unknown models, or incomplete metric sets, ignored. */
    private void putRows(Collection<PairDistance> rows) {
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
    }

    /** {@return how many trees were built from scratch ({@code built}) and how many grown by one model in linear time ({@code grown})} */
    public synchronized Map<String, Integer> treeBuilds() {
        return Map.of("built", treesBuilt, "grown", treesGrown);
    }

    /** {@return how many pairwise values are cached, by kind: {@code correlation}, {@code metrics}, {@code direction} (for tests and monitoring)} */
    public synchronized Map<String, Integer> cacheSizes() {
        return Map.of(PairDistance.CORRELATION, correlations.size(), "metrics", metrics.size(), "direction",
                evidence.values().stream().mapToInt(Map::size).sum());
    }
}
