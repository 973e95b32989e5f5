package org.modelheritage.lake;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.family.ModelCluster;
import org.modelheritage.lineage.DirectionSignal;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.LineageIndex;
import org.modelheritage.lineage.LineageProbe;
import org.modelheritage.lineage.LineageTree;
import org.modelheritage.lineage.MotherRecipe;
import org.modelheritage.lineage.PairDistance;
import org.modelheritage.lineage.PairMetrics;
import org.modelheritage.read.WeightFile;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake's lineage over the library's incremental engine, {@link LineageIndex}: the same
 * recipe, family rule and signatures as {@code eval}, so a lake holding a set of models shows the
 * families and trees a batch run over the same weights recovers.
 *
 * <p>Between calls it remembers the family states it last reported and the pairwise rows already
 * handed out (or restored), so each {@link Outcome} holds only what changed: the families whose
 * members or tree differ, and the rows the engine computed on the way.
 */
final class IncrementalLineage implements LineageAdapter {
    private static final Logger log = LoggerFactory.getLogger(IncrementalLineage.class);

    /**
     * The version signatures are stored under: the encoding ({@link ModelSignature#encode()}) and
     * the sketch sizes they were taken with. Bump it when either changes; a model stored under
     * another version is read again from its blobs when the lake reopens.
     */
    static final String VERSION = "mhsg3-sketch" + SignatureExtractor.DEFAULT_SKETCH_SIZE + "x"
            + SignatureExtractor.DEFAULT_MINOR_SKETCH_SIZE;
    /**
     * Cached pairwise rows are stored as distances named {@code PREFIX + engine metric}; the
     * prefix versions the formulas, so rows computed by an older engine are never read back.
     */
    static final String METRIC_PREFIX = "lineage3:";

    private final MotherRecipe recipe;
    private final FamilyClustering clustering;
    private final SignatureExtractor extractor;
    /** Replaced by {@link #restore}. */
    private volatile LineageIndex index;
    /** What each family looked like when last reported, by its sorted members. */
    private Map<List<String>, FamilyState> reported = Map.of();
    /** The engine's trees the states in {@link #reported} were made from: a tree the engine kept is not looked at again. */
    private Map<List<String>, LineageTree> reportedTrees = Map.of();
    /**
     * Families as {@link #restore} or {@link #catchUp} found them, whose trees are not built: the
     * store holds them. A family stays so until its members change (it is then another family), or,
     * for a family built over candidate pairs, until the engine says a pair of it changed ({@link
     * LineageIndex#treeInvalidated}). A restore for a probe or for an add to one family builds no
     * other family's tree.
     */
    private Set<List<String>> restoredUnbuilt = new HashSet<>();

    IncrementalLineage() {
        this(MotherRecipe.defaults(), new FamilyClustering(), new SignatureExtractor());
    }

    IncrementalLineage(MotherRecipe recipe, FamilyClustering clustering, SignatureExtractor extractor) {
        this.recipe = recipe;
        this.clustering = clustering;
        this.extractor = extractor;
        this.index = new LineageIndex(recipe, clustering, extractor);
    }

    @Override
    public Signature signature(WeightFile file) throws IOException {
        ModelSignature s = extractor.extract(file);
        return new Signature(s.parameterCount(), s.layerCount(), s.structuralHash(), VERSION, s.encode(),
                s.architecture());
    }

    @Override
    public String familyKey(Signature signature) {
        return signature.familyKey() != null ? signature.familyKey()
                : ModelSignature.decode(signature.statistics()).architecture();
    }

    @Override
    public LineageAdapter fresh() {
        return new IncrementalLineage(recipe, clustering, extractor);
    }

    @Override
    public String statisticsVersion() {
        return VERSION;
    }

    @Override
    public Set<String> restore(Map<String, Signature> models, List<PairDistance> cachedDistances) {
        return restore(models, cachedDistances, null);
    }

    /** The family correlations: the families are found from them; every other value waits for its family's tree. */
    @Override
    public List<String> metricsToRestore() {
        return List.of(METRIC_PREFIX + PairDistance.CORRELATION);
    }

    @Override
    public Set<String> restore(Map<String, Signature> models, List<PairDistance> cachedDistances,
                               java.util.function.Function<java.util.Collection<String>, List<PairDistance>> moreDistances) {
        Set<String> rejected = new java.util.TreeSet<>();
        Map<String, ModelSignature> signatures = decode(models, rejected);
        List<PairDistance> rows = rows(cachedDistances);
        index = new LineageIndex(recipe, clustering, extractor);
        index.restore(signatures, rows, moreDistances == null ? null : ids -> rows(moreDistances.apply(ids)));
        reported = Map.of();
        reportedTrees = Map.of();
        restoredUnbuilt = new HashSet<>();
        settle();
        log.debug("lineage restored: {} models, {} families, {} cached pairwise rows ({})", signatures.size(),
                index.families().size(), rows.size(), index.cacheSizes());
        return rejected;
    }

