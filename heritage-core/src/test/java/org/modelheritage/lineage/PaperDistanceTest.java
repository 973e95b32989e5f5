package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.modelheritage.read.DType;
import org.modelheritage.signature.MatrixSketch;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.TensorStatistics;

/** MoTHer's distances on three hand-made models whose every number is worked out below. */
class PaperDistanceTest {

    private static final List<String> IDS = List.of("a", "b", "c");

    /**
     * Two square 2 x 2 matrices and one 2 x 3 one (not a lineage matrix, since square ones exist).
     *
     * <p>Matrix {@code m1}: A = 0, B = [1, 0, 0, 0], C = [0, 3, -1, 0]. The largest elementwise
     * difference max(W_i - W_j): AB 0, BA 1, AC 1, CA 3, BC 1, CB 3; over all ordered pairs the
     * largest is 3 (and the smallest -3), so min-max normalisation maps x to (x + 3) / 6:
     * AB 1/2, BA 2/3, AC 2/3, CA 1, BC 2/3, CB 1.
     *
     * <p>Matrix {@code m2}: A = 0, B = [0, 0, 0, 2], C = 0: AB 0, BA 2, AC 0, CA 0, BC 2, CB 0;
     * mx = 2, (x + 2) / 4: AB 1/2, BA 1, AC 1/2, CA 1/2, BC 1, CB 1/2.
     *
     * <p>The distance is the larger over matrices: AB 1/2, BA 1, AC 2/3, CA 1, BC 1, CB 1.
     * The 2 x 3 matrix, were it counted, would make AB 1 (B = -5 everywhere).
     */
    private static Map<String, ModelSignature> fullFineTuning() {
        Map<String, ModelSignature> s = new LinkedHashMap<>();
        s.put("a", signature(
                sketch("m1", 2, 2, 0, 0, 0, 0), sketch("m2", 2, 2, 0, 0, 0, 0), sketch("rect", 2, 3, 0, 0, 0, 0, 0, 0)));
        s.put("b", signature(
                sketch("m1", 2, 2, 1, 0, 0, 0), sketch("m2", 2, 2, 0, 0, 0, 2), sketch("rect", 2, 3, -5, -5, -5, -5, -5, -5)));
        s.put("c", signature(
                sketch("m1", 2, 2, 0, 3, -1, 0), sketch("m2", 2, 2, 0, 0, 0, 0), sketch("rect", 2, 3, 0, 0, 0, 0, 0, 0)));
        return s;
    }

