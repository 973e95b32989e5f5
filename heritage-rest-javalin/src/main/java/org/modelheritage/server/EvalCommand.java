package org.modelheritage.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.modelheritage.eval.EvalReport;
import org.modelheritage.eval.LineageEvaluation;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.lineage.MotherRecipe;
import org.modelheritage.read.WeightFormatException;
import org.modelheritage.signature.SignatureExtractor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code eval CORPUS_DIR [--json] [--recipe ours|paper]}: recovers families and trees from the
 * weights listed in {@code CORPUS_DIR/ground_truth.json} (loaded through the library as uploads
 * are, by content alone) and scores them against it.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Recovers families and lineage trees of the models a ground_truth.json lists, and prints "
                + "the adjusted Rand index and the directed, undirected and root accuracies.")
final class EvalCommand implements Callable<Integer> {
    /** Which recovery recipe to run. */
    enum Recipe { ours, paper }

    @Parameters(index = "0", paramLabel = "CORPUS_DIR", description = "A folder holding ground_truth.json.")
    Path corpus;

    @Option(names = "--json", description = "Print exactly one JSON object.")
    boolean json;

    @Option(names = "--recipe", defaultValue = "ours",
            description = "ours (default) or paper (MoTHer exactly as the paper's reference: max-normalised "
                    + "distance, lambda 0.3, fine-tuning mode). Valid values: ${COMPLETION-CANDIDATES}.")
    Recipe recipe;

    @Option(names = "--threads", description = "Models read at once (default: one per core).")
    Integer threads;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(corpus.resolve("ground_truth.json"))) {
            err.println(corpus + ": no ground_truth.json there");
            err.flush();
            return InspectCommand.UNREADABLE;
        }
        MotherRecipe r = recipe == Recipe.paper ? MotherRecipe.paper() : MotherRecipe.defaults();
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            err.println("--threads must be at least 1");
            err.flush();
            return InspectCommand.UNREADABLE;
        }
        LineageEvaluation evaluation = new LineageEvaluation(r, new SignatureExtractor(), new FamilyClustering(), n,
                quiet ? null : line -> {
                    synchronized (err) {
                        err.println(line);
                        err.flush();
                    }
                });
        EvalReport report;
        try {
            report = evaluation.run(corpus);
        } catch (WeightFormatException e) {
            err.println(e.getMessage().replace('\n', ' '));
            err.flush();
            return InspectCommand.UNREADABLE;
        } catch (IOException | IllegalArgumentException e) {
            err.println(corpus + ": " + e.getMessage());
            err.flush();
            return InspectCommand.UNREADABLE;
        }
        out.print(json ? report.toJson() + System.lineSeparator() : report.toTable());
        out.flush();
        return 0;
    }
}
