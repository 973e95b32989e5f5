package org.modelheritage.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.eval.EvalReport;
import org.modelheritage.eval.LineageMetrics;

class TrainedForestsTest {

    @Test
    void seedListsAndOptions() {
        assertEquals(List.of(41L, 42L, 43L, 44L, 50L), TrainedForests.seedList("41-44,50"));
        assertEquals(List.of(7L), TrainedForests.seedList("7"));
        assertThrows(IllegalArgumentException.class, () -> TrainedForests.seedList("44-41"));
        assertThrows(IllegalArgumentException.class, () -> TrainedForests.seedList("4x"));
        assertThrows(IllegalArgumentException.class, () -> TrainedForests.Options.parse("--shape", "small"));
        assertThrows(IllegalArgumentException.class, () -> TrainedForests.Options.parse("--seeds", "1", "--pretrain", "x"));
        TrainedForests.Options o = TrainedForests.Options.parse("--seeds", "3-4", "--pretrain", "adam", "--shape", "standard");
        assertEquals(List.of(3L, 4L), o.seeds());
        assertEquals(FineTuningTree.Shape.standard().childrenPerRoot(), o.shape(3).childrenPerRoot());
        assertEquals(FineTuningTree.Shape.standard().pretrainSteps(), o.shape(3).pretrainSteps());
        assertEquals(MlpTrainer.OptimizerKind.ADAM, o.shape(4).pretrainOptimizer());
        assertEquals(4L, o.shape(4).seed());
    }

