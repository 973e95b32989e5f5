package org.modelheritage.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.modelheritage.eval.EvalReport;
import org.modelheritage.eval.LineageEvaluation;
import org.modelheritage.eval.LineageMetrics;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.lineage.DirectionMode;
import org.modelheritage.lineage.DirectionSignal;
import org.modelheritage.lineage.MotherRecipe;
import org.modelheritage.signature.SignatureExtractor;

/**
 * Trains one forest per seed with {@link TrainAndRecoverExample} and prints, per forest and as a
 * mean, what the library recovers: the corpus metrics of {@code eval} (ARI, undirected, directed,
 * roots), and, to show what the default direction rule adds, the directed and root accuracy each
 * other {@link DirectionSignal} gives by itself (same distance and tree, {@link DirectionMode#AUTO}).
 * These are the figures the README quotes, and the command that printed them.
 *
 * <pre>
 * java -cp heritage-examples/target/heritage-examples.jar org.modelheritage.examples.TrainedForests \
 *     --seeds 41-44,50 [--shape small|standard] [--pretrain sgd|adam] [--out DIR]
 * </pre>
 * Every forest stays in {@code DIR/seed-N} (a new temporary directory by default) with the
 * example's printout beside it in {@code DIR/seed-N.txt}, so
 * {@code heritage-server.jar eval DIR/seed-N} scores it again.
 */
public final class TrainedForests {

    static final String USAGE = "usage: TrainedForests --seeds LIST (e.g. 41-44,50) [--shape small|standard]"
            + " [--pretrain sgd|adam] [--out DIR]";

    /** The command line. */
    public record Options(List<Long> seeds, String shapeName, String pretrainName, Path outDir) {

        public static Options parse(String... args) {
            List<Long> seeds = null;
            String shape = "small";
            String pretrain = "sgd";
            Path out = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--seeds" -> seeds = seedList(TrainAndRecoverExample.value(args, ++i, a));
                    case "--shape" -> shape = TrainAndRecoverExample.value(args, ++i, a);
                    case "--pretrain" -> pretrain = TrainAndRecoverExample.value(args, ++i, a);
                    case "--out" -> out = Path.of(TrainAndRecoverExample.value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unexpected argument '" + a + "'\n" + USAGE);
                }
            }
            if (seeds == null) {
                throw new IllegalArgumentException("--seeds is required\n" + USAGE);
            }
            FineTuningTree.Shape.named(shape);
            TrainAndRecoverExample.pretraining(pretrain);
            return new Options(seeds, shape, pretrain, out);
        }