    @Override
    public java.util.Optional<Set<String>> catchUp(Map<String, Signature> models, List<PairDistance> cachedDistances,
            java.util.function.Function<java.util.Collection<String>, List<PairDistance>> moreDistances) {
        Set<String> rejected = new java.util.TreeSet<>();
        Map<String, ModelSignature> signatures = decode(models, rejected);
        List<PairDistance> rows = rows(cachedDistances);
        if (signatures.size() <= ONE_BY_ONE) {
            // a few models: added one by one as the other process added them, their values given,
            // each family's tree grown from the kept one; the store holds what that changed
            Map<String, List<PairDistance>> involving = new HashMap<>();
            for (PairDistance r : rows) {
                involving.computeIfAbsent(r.modelA(), k -> new ArrayList<>()).add(r);
                involving.computeIfAbsent(r.modelB(), k -> new ArrayList<>()).add(r);
            }
            signatures.forEach((id, s) -> {
                index.addKnown(id, s, involving.getOrDefault(id, List.of()));
                index.trees(f -> f.contains(id));
            });
            Map<List<String>, LineageTree> trees = new HashMap<>();
            reported = currentStates(trees);
            reportedTrees = trees;
        } else {
            index.catchUp(signatures, rows, moreDistances == null ? null : ids -> rows(moreDistances.apply(ids)));
            settle();
        }
        log.debug("lineage caught up with {} models added elsewhere", signatures.size());
        return java.util.Optional.of(rejected);
    }

    /** Up to this many models added elsewhere are taken in one by one (each tree grown); more, all at once. */
    private static final int ONE_BY_ONE = 16;

    /**
     * After a restore or a catch-up, what the store holds is taken as reported: a family this
     * engine has not reported as it is now stays unbuilt (see {@link #restoredUnbuilt}).
     */
    private void settle() {
        for (ModelCluster f : index.families()) {
            if (!reported.containsKey(f.members())) {
                restoredUnbuilt.add(f.members());
            }
        }
        Map<List<String>, LineageTree> trees = new HashMap<>();
        reported = currentStates(trees);
        reportedTrees = trees;
    }

    /** Signatures read back from their bytes, on every core; those that cannot be go to {@code rejected}. */
    private static Map<String, ModelSignature> decode(Map<String, Signature> models, Set<String> rejected) {
        Map<String, ModelSignature> signatures = new java.util.concurrent.ConcurrentHashMap<>();
        Set<String> failed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        models.entrySet().parallelStream().forEach(m -> {
            String id = m.getKey();
            Signature s = m.getValue();
            try {
                if (!VERSION.equals(s.statisticsVersion())) {
                    throw new IllegalArgumentException("statistics version " + s.statisticsVersion());
                }
                signatures.put(id, ModelSignature.decode(s.statistics()));
            } catch (IllegalArgumentException e) {
                log.warn("cannot read back the signature of model {}: {}", id, e.getMessage());
                failed.add(id);
            }
        });
        rejected.addAll(failed);
        return new java.util.TreeMap<>(signatures);
    }

    @Override
    public Outcome add(String modelId, Signature signature) {
        index.add(modelId, ModelSignature.decode(signature.statistics()));
        return outcome();
    }

    @Override
    public Outcome remove(String modelId) {
        index.remove(modelId);
        return outcome();
    }

    @Override
    public LineageProbe.Outcome probe(Signature candidate) {
        return index.probe(LineageProbe.CANDIDATE, ModelSignature.decode(candidate.statistics()));
    }

    /** Stored distances as the engine's rows (those of this engine's formulas only). */
    private static List<PairDistance> rows(List<PairDistance> stored) {
        List<PairDistance> rows = new ArrayList<>(stored.size());
        for (PairDistance d : stored) {
            if (d.metric().startsWith(METRIC_PREFIX)) {
                rows.add(new PairDistance(d.modelA(), d.modelB(), d.metric().substring(METRIC_PREFIX.length()), d.value()));
            }
        }
        return rows;
    }

    @Override
    public boolean contains(String modelId) {
        return index.contains(modelId);
    }

