package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The merge fit on vectors whose inner products are computed here, as the cached pair values would be. */
class MergeDetectorTest {
    private static final int N = 4000;

    private static double[] step(double[] from, double sd, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = from.clone();
        for (int i = 0; i < N; i++) {
            v[i] += sd * r.nextGaussian();
        }
        return v;
    }

    private static MergeDetector.Dots dots(Map<String, double[]> m) {
        return new MergeDetector.Dots() {
            @Override
            public double dot(String a, String b) {
                double s = 0;
                for (int i = 0; i < N; i++) {
                    s += m.get(a)[i] * m.get(b)[i];
                }
                return s / N;
            }

            @Override
            public double self(String a) {
                return dot(a, a);
            }
        };
    }

    @Test
    void findsTheParentsAndWeightsOfALinearMergeAndNothingElse() {
        Map<String, double[]> m = new HashMap<>();
        double[] base = step(new double[N], 0.02, 1);
        m.put("base", base);
        m.put("a", step(base, 0.004, 2));
        m.put("b", step(base, 0.004, 3));
        m.put("c", step(base, 0.004, 4));
        double[] merged = new double[N];
        for (int i = 0; i < N; i++) {
            merged[i] = 0.7 * m.get("a")[i] + 0.3 * m.get("b")[i];
        }
        m.put("merged", merged);
        m.put("merged-ft", step(merged, 0.002, 5)); // a fine-tune of the merge is not a merge
        m.put("a-child", step(m.get("a"), 0.004, 6));
        Map<String, MergeDetector.Merge> found = MergeDetector.find(
                List.of("a", "a-child", "b", "base", "c", "merged", "merged-ft"), dots(m));
        assertEquals(List.of("merged"), List.copyOf(found.keySet()));
        MergeDetector.Merge merge = found.get("merged");
        assertEquals(List.of("a", "b"), merge.parents());
        assertEquals(0.7, merge.weights().get(0), 1e-9);
        assertEquals(0.3, merge.weights().get(1), 1e-9);
        assertTrue(merge.residualShare() < 1e-9, "an exact merge leaves no residual: " + merge);
    }

    @Test
    void theMiddleOfThreeCollinearModelsReadsAsTheirMerge() {
        // a limit of what weights can tell: a chain whose second step repeats the first exactly
        // puts the middle model on the segment between the other two, as a merge would be
        Map<String, double[]> m = new HashMap<>();
        double[] base = step(new double[N], 0.02, 1);
        m.put("base", base);
        m.put("a", step(base, 0.004, 2));
        double[] beyond = new double[N];
        for (int i = 0; i < N; i++) {
            beyond[i] = 1.5 * m.get("a")[i] - 0.5 * base[i];
        }
        m.put("beyond", beyond);
        Map<String, MergeDetector.Merge> found = MergeDetector.find(List.of("a", "base", "beyond"), dots(m));
        assertEquals(List.of("a"), List.copyOf(found.keySet()));
        assertEquals(List.of("beyond", "base"), found.get("a").parents());
        assertEquals(2.0 / 3, found.get("a").weights().get(0), 1e-9);
    }
}
