package org.modelheritage.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.modelheritage.eval.EvalReport;
import org.modelheritage.eval.GroundTruth;
import org.modelheritage.eval.LineageEvaluation;
import org.modelheritage.eval.LineageMetrics;
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
 * {@code eval CORPUS_DIR... [--json] [--recipe ours|paper]}: recovers families and trees from the
 * weights listed in {@code CORPUS_DIR/ground_truth.json} (loaded through the library as uploads
 * are, by content alone) and scores them against it. Given several corpora (forests of several
 * seeds, say), it recovers each on its own and scores each, then all of them together: edges,
 * roots and the calibration bins of every corpus counted at once ({@link LineageEvaluation#together}).
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Recovers families and lineage trees of the models a ground_truth.json lists, and prints "
                + "the adjusted Rand index and the directed, undirected and root accuracies. Several corpora are "
                + "each recovered on their own, then scored one by one and all together.")
final class EvalCommand implements Callable<Integer> {
    /** Which recovery recipe to run. */
    enum Recipe { ours, paper }

    @Parameters(arity = "1..*", paramLabel = "CORPUS_DIR", description = "A folder holding ground_truth.json; several "
            + "are scored one by one and together.")
    List<Path> corpora;

    @Option(names = "--json", description = "Print exactly one JSON object (for several corpora: their joint "
            + "figures, names prefixed with the corpus's position as 1/name, and \"corpora\", each corpus's own).")
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
        for (Path corpus : corpora) {
            if (!Files.isRegularFile(corpus.resolve("ground_truth.json"))) {
                err.println(corpus + ": no ground_truth.json there");
                err.flush();
                return InspectCommand.UNREADABLE;
            }
        }
        MotherRecipe r = recipe == Recipe.paper ? MotherRecipe.paper() : MotherRecipe.defaults();
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            err.println("--threads must be at least 1");
            err.flush();
            return InspectCommand.UNREADABLE;
        }
        List<GroundTruth> truths = new ArrayList<>();
        List<EvalReport> reports = new ArrayList<>();
        for (Path corpus : corpora) {
            String label = corpora.size() == 1 ? "" : corpus + ": ";
            LineageEvaluation evaluation = new LineageEvaluation(r, new SignatureExtractor(), new FamilyClustering(), n,
                    quiet ? null : line -> {
                        synchronized (err) {
                            err.println(label + line);
                            err.flush();
                        }
                    });
            try {
                GroundTruth truth = GroundTruth.read(corpus);
                reports.add(evaluation.run(truth));
                truths.add(truth);
            } catch (WeightFormatException e) {
                err.println(e.getMessage().replace('\n', ' '));
                err.flush();
                return InspectCommand.UNREADABLE;
            } catch (IOException | IllegalArgumentException e) {
                err.println(corpus + ": " + e.getMessage());
                err.flush();
                return InspectCommand.UNREADABLE;
            }
        }
        if (reports.size() == 1) {
            out.print(json ? reports.get(0).toJson() + System.lineSeparator() : reports.get(0).toTable());
        } else {
            EvalReport joint = LineageEvaluation.together(truths, reports);
            out.print(json ? jointJson(joint, reports) + System.lineSeparator() : jointTable(joint, reports));
        }
        out.flush();
        return 0;
    }

    /** The joint report's object, then {@code corpora}: each corpus's own, with its {@code corpus} path first. */
    private String jointJson(EvalReport joint, List<EvalReport> reports) {
        try {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = (ObjectNode) mapper.readTree(joint.toJson());
            ArrayNode each = o.putArray("corpora");
            for (int i = 0; i < reports.size(); i++) {
                ObjectNode c = each.addObject();
                c.put("corpus", corpora.get(i).toString());
                c.setAll((ObjectNode) mapper.readTree(reports.get(i).toJson()));
            }
            return mapper.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line per corpus, then the joint figures with the reliability table (the edges are each corpus's own). */
    private String jointTable(EvalReport joint, List<EvalReport> reports) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-40s %7s %6s %10s %9s %6s %6s%n", "corpus", "models", "ARI",
                "undirected", "directed", "roots", "ECE"));
        for (int i = 0; i < reports.size(); i++) {
            sb.append(row(corpora.get(i).toString(), reports.get(i)));
        }
        sb.append(row("together", joint));
        sb.append(System.lineSeparator()).append(joint.figuresTable());
        sb.append(System.lineSeparator()).append("reliability (confidence bin: edges, mean confidence, right):")
                .append(System.lineSeparator()).append(LineageMetrics.reliabilityLines(joint.reliability()));
        return sb.toString();
    }

    private static String row(String name, EvalReport r) {
        return String.format(Locale.ROOT, "%-40s %7d %6.3f %10.3f %9.3f %6.3f %6.3f%n", name, r.models(),
                r.adjustedRandIndex(), r.undirectedAccuracy(), r.directedAccuracy(), r.rootAccuracy(),
                r.expectedCalibrationError());
    }
}