    /**
     * Every metric the engine caches: the family correlation, the pair metrics and one direction
     * evidence per signal, as {@link LineageIndex#pairwiseValues()} names them.
     */
    @Override
    public List<String> distanceMetrics() {
        return Stream.of(Stream.of(PairDistance.CORRELATION),
                        new PairMetrics(0, 0, 0, 0, 0, false, 0).toRows().keySet().stream().sorted(),
                        Arrays.stream(DirectionSignal.values()).map(s -> PairDistance.DIRECTION_PREFIX
                                + s.name().toLowerCase(Locale.ROOT).replace('_', '-')))
                .flatMap(s -> s).map(m -> METRIC_PREFIX + m).toList();
    }

    /** The families that differ from what was last reported, and the rows not handed out yet. */
    private Outcome outcome() {
        Map<List<String>, LineageTree> trees = new HashMap<>();
        Map<List<String>, FamilyState> states = currentStates(trees);
        List<FamilyState> changed = new ArrayList<>();
        states.forEach((members, state) -> {
            if (state != reported.get(members) && !state.equals(reported.get(members))) {
                changed.add(state);
            }
        });
        reported = states;
        reportedTrees = trees;

        // only what the engine computed since the last outcome: linear in what changed, not in n^2
        List<PairDistance> fresh = new ArrayList<>();
        for (PairDistance r : index.drainComputed()) {
            if (Double.isFinite(r.value())) {
                fresh.add(new PairDistance(r.modelA(), r.modelB(), METRIC_PREFIX + r.metric(), r.value()));
            }
        }
        fresh.sort(Comparator.comparing(PairDistance::modelA).thenComparing(PairDistance::modelB)
                .thenComparing(PairDistance::metric));
        return new Outcome(changed, fresh);
    }

    /** Every family's state now; {@code treesOut} gets the trees they were made from. */
    private Map<List<String>, FamilyState> currentStates(Map<List<String>, LineageTree> treesOut) {
        List<ModelCluster> families = index.families();
        List<LineageTree> trees = index.trees(f -> !restoredUnbuilt.contains(f.members())
                || index.treeInvalidated(f.members()));
        Map<List<String>, FamilyState> out = new HashMap<>();
        for (int i = 0; i < families.size(); i++) {
            ModelCluster f = families.get(i);
            LineageTree t = trees.get(i);
            if (t == null) {
                continue; // as restored: neither built nor changed
            }
            restoredUnbuilt.remove(f.members()); // built now: reported like any other from here on
            FamilyState kept = reportedTrees.get(f.members()) == t ? reported.get(f.members()) : null;
            if (kept == null && !t.members().equals(f.members())) {
                throw new IllegalStateException("trees out of family order: " + t.members() + " vs " + f.members());
            }
            out.put(f.members(), kept != null ? kept : state(f, t));
            treesOut.put(f.members(), t);
        }
        if (!restoredUnbuilt.isEmpty()) {
            // a restored family whose members changed is gone for good: should the same members
            // come back (a model added, then removed), its tree is built and reported like any other
            Set<List<String>> now = new HashSet<>();
            families.forEach(f -> now.add(f.members()));
            restoredUnbuilt.retainAll(now);
        }
        return out;
    }

    /**
     * The family as the store keeps it: every edge of the tree, a merge's one per parent, with its
     * kind and weight. The store makes a child's heaviest edge its main parent
     * ({@link LineageEdge#HEAVIEST_FIRST}), the same rule as {@link LineageTree#parentEdge}.
     */
    static FamilyState state(ModelCluster f, LineageTree t) {
        List<LineageEdge> edges = t.edges();
        String root = t.roots().isEmpty() ? null : t.roots().get(0);
        return new FamilyState(new LinkedHashSet<>(f.members()), f.architecture(), root, edges);
    }

    private static String rowKey(PairDistance r) {
        return r.modelA() + '\u0000' + r.modelB() + '\u0000' + r.metric();
    }

    /**
     * For tests: the finite pairwise rows the engine computed that the store was not given yet;
     * empty after a {@link #restore} when nothing had to be recomputed.
     */
    Set<String> rowsNotHandedOut() {
        Set<String> out = new HashSet<>();
        for (PairDistance r : index.pendingComputed()) {
            if (Double.isFinite(r.value())) {
                out.add(rowKey(r));
            }
        }
        return out;
    }

    /** For tests: every family as last reported. */
    Collection<FamilyState> familyStates() {
        return reported.values();
    }

    /** For tests: every family's tree, built now where it was not (from the stored values, read first). */
    List<LineageTree> trees() {
        return index.trees();
    }

    /** For tests: every model the engine holds. */
    Collection<String> modelIds() {
        return index.modelIds();
    }
}