    /**
     * Seeds 42 to 44 of the small shape, which no rule was settled on, scored as the README's
     * figures are. Measured (heritage-examples/scripts/djl-forests.sh --seeds 42-44 --shape small):
     * every family, edge, direction and root right on all three. Without ties going to the model
     * with more neighbours ({@code -Dmh.rootTiesToHubs=false -Dmh.readingTiesToHubs=false}) 44 is not.
     */
    @Test
    void scoresEachSeedsForestAsTheReadmeQuotesIt(@TempDir Path tmp) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        List<TrainedForests.Forest> forests = TrainedForests.run(
                TrainedForests.Options.parse("--seeds", "42-44", "--shape", "small"), tmp,
                new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String printed = buffer.toString(StandardCharsets.UTF_8);

        assertEquals(List.of(42L, 43L, 44L), forests.stream().map(TrainedForests.Forest::seed).toList());
        for (TrainedForests.Forest f : forests) {
            EvalReport r = f.report();
            assertEquals(10, r.models());
            assertEquals(1.0, r.adjustedRandIndex(), 1e-12, r.toTable());
            assertEquals(1.0, r.undirectedAccuracy(), 1e-12, r.toTable());
            assertTrue(Files.isRegularFile(tmp.resolve("seed-" + f.seed()).resolve("ground_truth.json")));
            assertTrue(Files.readString(tmp.resolve("seed-" + f.seed() + ".txt")).contains("directed accuracy"));
            assertTrue(printed.contains(String.format(Locale.ROOT, "%-6d %6d %6.3f %10.3f %8.3f %6.3f", f.seed(),
                    r.models(), r.adjustedRandIndex(), r.undirectedAccuracy(), r.directedAccuracy(), r.rootAccuracy())),
                    printed);
        }
        for (TrainedForests.Forest f : forests) {
            assertTrue(f.exact(), "seed " + f.seed() + "\n" + f.report().toTable());
        }
        assertTrue(printed.contains("exact (ARI, undirected, directed and roots all 1.0): 3 of 3 forests"), printed);
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("mean ")), printed);
        double pooled = LineageMetrics.calibrationError(
                LineageMetrics.pooledReliability(forests.stream().map(f -> f.report().reliability()).toList()));
        int edges = forests.stream().mapToInt(f -> f.report().edges().size()).sum();
        assertEquals(24, edges);
        assertTrue(printed.contains(String.format(Locale.ROOT,
                "calibration error (10 bins) of the 24 edges of the 3 forests together: %.3f;", pooled)), printed);
    }

    /**
     * What the forests' mean calibration error would be with exact confidences: 0 when every edge is
     * certain, and 0.5 for a forest of one edge at an even chance, whichever way it falls.
     */
    @Test
    void meanErrorOfExactConfidencesKnowsItsLimits() {
        TrainedForests.Forest certain = forest(1, 1.0, 1.0, 1.0);
        TrainedForests.Forest toss = forest(2, 0.5);
        assertEquals(0.0, TrainedForests.meanErrorOfExactConfidences(List.of(certain), 50, 3L), 0.0);
        assertEquals(0.5, TrainedForests.meanErrorOfExactConfidences(List.of(toss), 50, 3L), 0.0);
        assertEquals(0.25, TrainedForests.meanErrorOfExactConfidences(List.of(certain, toss), 50, 3L), 0.0);
        // eight edges at 0.9, right with probability 0.9 each: |k/8 - 0.9| averaged over k ~ Binomial(8, 0.9)
        double expected = 0;
        for (int k = 0; k <= 8; k++) {
            double p = binomial(8, k) * Math.pow(0.9, k) * Math.pow(0.1, 8 - k);
            expected += p * Math.abs(k / 8.0 - 0.9);
        }
        double[] conf = new double[8];
        Arrays.fill(conf, 0.9);
        assertEquals(expected, TrainedForests.meanErrorOfExactConfidences(List.of(forest(3, conf)), 20_000, 5L), 0.005);
    }

    private static TrainedForests.Forest forest(long seed, double... confidences) {
        List<EvalReport.Edge> edges = new ArrayList<>();
        for (int i = 0; i < confidences.length; i++) {
            edges.add(new EvalReport.Edge("p", "c" + i, confidences[i], "fine-tune"));
        }
        EvalReport r = new EvalReport(confidences.length + 1, 1, 1, 1, 1, 1, 1, 0, List.of(), edges, 0,
                new double[10][3], Map.of());
        return new TrainedForests.Forest(seed, r, Map.of());
    }

    private static double binomial(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c;
    }

    /**
     * Standard forests, whose last grandchild of each tree is fine-tuned on noisier inputs: every
     * direction signal reads that one edge backwards, so the base and that leaf, two edges apart,
     * score alike as roots. On seed 61 the reading that decides ties them, on seed 75 kurtosis ties
     * the norm while rooting the family at the base. Both forests come out exact only because a tie
     * goes to the model with more neighbours ({@code -Dmh.rootTiesToHubs=false} roots one tree of
     * seed 61 at the noisy leaf, {@code -Dmh.readingTiesToHubs=false} one of seed 75).
     */
    @Test
    void aLeafThatEverySignalReadsBackwardsDoesNotTakeTheRootOnATie(@TempDir Path tmp) throws Exception {
        List<TrainedForests.Forest> forests = TrainedForests.run(
                TrainedForests.Options.parse("--seeds", "61,75", "--shape", "standard"), tmp,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        for (TrainedForests.Forest f : forests) {
            EvalReport r = f.report();
            assertEquals(20, r.models());
            assertTrue(f.exact(), "seed " + f.seed() + "\n" + r.toTable());
        }
    }

    /**
     * Standard seeds 112 and 116: in one tree of each the spectral tail decides and reads the
     * base's edge to one child backwards, while the norm and kurtosis both read it the right way
     * and otherwise agree with the tail. Both forests come out exact only because those two readings
     * take the root back across that edge ({@code -Dmh.othersNameTheRoot=-1} roots that tree at the
     * child on each seed). On seed 107 the tail ties the base with a child and the norm reads their
     * edge as a draw: kurtosis breaks the tie ({@code -Dmh.kurtosisBreaksTies=false} roots it at the child).
     */
    @Test
    void aRootEdgeTheDecidingReadingAloneMisreadsIsReadByTheOtherTwo(@TempDir Path tmp) throws Exception {
        List<TrainedForests.Forest> forests = TrainedForests.run(
                TrainedForests.Options.parse("--seeds", "107,112,116", "--shape", "standard"), tmp,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(List.of(107L, 112L, 116L), forests.stream().map(TrainedForests.Forest::seed).toList());
        for (TrainedForests.Forest f : forests) {
            EvalReport r = f.report();
            assertEquals(20, r.models());
            assertTrue(f.exact(), "seed " + f.seed() + "\n" + r.toTable());
        }
    }
}
