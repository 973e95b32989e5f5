package org.modelheritage.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.family.ModelCluster;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.LineageIndex;
import org.modelheritage.lineage.LineageTree;
import org.modelheritage.lineage.MotherRecipe;
import org.modelheritage.read.WeightFile;
import org.modelheritage.read.WeightReaders;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;

/**
 * Runs lineage recovery on a corpus folder and scores it against its {@code ground_truth.json}.
 * Every model is loaded the way an upload is ({@link WeightReaders#open}, one signature pass, then
 * {@link LineageIndex#add}); the index sees content-derived ids only, never names or paths, so
 * nothing about the answer can leak in. Signatures are computed in parallel.
 */
public final class LineageEvaluation {
    private final MotherRecipe recipe;
    private final SignatureExtractor extractor;
    private final FamilyClustering clustering;
    private final int threads;
    private final Consumer<String> progress;

    /**
     * An evaluation with these engine parts.
     *
     * @param recipe how trees are built and oriented
     * @param extractor how weights are read into signatures
     * @param clustering how models are grouped into families
     * @param threads signature passes run at once (1 or more)
     * @param progress receives one line per loaded model and per stage (for stderr); null for none
     * @throws IllegalArgumentException when {@code threads} is below 1
     * @throws NullPointerException when {@code recipe}, {@code extractor} or {@code clustering} is null
     */
    public LineageEvaluation(MotherRecipe recipe, SignatureExtractor extractor, FamilyClustering clustering,
            int threads, Consumer<String> progress) {
        this.recipe = Objects.requireNonNull(recipe, "recipe");
        this.extractor = Objects.requireNonNull(extractor, "extractor");
        this.clustering = Objects.requireNonNull(clustering, "clustering");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        this.threads = threads;
        this.progress = progress == null ? s -> { } : progress;
    }

    /** {@return an evaluation with our recipe, default thresholds, one thread per core and no progress output} */
    public static LineageEvaluation defaults() {
        return new LineageEvaluation(MotherRecipe.defaults(), new SignatureExtractor(), new FamilyClustering(),
                Runtime.getRuntime().availableProcessors(), null);
    }

    /**
     * Recovers families and lineage of the models a corpus's {@code ground_truth.json} lists, and scores them against it.
     *
     * @param corpusDir the corpus folder
     * @return the scores, and the found families and edges by name
     * @throws IllegalArgumentException when the ground truth is malformed
     * @throws org.modelheritage.read.WeightFormatException when a model's weights cannot be read
     * @throws IOException when a file cannot be read
     */
    public EvalReport run(Path corpusDir) throws IOException {
        return run(GroundTruth.read(corpusDir));
    }

    /**
     * As {@link #run(Path)}, for a ground truth already read.
     *
     * @param truth the corpus's ground truth, its model paths resolved
     * @return the scores, and the found families and edges by name
     * @throws org.modelheritage.read.WeightFormatException when a model's weights cannot be read
     * @throws IOException when a file cannot be read
     */
    public EvalReport run(GroundTruth truth) throws IOException {
        return run(truth, new HashMap<>());
    }

    /** As {@link #run(Path)}, and fills {@code nameOf} with the name behind each id the engine saw. */
    EvalReport run(Path corpusDir, Map<String, String> nameOf) throws IOException {
        return run(GroundTruth.read(corpusDir), nameOf);
    }

