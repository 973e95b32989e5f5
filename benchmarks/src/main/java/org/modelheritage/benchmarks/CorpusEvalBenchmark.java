package org.modelheritage.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.modelheritage.lake.FamilyTree;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.store.Family;
import org.modelheritage.store.Model;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End to end on the development corpus ({@code ../shared/corpus/SUBSET}, or under
 * {@code -Dheritage.shared.dir}): every model of {@code ground_truth.json} added to a fresh lake
 * (SQLite and blobs in a temporary directory) through the public API, processed (signature,
 * family, lineage), and the families and trees read back — what {@code eval} and the upload path
 * do. One op is one whole subset. The directed accuracy of the last op is printed, so a fast but
 * wrong run shows. Fails with a clear message when the corpus is absent.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class CorpusEvalBenchmark {

    @Param({"mlp-ft", "vit-ft", "vit-lora"})
    public String subset;

    private Path corpus;
    private JsonNode groundTruth;
    private Path lakeDir;
    private double lastDirectedAccuracy = Double.NaN;

    @Setup(Level.Trial)
    public void findCorpus() throws IOException {
        Path shared = Path.of(System.getProperty("heritage.shared.dir", "../shared"));
        corpus = shared.resolve("corpus").resolve(subset);
        Path gt = corpus.resolve("ground_truth.json");
        if (!Files.isRegularFile(gt)) {
            throw new IllegalStateException("corpus subset not found: " + gt.toAbsolutePath()
                    + " (run from the repository root with ../shared beside it, or pass -Dheritage.shared.dir=DIR)");
        }
        groundTruth = new ObjectMapper().readTree(gt.toFile());
    }

    @Setup(Level.Iteration)
    public void freshLake() throws IOException {
        lakeDir = Files.createTempDirectory("heritage-eval-bench-");
    }

    @TearDown(Level.Iteration)
    public void dropLake() throws IOException {
        try (Stream<Path> walk = Files.walk(lakeDir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @TearDown(Level.Trial)
    public void report() {
        System.out.printf("%n%s: directed accuracy of the last run %.3f%n", subset, lastDirectedAccuracy);
    }

    @Benchmark
    public double evalSubset() throws Exception {
        Map<String, String> nameById = new HashMap<>();
        List<List<String>> found = new ArrayList<>();
        try (ModelLake lake = ModelLake.open(lakeDir, LakeOptions.defaults())) {
            for (JsonNode m : groundTruth.get("models")) {
                // The lake gets an opaque name; the true one stays here, for scoring only.
                Model added = lake.add("m" + nameById.size(), null, List.of(corpus.resolve(m.get("path").asText())));
                nameById.put(added.id(), m.get("name").asText());
            }
            if (!lake.awaitIdle(Duration.ofMinutes(10))) {
                throw new IllegalStateException("processing did not finish");
            }
            for (Family f : lake.families(0, 1000).items()) {
                FamilyTree tree = lake.tree(f.id()).orElseThrow();
                for (FamilyTree.Edge e : tree.edges()) {
                    found.add(List.of(nameById.get(e.parentId()), nameById.get(e.childId())));
                }
            }
        }
        Set<List<String>> foundSet = new HashSet<>(found);
        int hits = 0;
        int edges = 0;
        for (JsonNode e : groundTruth.get("edges")) {
            edges++;
            if (foundSet.contains(List.of(e.get(0).asText(), e.get(1).asText()))) {
                hits++;
            }
        }
        lastDirectedAccuracy = edges == 0 ? 1 : (double) hits / edges;
        return lastDirectedAccuracy;
    }
}