        public FineTuningTree.Shape shape(long seed) {
            return FineTuningTree.Shape.named(shapeName)
                    .withPretraining(TrainAndRecoverExample.pretraining(pretrainName)).withSeed(seed);
        }
    }

    /** One forest's scores: the default recipe's report, and the report of each other signal alone. */
    public record Forest(long seed, EvalReport report, Map<DirectionSignal, EvalReport> alone) {

        boolean exact() {
            return report.adjustedRandIndex() == 1.0 && report.undirectedAccuracy() == 1.0
                    && report.directedAccuracy() == 1.0 && report.rootAccuracy() == 1.0;
        }
    }

    private TrainedForests() {
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
        Path out = options.outDir() != null ? options.outDir() : Files.createTempDirectory("heritage-forests-");
        run(options, out, System.out);
    }

    /** "41-44,50" as 41, 42, 43, 44, 50. */
    static List<Long> seedList(String list) {
        List<Long> seeds = new ArrayList<>();
        for (String part : list.split(",")) {
            String p = part.trim();
            int dash = p.indexOf('-', 1);
            if (dash < 0) {
                seeds.add(TrainAndRecoverExample.parseSeed(p));
            } else {
                long from = TrainAndRecoverExample.parseSeed(p.substring(0, dash));
                long to = TrainAndRecoverExample.parseSeed(p.substring(dash + 1));
                if (to < from) {
                    throw new IllegalArgumentException("empty seed range '" + p + "'");
                }
                for (long s = from; s <= to; s++) {
                    seeds.add(s);
                }
            }
        }
        return seeds;
    }

    public static List<Forest> run(Options options, Path outDir, PrintStream out) throws Exception {
        Files.createDirectories(outDir);
        out.printf(Locale.ROOT, "DJL-trained forests: shape %s, pre-training %s, seeds %s; forests in %s%n",
                options.shapeName(), options.pretrainName(), options.seeds(), outDir);
        List<DirectionSignal> signals = Arrays.stream(DirectionSignal.values())
                .filter(s -> s != MotherRecipe.defaults().signal()).toList();
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-6s %6s %6s %10s %8s %6s %6s", "seed",
                "models", "ARI", "undirected", "directed", "roots", "ECE"));
        for (DirectionSignal s : signals) {
            header.append(String.format(Locale.ROOT, "    %-16s", s.name().toLowerCase(Locale.ROOT) + " d/r"));
        }
        out.println(header.append(" seconds").toString().stripTrailing());
        List<Forest> forests = new ArrayList<>();
        for (long seed : options.seeds()) {
            Path dir = outDir.resolve("seed-" + seed);
            long start = System.nanoTime();
            TrainAndRecoverExample.Outcome outcome;
            try (OutputStream log = Files.newOutputStream(outDir.resolve("seed-" + seed + ".txt"));
                 PrintStream p = new PrintStream(log, true, StandardCharsets.UTF_8)) {
                outcome = TrainAndRecoverExample.run(options.shape(seed), dir, p);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<DirectionSignal, EvalReport> alone = new EnumMap<>(DirectionSignal.class);
            for (DirectionSignal s : signals) {
                alone.put(s, alone(s, dir));
            }
            Forest f = new Forest(seed, outcome.report(), alone);
            forests.add(f);
            EvalReport r = f.report();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-6d %6d %6.3f %10.3f %8.3f %6.3f %6.3f",
                    seed, r.models(), r.adjustedRandIndex(), r.undirectedAccuracy(), r.directedAccuracy(), r.rootAccuracy(),
                    r.expectedCalibrationError()));
            for (DirectionSignal s : signals) {
                line.append(String.format(Locale.ROOT, "   %6.3f / %-8.3f", alone.get(s).directedAccuracy(),
                        alone.get(s).rootAccuracy()));
            }
            out.println(line.append(String.format(Locale.ROOT, " %7.1f", seconds)));
        }
        StringBuilder mean = new StringBuilder(String.format(Locale.ROOT, "%-6s %6s %6.3f %10.3f %8.3f %6.3f %6.3f", "mean",
                "", mean(forests, f -> f.report().adjustedRandIndex()), mean(forests, f -> f.report().undirectedAccuracy()),
                mean(forests, f -> f.report().directedAccuracy()), mean(forests, f -> f.report().rootAccuracy()),
                mean(forests, f -> f.report().expectedCalibrationError())));
        for (DirectionSignal s : signals) {
            mean.append(String.format(Locale.ROOT, "   %6.3f / %-8.3f", mean(forests, f -> f.alone().get(s).directedAccuracy()),
                    mean(forests, f -> f.alone().get(s).rootAccuracy())));
        }
        out.println(mean.toString().stripTrailing());
        out.printf(Locale.ROOT, "exact (ARI, undirected, directed and roots all 1.0): %d of %d forests%n",
                forests.stream().filter(Forest::exact).count(), forests.size());
        printCalibration(forests, out);
        return forests;
    }

    /**
     * The calibration error of all the forests' edges taken together, with its reliability table.
     * A forest has only a few edges (18 in the standard shape, 8 in the small one), so one wrong
     * edge moves its own error by a tenth: the mean of the forests' own errors measures the few
     * edges as much as the confidences. Beside it, what that mean would be if every confidence
     * were exact (each edge right with the probability it states, drawn many times).
     */
    static void printCalibration(List<Forest> forests, PrintStream out) {
        List<double[][]> tables = forests.stream().map(f -> f.report().reliability()).toList();
        double[][] pooled = LineageMetrics.pooledReliability(tables);
        int edges = forests.stream().mapToInt(f -> f.report().edges().size()).sum();
        out.printf(Locale.ROOT, "calibration error (10 bins) of the %d edges of the %d forests together: %.3f;"
                + " mean of the forests' own: %.3f, exact confidences would give %.3f%n", edges, forests.size(),
                LineageMetrics.calibrationError(pooled), mean(forests, f -> f.report().expectedCalibrationError()),
                meanErrorOfExactConfidences(forests, 1000, 1L));
        out.print(LineageMetrics.reliabilityLines(pooled));
    }

    /**
     * The mean over forests of each forest's calibration error if every edge were right with exactly
     * the probability its confidence states: averaged over {@code draws} draws of which edges are right.
     */
    static double meanErrorOfExactConfidences(List<Forest> forests, int draws, long seed) {
        List<double[]> confidences = forests.stream()
                .map(f -> f.report().edges().stream().mapToDouble(EvalReport.Edge::confidence).toArray()).toList();
        Random rng = new Random(seed);
        double sum = 0;
        for (int d = 0; d < draws; d++) {
            for (double[] conf : confidences) {
                boolean[] right = new boolean[conf.length];
                for (int i = 0; i < conf.length; i++) {
                    right[i] = rng.nextDouble() < conf[i];
                }
                sum += LineageMetrics.expectedCalibrationError(conf, right, 10);
            }
        }
        return sum / ((double) draws * forests.size());
    }

    /** The default recipe with one direction signal instead of its own. */
    static EvalReport alone(DirectionSignal signal, Path dir) throws IOException {
        MotherRecipe d = MotherRecipe.defaults();
        MotherRecipe recipe = new MotherRecipe(d.distance(), d.method(), signal, DirectionMode.AUTO, d.lambda());
        return new LineageEvaluation(recipe, new SignatureExtractor(), new FamilyClustering(),
                Runtime.getRuntime().availableProcessors(), null).run(dir);
    }

    private static double mean(List<Forest> forests, java.util.function.ToDoubleFunction<Forest> metric) {
        return forests.stream().mapToDouble(metric).average().orElse(Double.NaN);
    }
}
