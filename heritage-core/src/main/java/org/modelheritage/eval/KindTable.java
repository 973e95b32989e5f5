package org.modelheritage.eval;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.lineage.MotherRecipe;
import org.modelheritage.signature.SignatureExtractor;

/**
 * The per-kind table of {@code docs/lineage.md}: for each forest made by {@code make_realistic.py} (a folder
 * with {@code all/} and {@code kinds/<kind>/}), {@code eval} on every kind alone and on
 * {@code all/}, with our recipe and the paper's, summed over the forests (edges and roots counted,
 * not accuracies averaged), plus the calibration error of all edges of {@code all/}.
 *
 * <pre>java -cp heritage-server.jar org.modelheritage.eval.KindTable FOREST...</pre>
 */
public final class KindTable {
    private KindTable() {
    }

    /** Counts summed over forests for one row. */
    static final class Row {
        int forests;
        int edges;
        double undirected;
        double directed;
        int roots;
        double rootsRight;
        double ari;
        int paperEdges;
        double paperDirected;
        double paperUndirected;
        double paperRoots;
        final List<double[]> conf = new ArrayList<>();
        final Map<String, Integer> kinds = new TreeMap<>();
    }

    /**
     * Command-line entry point: prints the per-kind accuracy table for the forest directories given
     * as arguments. Exits with status 2 and a usage line when none is given.
     *
     * @param args the forest directories, each with {@code all/} and {@code kinds/<kind>/}
     * @throws IOException when a forest cannot be read
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: KindTable FOREST...");
            System.exit(2);
        }
        Map<String, Row> rows = new LinkedHashMap<>();
        LineageEvaluation ours = new LineageEvaluation(MotherRecipe.defaults(), new SignatureExtractor(),
                new FamilyClustering(), Runtime.getRuntime().availableProcessors(), null);
        LineageEvaluation paper = new LineageEvaluation(MotherRecipe.paper(), new SignatureExtractor(),
                new FamilyClustering(), Runtime.getRuntime().availableProcessors(), null);
        for (String f : args) {
            Path forest = Path.of(f);
            List<Path> dirs = new ArrayList<>();
            if (Files.isDirectory(forest.resolve("kinds"))) {
                try (Stream<Path> s = Files.list(forest.resolve("kinds"))) {
                    s.sorted().forEach(dirs::add);
                }
            }
            dirs.add(Files.isDirectory(forest.resolve("all")) ? forest.resolve("all") : forest);
            for (Path dir : dirs) {
                String name = dir.getFileName().toString().equals("all") ? "all kinds at once" : dir.getFileName().toString();
                GroundTruth truth = GroundTruth.read(dir);
                EvalReport r = ours.run(dir);
                EvalReport p = paper.run(dir);
                Row row = rows.computeIfAbsent(name, k -> new Row());
                int e = truth.edges().size();
                int roots = truth.roots().size();
                row.forests++;
                row.edges += e;
                row.undirected += r.undirectedAccuracy() * e;
                row.directed += r.directedAccuracy() * e;
                row.roots += roots;
                row.rootsRight += r.rootAccuracy() * roots;
                row.ari += r.adjustedRandIndex();
                row.paperEdges += e;
                row.paperUndirected += p.undirectedAccuracy() * e;
                row.paperDirected += p.directedAccuracy() * e;
                row.paperRoots += p.rootAccuracy() * roots;
                java.util.Set<List<String>> trueEdges = new java.util.HashSet<>(truth.edges());
                for (EvalReport.Edge edge : r.edges()) {
                    row.conf.add(new double[] {edge.confidence(),
                            trueEdges.contains(List.of(edge.parent(), edge.child())) ? 1 : 0});
                }
                r.kinds().forEach((k, v) -> row.kinds.merge(k, v, Integer::sum));
                System.err.printf(Locale.ROOT, "%s %s: undirected %.3f directed %.3f roots %.3f%n", f, name,
                        r.undirectedAccuracy(), r.directedAccuracy(), r.rootAccuracy());
            }
        }
        System.out.println("| kind | forests | edges | ARI | undirected | directed | roots | calibration error | paper: undirected / directed / roots |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        for (Map.Entry<String, Row> e : rows.entrySet()) {
            Row r = e.getValue();
            double[] c = new double[r.conf.size()];
            boolean[] ok = new boolean[c.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = r.conf.get(i)[0];
                ok[i] = r.conf.get(i)[1] > 0;
            }
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f / %.3f / %.3f |%n", e.getKey(),
                    r.forests, r.edges, r.ari / r.forests, r.undirected / r.edges, r.directed / r.edges,
                    r.rootsRight / r.roots, LineageMetrics.expectedCalibrationError(c, ok, 10),
                    r.paperUndirected / r.paperEdges, r.paperDirected / r.paperEdges, r.paperRoots / r.roots);
        }
        Row all = rows.get("all kinds at once");
        if (all != null && !all.kinds.isEmpty()) {
            System.out.println();
            System.out.println("all kinds at once: " + all.kinds);
        }
    }
}