    @Test
    void minMaxNormalisedMaxDifferenceOnAHandExample() {
        Map<String, ModelSignature> s = fullFineTuning();
        double[][] d = PaperDistance.matrix(IDS, s::get, false);
        double[][] expected = {
            {0, 0.5, 2.0 / 3},
            {1, 0, 1},
            {1, 1, 0},
        };
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[i][j], d[i][j], 1e-15, "d[" + IDS.get(i) + "][" + IDS.get(j) + "]");
            }
        }
    }

    @Test
    void theNormalisationSpansTheWholeFamily() {
        // m1 alone. Between A and B only, the largest difference is 1 (BA): AB (0 + 1) / 2 = 1/2,
        // BA (1 + 1) / 2 = 1. With C in the family the largest is 3: BA becomes (1 + 3) / 6 = 2/3.
        Map<String, ModelSignature> s = new LinkedHashMap<>();
        s.put("a", signature(sketch("m1", 2, 2, 0, 0, 0, 0)));
        s.put("b", signature(sketch("m1", 2, 2, 1, 0, 0, 0)));
        s.put("c", signature(sketch("m1", 2, 2, 0, 3, -1, 0)));
        double[][] pair = PaperDistance.matrix(List.of("a", "b"), s::get, false);
        assertEquals(0.5, pair[0][1], 1e-15);
        assertEquals(1.0, pair[1][0], 1e-15);
        double[][] family = PaperDistance.matrix(IDS, s::get, false);
        assertEquals(0.5, family[0][1], 1e-15);
        assertEquals(2.0 / 3, family[1][0], 1e-15);
    }

    @Test
    void aMatrixThatNeverDiffersAddsNothing() {
        // every model equal on m2 and rect: only m1 counts, (x + 3) / 6
        Map<String, ModelSignature> s = new LinkedHashMap<>();
        s.put("a", signature(sketch("m1", 2, 2, 0, 0, 0, 0), sketch("m2", 2, 2, 1, 1, 1, 1)));
        s.put("b", signature(sketch("m1", 2, 2, 1, 0, 0, 0), sketch("m2", 2, 2, 1, 1, 1, 1)));
        s.put("c", signature(sketch("m1", 2, 2, 0, 3, -1, 0), sketch("m2", 2, 2, 1, 1, 1, 1)));
        double[][] d = PaperDistance.matrix(IDS, s::get, false);
        assertEquals(0.5, d[0][1], 1e-15);
        assertEquals(2.0 / 3, d[1][0], 1e-15);
        assertEquals(1.0, d[2][1], 1e-15);
    }

    @Test
    void lowRankFamiliesSumTheFloat32RankOfTheValueProjections() {
        // value: A = 0, B = diag(1, 0, 0), C = diag(1, 2, 0): ranks AB 1, AC 2, BC 1.
        // query differs at full rank everywhere and is not a value projection: not counted.
        Map<String, ModelSignature> s = new LinkedHashMap<>();
        s.put("a", signature(sketch("attn.value.weight", 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                sketch("attn.query.weight", 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        s.put("b", signature(sketch("attn.value.weight", 3, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0),
                sketch("attn.query.weight", 3, 3, 1, 0, 0, 0, 1, 0, 0, 0, 1)));
        s.put("c", signature(sketch("attn.value.weight", 3, 3, 1, 0, 0, 0, 2, 0, 0, 0, 0),
                sketch("attn.query.weight", 3, 3, 2, 0, 0, 0, 3, 0, 0, 0, 4)));
        double[][] d = PaperDistance.matrix(IDS, s::get, true);
        double[][] expected = {{0, 1, 2}, {1, 0, 1}, {2, 1, 0}};
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[i][j], d[i][j], 0, "d[" + IDS.get(i) + "][" + IDS.get(j) + "]");
            }
        }
        assertEquals(Set.of("attn.value.weight"), names(PaperDistance.matrices(s.get("a"), true)));
        assertEquals(Set.of("attn.value.weight", "attn.query.weight"), names(PaperDistance.matrices(s.get("a"), false)));
    }

    @Test
    void withoutValueProjectionsEveryLineageMatrixCounts() {
        Map<String, ModelSignature> s = new LinkedHashMap<>();
        // m1 ranks: AB 1, AC 2, BC 1; m2 ranks: AB 2, AC 0, BC 2
        s.put("a", signature(sketch("m1", 2, 2, 0, 0, 0, 0), sketch("m2", 2, 2, 0, 0, 0, 0)));
        s.put("b", signature(sketch("m1", 2, 2, 1, 0, 0, 0), sketch("m2", 2, 2, 1, 0, 0, 1)));
        s.put("c", signature(sketch("m1", 2, 2, 1, 0, 0, 1), sketch("m2", 2, 2, 0, 0, 0, 0)));
        double[][] d = PaperDistance.matrix(IDS, s::get, true);
        assertEquals(3.0, d[0][1], 0);
        assertEquals(2.0, d[0][2], 0);
        assertEquals(3.0, d[1][2], 0);
        assertEquals(3.0, d[2][1], 0);
    }

    @Test
    void float32RankIgnoresSingularValuesBelowTheFloatTolerance() {
        // tolerance: s_max * max(rows, cols) * 2^-23 = 1 * 3 * 1.19e-7 = 3.6e-7
        MatrixSketch zero = sketch("m", 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertEquals(1.0, PaperDistance.float32Rank(sketch("m", 3, 3, 1, 0, 0, 0, 1e-7f, 0, 0, 0, 0), zero));
        assertEquals(2.0, PaperDistance.float32Rank(sketch("m", 3, 3, 1, 0, 0, 0, 1e-6f, 0, 0, 0, 0), zero));
        assertEquals(3.0, PaperDistance.float32Rank(sketch("m", 3, 3, 1, 0, 0, 0, 1e-6f, 0, 0, 0, 0.5f), zero));
        assertEquals(0.0, PaperDistance.float32Rank(zero, zero));
        // rank 1 however large: an outer product
        assertEquals(1.0, PaperDistance.float32Rank(sketch("m", 3, 3, 2, 4, 6, 1, 2, 3, -3, -6, -9), zero));
    }

    private static Set<String> names(List<MatrixSketch> sketches) {
        return sketches.stream().map(MatrixSketch::name).collect(Collectors.toSet());
    }

    /** A whole (unsampled) rows x cols matrix. */
    private static MatrixSketch sketch(String name, int rows, int cols, float... values) {
        long[] r = new long[rows];
        long[] c = new long[cols];
        for (int i = 0; i < rows; i++) {
            r[i] = i;
        }
        for (int j = 0; j < cols; j++) {
            c[j] = j;
        }
        return new MatrixSketch(name, rows, cols, r, c, values);
    }

    private static ModelSignature signature(MatrixSketch... sketches) {
        List<TensorStatistics> stats = new ArrayList<>();
        long params = 0;
        for (MatrixSketch m : sketches) {
            long n = m.rows() * m.cols();
            stats.add(new TensorStatistics(m.name(), DType.F32, new long[] {m.rows(), m.cols()}, n, 0, 0, 1, 0, 3, -1, 1));
            params += n;
        }
        return new ModelSignature("structure", params, sketches.length, stats, List.of(sketches));
    }
}
