package org.modelheritage.examples;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.modelheritage.eval.EvalReport;
import org.modelheritage.eval.LineageEvaluation;
import org.modelheritage.read.DType;
import org.modelheritage.read.SafetensorsWriter;

/**
 * Trains a known model forest with DJL's PyTorch engine on CPU, saves every model as safetensors
 * with the library's {@link SafetensorsWriter} under a shuffled, meaningless name, and lets the
 * library recover the families and trees from the weights alone — the path of the {@code eval}
 * command ({@link LineageEvaluation}: every file opened by {@code WeightReaders}, one signature
 * pass each, the incremental {@code LineageIndex} under content-derived ids) — then prints the
 * recovered parent of every model against the truth, and the corpus metrics.
 *
 * <pre>
 * java -cp heritage-examples/target/heritage-examples.jar org.modelheritage.examples.TrainAndRecoverExample \
 *     [--seed N] [--pretrain sgd|adam] [--shape standard|small] [OUT_DIR]
 * </pre>
 * {@code --seed} (default 7) fixes the initialisations, the data, the batch order and the file
 * names, so a forest can be trained again; {@code --pretrain} chooses the roots' optimiser (SGD
 * with momentum, the default, or Adam); {@code --shape} the forest ({@link FineTuningTree.Shape#standard()},
 * the default, or the test's {@link FineTuningTree.Shape#small()}). OUT_DIR (a new temporary
 * directory by default) receives the weight files and a {@code ground_truth.json} in the corpus
 * format, so {@code java -jar heritage-rest-javalin/target/heritage-server.jar eval OUT_DIR}
 * scores the same forest again. {@link TrainedForests} trains and scores one forest per seed.
 */
public final class TrainAndRecoverExample {

    /** What one run produced: the truth and the library's report on what it recovered. */
    public record Outcome(KnownTree truth, EvalReport report) {
    }

    /** The command line: the forest to train and where to write it (null: a new temporary directory). */
    public record Options(FineTuningTree.Shape shape, Path outDir) {

        static final String USAGE = "usage: TrainAndRecoverExample [--seed N] [--pretrain sgd|adam]"
                + " [--shape standard|small] [OUT_DIR]";

        public static Options parse(String... args) {
            String shapeName = "standard";
            Long seed = null;
            MlpTrainer.OptimizerKind pretrain = MlpTrainer.OptimizerKind.SGD_MOMENTUM;
            Path out = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--seed" -> seed = parseSeed(value(args, ++i, a));
                    case "--pretrain" -> pretrain = pretraining(value(args, ++i, a));
                    case "--shape" -> shapeName = value(args, ++i, a);
                    default -> {
                        if (a.startsWith("--") || out != null) {
                            throw new IllegalArgumentException("unexpected argument '" + a + "'\n" + USAGE);
                        }
                        out = Path.of(a);
                    }
                }
            }
            FineTuningTree.Shape shape = FineTuningTree.Shape.named(shapeName).withPretraining(pretrain);
            return new Options(seed == null ? shape : shape.withSeed(seed), out);
        }
    }

    private TrainAndRecoverExample() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path out = options.outDir() != null ? options.outDir() : Files.createTempDirectory("heritage-train-");
        run(options.shape(), out, System.out);
    }

    /** {@code sgd} (SGD with momentum) or {@code adam}. */
    static MlpTrainer.OptimizerKind pretraining(String name) {
        return switch (name) {
            case "sgd" -> MlpTrainer.OptimizerKind.SGD_MOMENTUM;
            case "adam" -> MlpTrainer.OptimizerKind.ADAM;
            default -> throw new IllegalArgumentException("--pretrain must be sgd or adam, not '" + name + "'");
        };
    }

    static long parseSeed(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a seed is a whole number, not '" + text + "'");
        }
    }

    static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value\n" + Options.USAGE);
        }
        return args[i];
    }

    public static Outcome run(FineTuningTree.Shape shape, Path outDir, PrintStream out) throws Exception {
        Engine engine = OfflinePyTorch.engine();
        out.println("training with DJL " + engine.getEngineName() + " " + engine.getVersion() + " on CPU, MLP "
                + Arrays.toString(shape.widths()) + ", seed " + shape.seed() + ", pre-trained with "
                + shape.pretrainOptimizer() + ", fine-tuned with " + shape.finetuneOptimizer());
        long start = System.nanoTime();
        List<FineTuningTree.Node> nodes = FineTuningTree.train(new MlpTrainer(engine, shape.widths()), shape);
        out.printf(Locale.ROOT, "trained %d models in %.1f s%n", nodes.size(), (System.nanoTime() - start) / 1e9);

        Files.createDirectories(outDir);
        KnownTree truth = save(nodes, outDir, shape.seed());
        truth.write(outDir);
        out.println("saved " + nodes.size() + " safetensors files and ground_truth.json to " + outDir);

        EvalReport report = LineageEvaluation.defaults().run(outDir);

        Map<String, String> foundParent = new HashMap<>();
        report.edges().forEach(e -> foundParent.put(e.child(), e.parent()));
        Map<String, String> file = new HashMap<>();
        truth.entries().forEach(e -> file.put(e.name(), e.path()));
        out.println("recovered from the weights (names from ground_truth.json, which recovery never reads):");
        out.printf(Locale.ROOT, "  %-10s %-21s %-16s %-6s %-10s %s%n", "model", "file", "task", "acc", "true", "found");
        for (KnownTree.Entry e : truth.entries()) {
            String found = foundParent.getOrDefault(e.name(), "(root)");
            String expected = e.parent() == null ? "(root)" : e.parent();
            out.printf(Locale.ROOT, "  %-10s %-21s %-16s %.3f  %-10s %-10s %s%n", e.name(), file.get(e.name()), e.task(),
                    e.trainAccuracy(), expected, found, found.equals(expected) ? "ok" : "WRONG");
        }
        out.print(report.toTable());
        return new Outcome(truth, report);
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
            String file = String.format(Locale.ROOT, "model-%02d.safetensors", numbers.get(i));
            List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
            for (NamedTensor t : n.weights().values()) {
                tensors.add(new SafetensorsWriter.Tensor(t.name(), DType.F32, t.shape(), t.values()));
            }
            SafetensorsWriter.write(dir.resolve(file), tensors, Map.of());
            entries.add(new KnownTree.Entry(n.name(), file, n.parent(), n.task().name().toLowerCase(Locale.ROOT),
                    n.trainAccuracy()));
        }
        return new KnownTree(entries);
    }
}
