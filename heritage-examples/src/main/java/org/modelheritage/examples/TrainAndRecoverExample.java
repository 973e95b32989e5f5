package org.modelheritage.examples;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.modelheritage.lake.FamilyTree;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.read.DType;
import org.modelheritage.read.SafetensorsWriter;
import org.modelheritage.store.Model;

/**
 * Trains a known model forest with DJL's PyTorch engine on CPU, saves every model as safetensors
 * with the library's {@link SafetensorsWriter}, hands the files to a {@link ModelLake} under opaque,
 * shuffled names, and scores the families and trees the lake recovers from the weights against
 * the truth.
 *
 * <pre>
 * java -cp heritage-examples/target/heritage-examples.jar org.modelheritage.examples.TrainAndRecoverExample [OUT_DIR]
 * </pre>
 * OUT_DIR (a new temporary directory by default) receives {@code models/} — the weight files and
 * a {@code ground_truth.json} in the corpus format, which the {@code eval} command can score too —
 * and {@code lake/}, the lake's SQLite database and blobs.
 */
public final class TrainAndRecoverExample {

    /** What one run produced: the truth, what the lake found, and the score. */
    public record Outcome(KnownTree truth, List<FamilyTree> recovered, TreeScore score) {
    }

    private TrainAndRecoverExample() {
    }

    public static void main(String[] args) throws Exception {
        Path out = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("heritage-train-");
        Outcome outcome = run(FineTuningTree.Shape.standard(), out, System.out);
        System.out.println(outcome.score());
    }

    public static Outcome run(FineTuningTree.Shape shape, Path outDir, PrintStream out) throws Exception {
        Engine engine = OfflinePyTorch.engine();
        out.println("training with DJL " + engine.getEngineName() + " " + engine.getVersion() + " on CPU, MLP "
                + java.util.Arrays.toString(shape.widths()));
        long start = System.nanoTime();
        List<FineTuningTree.Node> nodes = FineTuningTree.train(new MlpTrainer(engine, shape.widths()), shape);
        out.printf("trained %d models in %.1f s%n", nodes.size(), (System.nanoTime() - start) / 1e9);
        for (FineTuningTree.Node n : nodes) {
            out.printf("  %-10s from %-8s task %-16s train accuracy %.3f%n", n.name(),
                    n.parent() == null ? "scratch" : n.parent(), n.task(), n.trainAccuracy());
        }

        Path modelDir = Files.createDirectories(outDir.resolve("models"));
        KnownTree truth = save(nodes, modelDir, shape.seed());
        truth.write(modelDir);
        out.println("saved " + nodes.size() + " safetensors files and ground_truth.json to " + modelDir);

        Map<String, String> trueNameByFile = new HashMap<>();
        truth.entries().forEach(e -> trueNameByFile.put(LakeIngest.stem(Path.of(e.path())), e.name()));
        try (ModelLake lake = ModelLake.open(outDir.resolve("lake"), LakeOptions.defaults())) {
            Map<String, Model> added = LakeIngest.addDirectory(lake, modelDir, out);
            if (!lake.awaitIdle(Duration.ofMinutes(10))) {
                throw new IllegalStateException("the lake did not finish processing within 10 minutes");
            }
            Map<String, String> trueNameById = new HashMap<>();
            added.forEach((fileStem, model) -> trueNameById.put(model.id(), trueNameByFile.get(fileStem)));
            List<FamilyTree> recovered = LakeIngest.families(lake);
            printWithTrueNames(recovered, trueNameById, truth, out);
            TreeScore score = score(truth, recovered, trueNameById);
            return new Outcome(truth, recovered, score);
        }
    }

    /** Writes each model as {@code model-NN.safetensors}, numbered in a shuffled order so names say nothing. */
    static KnownTree save(List<FineTuningTree.Node> nodes, Path dir, long seed) throws IOException {
        List<Integer> numbers = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            numbers.add(i);
        }
        Collections.shuffle(numbers, new Random(seed));
        List<KnownTree.Entry> entries = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            FineTuningTree.Node n = nodes.get(i);
            String file = String.format("model-%02d.safetensors", numbers.get(i));
            List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
            for (NamedTensor t : n.weights().values()) {
                tensors.add(new SafetensorsWriter.Tensor(t.name(), DType.F32, t.shape(), t.values()));
            }
            SafetensorsWriter.write(dir.resolve(file), tensors, Map.of());
            entries.add(new KnownTree.Entry(n.name(), file, n.parent(), n.task().name().toLowerCase(java.util.Locale.ROOT),
                    n.trainAccuracy()));
        }
        return new KnownTree(entries);
    }

    static TreeScore score(KnownTree truth, List<FamilyTree> recovered, Map<String, String> trueNameById) {
        List<List<String>> found = new ArrayList<>();
        List<Set<String>> foundFamilies = new ArrayList<>();
        for (FamilyTree t : recovered) {
            Set<String> members = new HashSet<>();
            t.nodes().forEach(n -> members.add(trueNameById.get(n.id())));
            foundFamilies.add(members);
            t.edges().forEach(e -> found.add(List.of(trueNameById.get(e.parentId()), trueNameById.get(e.childId()))));
        }
        Map<String, Set<String>> treeOf = new HashMap<>();
        Map<String, String> parentOf = new HashMap<>();
        truth.entries().forEach(e -> parentOf.put(e.name(), e.parent()));
        for (KnownTree.Entry e : truth.entries()) {
            String root = e.name();
            while (parentOf.get(root) != null) {
                root = parentOf.get(root);
            }
            treeOf.computeIfAbsent(root, k -> new HashSet<>()).add(e.name());
        }
        return TreeScore.of(truth.edges(), truth.roots(), treeOf.values(), found, foundFamilies);
    }

    private static void printWithTrueNames(List<FamilyTree> recovered, Map<String, String> trueNameById,
                                           KnownTree truth, PrintStream out) {
        Map<String, String> trueParent = new HashMap<>();
        truth.entries().forEach(e -> trueParent.put(e.name(), e.parent()));
        out.println("recovered " + recovered.size() + " families (names from ground_truth.json, which the lake never saw):");
        for (FamilyTree t : recovered) {
            out.println("family of " + t.nodes().size());
            Map<String, String> foundParent = new HashMap<>();
            t.edges().forEach(e -> foundParent.put(trueNameById.get(e.childId()), trueNameById.get(e.parentId())));
            t.nodes().stream().map(n -> trueNameById.get(n.id())).sorted().forEach(name -> {
                String p = foundParent.get(name);
                String verdict = java.util.Objects.equals(p, trueParent.get(name)) ? "ok" : "WRONG, truly from "
                        + (trueParent.get(name) == null ? "scratch" : trueParent.get(name));
                out.printf("  %-10s <- %-10s %s%n", name, p == null ? "(root)" : p, verdict);
            });
        }
    }
}
