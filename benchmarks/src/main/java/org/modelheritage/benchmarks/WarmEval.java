package org.modelheritage.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.modelheritage.eval.EvalReport;
import org.modelheritage.eval.LineageEvaluation;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.lineage.MotherRecipe;
import org.modelheritage.signature.SignatureExtractor;

/**
 * Runs what {@code eval} runs ({@link LineageEvaluation} with its defaults, on both cores) several
 * times over one corpus in one JVM and prints each run's wall time with its family and tree
 * phases: the first run is what a fresh {@code java -jar heritage-server.jar eval} pays for class
 * loading and compilation, the later ones what a warm process (the lake's server, an application
 * that embeds the library) pays for the same work.
 *
 * <pre>java [--add-modules jdk.incubator.vector] -cp benchmarks/target/benchmarks.jar org.modelheritage.benchmarks.WarmEval /tmp/vit-base-tree 5</pre>
 */
public final class WarmEval {
    private WarmEval() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: WarmEval CORPUS_DIR [RUNS]");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        if (!Files.isRegularFile(dir.resolve("ground_truth.json"))) {
            System.err.println("no ground_truth.json in " + dir);
            System.exit(2);
        }
        int runs = args.length == 2 ? Integer.parseInt(args[1]) : 5;
        int threads = Runtime.getRuntime().availableProcessors();
        for (int i = 1; i <= runs; i++) {
            StringBuilder phases = new StringBuilder();
            long start = System.nanoTime();
            EvalReport r = new LineageEvaluation(MotherRecipe.defaults(), new SignatureExtractor(), new FamilyClustering(),
                    threads, s -> {
                        if (s.startsWith("families:") || s.startsWith("trees:")) {
                            phases.append("; ").append(s);
                        }
                    }).run(dir);
            System.out.printf(Locale.ROOT, "run %d: %.2f s%s; %d models, directed accuracy %.3f%n", i,
                    (System.nanoTime() - start) / 1e9, phases, r.models(), r.directedAccuracy());
        }
    }
}