    private EvalReport run(GroundTruth truth, Map<String, String> nameOf) throws IOException {
        long start = System.nanoTime();
        List<GroundTruth.Model> models = truth.models();
        ModelSignature[] signatures = new ModelSignature[models.size()];
        String[] contentIds = new String[models.size()];
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, Math.max(1, models.size())), r -> {
            Thread t = new Thread(r, "signature");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < models.size(); i++) {
                int k = i;
                futures.add(pool.submit(() -> {
                    long t0 = System.nanoTime();
                    GroundTruth.Model m = models.get(k);
                    try (WeightFile file = WeightReaders.open(m.path())) {
                        signatures[k] = extractor.extract(file);
                    }
                    contentIds[k] = contentId(signatures[k]); // here, in parallel, not after the pool
                    progress.accept(String.format(Locale.ROOT, "[%d/%d] %s: %,d parameters in %.0f ms",
                            done.incrementAndGet(), models.size(), m.name(), signatures[k].parameterCount(),
                            (System.nanoTime() - t0) / 1e6));
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
        // content-derived ids: the index never sees a name or a path
        LineageIndex index = new LineageIndex(recipe, clustering, extractor);
        for (int i = 0; i < models.size(); i++) {
            String id = contentIds[i];
            int suffix = 2;
            String unique = id;
            while (nameOf.containsKey(unique)) {
                unique = id + "-" + suffix++;
            }
            nameOf.put(unique, models.get(i).name());
            index.add(unique, signatures[i]);
        }
        long tFamilies = System.nanoTime();
        List<ModelCluster> families = index.families();
        progress.accept(String.format(Locale.ROOT, "families: %d found in %.0f ms", families.size(),
                (System.nanoTime() - tFamilies) / 1e6));
        long tTrees = System.nanoTime();
        List<LineageTree> trees = index.trees();
        progress.accept(String.format(Locale.ROOT, "trees: recovered in %.0f ms", (System.nanoTime() - tTrees) / 1e6));
        double seconds = (System.nanoTime() - start) / 1e9;

        List<List<String>> familyNames = new ArrayList<>();
        for (ModelCluster f : families) {
            familyNames.add(f.members().stream().map(nameOf::get).sorted().toList());
        }
        List<EvalReport.Edge> edges = new ArrayList<>();
        for (LineageTree t : trees) {
            for (LineageEdge e : t.edges()) {
                edges.add(new EvalReport.Edge(nameOf.get(e.parentId()), nameOf.get(e.childId()), e.confidence(),
                        e.kind().label()));
            }
        }
        return score(truth, familyNames, edges, seconds);
    }

    /**
     * Scores several corpora's recoveries together, as if they were one corpus whose families were
     * recovered apart: the accuracies count the edges and roots of all of them, the calibration
     * error bins all their edges at once, the Rand index compares the union of their partitions.
     * Names become {@link GroundTruth#joinedName}s.
     *
     * @param truths  the corpora's ground truths
     * @param reports their reports, in the same order
     * @return the joint report; its seconds are the sum of the reports'
     * @throws IllegalArgumentException when the lists differ in length or are empty
     */
    public static EvalReport together(List<GroundTruth> truths, List<EvalReport> reports) {
        if (truths.size() != reports.size()) {
            throw new IllegalArgumentException(truths.size() + " ground truths for " + reports.size() + " reports");
        }
        List<List<String>> families = new ArrayList<>();
        List<EvalReport.Edge> edges = new ArrayList<>();
        double seconds = 0;
        for (int i = 0; i < reports.size(); i++) {
            int k = i;
            EvalReport r = reports.get(i);
            r.families().forEach(f -> families.add(f.stream().map(n -> GroundTruth.joinedName(k, n)).toList()));
            r.edges().forEach(e -> edges.add(new EvalReport.Edge(GroundTruth.joinedName(k, e.parent()),
                    GroundTruth.joinedName(k, e.child()), e.confidence(), e.kind())));
            seconds += r.seconds();
        }
        return score(GroundTruth.joined(truths), families, edges, seconds);
    }

    /** The report of found families (names) and edges against the ground truth. */
    static EvalReport score(GroundTruth truth, List<List<String>> familyNames, List<EvalReport.Edge> found, double seconds) {
        List<List<String>> families = new ArrayList<>(familyNames);
        families.sort((a, b) -> a.get(0).compareTo(b.get(0)));
        Map<String, String> foundFamily = new HashMap<>();
        for (List<String> f : families) {
            for (String n : f) {
                foundFamily.put(n, f.get(0));
            }
        }
        List<EvalReport.Edge> edges = new ArrayList<>(found);
        edges.sort((a, b) -> a.child().compareTo(b.child()));
        List<List<String>> foundEdges = edges.stream().map(e -> List.of(e.parent(), e.child())).toList();
        Map<String, String> trueTree = truth.treeOf();
        java.util.Set<List<String>> trueEdges = new java.util.HashSet<>(truth.edges());
        double[] conf = new double[edges.size()];
        boolean[] right = new boolean[edges.size()];
        for (int i = 0; i < edges.size(); i++) {
            conf[i] = edges.get(i).confidence();
            right[i] = trueEdges.contains(foundEdges.get(i));
        }
        return new EvalReport(truth.models().size(), (int) trueTree.values().stream().distinct().count(),
                families.size(), LineageMetrics.adjustedRandIndex(trueTree, foundFamily),
                LineageMetrics.undirectedAccuracy(truth.edges(), foundEdges),
                LineageMetrics.directedAccuracy(truth.edges(), foundEdges),
                LineageMetrics.rootAccuracy(truth.roots(), foundEdges), seconds, families, edges,
                LineageMetrics.expectedCalibrationError(conf, right, 10), LineageMetrics.reliability(conf, right, 10),
                kindCounts(truth, edges));
    }

    /** Quantised copies and merges: how many the corpus has, and how many were recovered as such. */
    static Map<String, Integer> kindCounts(GroundTruth truth, List<EvalReport.Edge> edges) {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        List<GroundTruth.Model> quantized = truth.models().stream().filter(m -> "quantized".equals(m.kind())).toList();
        List<GroundTruth.Model> merges = truth.models().stream().filter(m -> "merge".equals(m.kind())).toList();
        if (quantized.isEmpty() && merges.isEmpty()) {
            return out;
        }
        java.util.Set<String> children = new java.util.HashSet<>();
        java.util.Set<String> parents = new java.util.HashSet<>();
        edges.forEach(e -> {
            children.add(e.child());
            parents.add(e.parent());
        });
        out.put("quantized", quantized.size());
        out.put("quantized_labelled", (int) quantized.stream().filter(m -> edges.stream()
                .anyMatch(e -> e.child().equals(m.name()) && e.kind().equals("quantized"))).count());
        out.put("quantized_roots", (int) quantized.stream().filter(m -> !children.contains(m.name())).count());
        out.put("quantized_parents", (int) quantized.stream().filter(m -> parents.contains(m.name())).count());
        out.put("merges", merges.size());
        java.util.Set<List<String>> found = new java.util.HashSet<>();
        edges.forEach(e -> found.add(List.of(e.parent(), e.child())));
        out.put("merges_complete", (int) merges.stream().filter(m -> truth.edges().stream()
                .filter(e -> e.get(1).equals(m.name())).allMatch(found::contains)).count());
        return out;
    }

    /** The first 16 hex digits of the SHA-256 of the encoded signature. */
    static String contentId(ModelSignature s) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.encode());
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
