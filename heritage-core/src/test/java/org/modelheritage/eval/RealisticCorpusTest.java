package org.modelheritage.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.modelheritage.family.FamilyClustering;
import org.modelheritage.lineage.MotherRecipe;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.SharedCorpus;

/**
 * Lineage in the wild on {@code ../shared/corpus/realistic} (a development forest, seed 100: the
 * rules were settled on it, so these are regression bounds, not evidence of generality — the
 * README's held-out table is that). Every family found, every quantised copy labelled and a leaf,
 * every merge with both parents, and the edge accuracies this engine reaches, within a margin.
 */
class RealisticCorpusTest {
    private static EvalReport eval(Path dir) throws IOException {
        return new LineageEvaluation(MotherRecipe.defaults(), new SignatureExtractor(), new FamilyClustering(), 2, null)
                .run(dir);
    }

    private static Path realistic(String sub) {
        Path dir = SharedCorpus.corpus().resolve("realistic").resolve(sub);
        org.modelheritage.testing.Prerequisites.require(java.nio.file.Files.isDirectory(dir),
                "the realistic corpus is not at " + dir);
        return dir;
    }

    @Test
    void allKindsAtOnce() throws IOException {
        EvalReport r = eval(realistic("all"));
        assertEquals(1.0, r.adjustedRandIndex(), 1e-12, "ARI");
        assertEquals(11, r.foundFamilies());
        Map<String, Integer> k = r.kinds();
        assertEquals(k.get("quantized"), k.get("quantized_labelled"), k.toString());
        assertEquals(0, k.get("quantized_roots"));
        assertEquals(0, k.get("quantized_parents"));
        assertEquals(k.get("merges"), k.get("merges_complete"), k.toString());
        assertTrue(r.undirectedAccuracy() >= 0.95, "undirected " + r.undirectedAccuracy());
        assertTrue(r.directedAccuracy() >= 0.95, "directed " + r.directedAccuracy());
        assertTrue(r.rootAccuracy() >= 0.90, "roots " + r.rootAccuracy());
        // the star's two "licenses" children: the spanning tree chains them (same text, the smaller step
        // between the base and the larger); the smaller one's decayed untouched rows lift the other (RowStates)
        assertTrue(r.edges().stream().anyMatch(e -> e.parent().equals("star-b0") && e.child().equals("star-b0-c6")),
                r.edges().toString());
        // the continued pre-training hangs from its base, and its first "python" fine-tune from it: the tree
        // crosses from the base's side at the two python fine-tunes, and re-anchoring the lifted subtree
        // turns that round
        assertTrue(r.edges().stream().anyMatch(e -> e.parent().equals("cpt-b0") && e.child().equals("cpt-b0-cpt")),
                r.edges().toString());
        assertTrue(r.edges().stream().anyMatch(e -> e.parent().equals("cpt-b0-cpt") && e.child().equals("cpt-b0-cpt-c0")),
                r.edges().toString());
        // the merge family's three "man" fine-tunes: the tree chains them, the one that decayed most
        // between the other two; its decayed rows read it as a child of both, so the valley comes out
        // before the tree is oriented and the base keeps all three
        for (String c : new String[] {"merge-b0-c1", "merge-b0-c2"}) {
            assertTrue(r.edges().stream().anyMatch(e -> e.parent().equals("merge-b0") && e.child().equals(c)),
                    c + " " + r.edges());
        }
        // the binned calibration error of one forest's 73 edges moves by several hundredths between fits
        // of equal quality (this forest is one of the three the confidence model is fitted on: 0.05 to 0.08
        // for the last fits, 0.10 to 0.15 for earlier ones that scored alike on the held-out forests); the mean log loss of the
        // confidences (a proper score) is the steadier check
        assertTrue(r.expectedCalibrationError() <= 0.10, "calibration error " + r.expectedCalibrationError());
        java.util.Set<java.util.List<String>> truth = new java.util.HashSet<>(GroundTruth.read(realistic("all")).edges());
        double logLoss = 0;
        for (EvalReport.Edge e : r.edges()) {
            double p = Math.min(1 - 1e-6, Math.max(1e-6, e.confidence()));
            logLoss -= truth.contains(java.util.List.of(e.parent(), e.child())) ? Math.log(p) : Math.log(1 - p);
        }
        logLoss /= r.edges().size();
        // measured 0.08 (0.11 while the renamed base's copy and its children said about 0.5: which of
        // two copies of the same values is the original was a coin toss before the names decided it)
        assertTrue(logLoss <= 0.12, "log loss " + logLoss);
    }

    @Test
    void chainsAdaptersAndSgdFineTunesExactly() throws IOException {
        for (String kind : new String[] {"chain-half", "lora", "sgd"}) {
            EvalReport r = eval(realistic("kinds/" + kind));
            assertEquals(1.0, r.directedAccuracy(), 1e-12, kind + " directed");
            assertEquals(1.0, r.rootAccuracy(), 1e-12, kind + " root");
        }
    }
}
