package org.modelheritage.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rank sketch on matrices larger than it, where rows are sampled and columns hashed. */
class DeltaAccumulatorTest {

    /** B = A + U V (rank r) on a 2,048 x 768 matrix, streamed in uneven chunks. */
    static int rankOfUpdate(int rows, int cols, int rank, long seed) {
        Random r = new Random(seed);
        float[] a = new float[rows * cols];
        float[] b = new float[rows * cols];
        double[][] u = new double[rows][rank];
        double[][] v = new double[rank][cols];
        for (double[] row : u) {
            for (int k = 0; k < rank; k++) {
                row[k] = r.nextGaussian();
            }
        }
        for (double[] row : v) {
            for (int j = 0; j < cols; j++) {
                row[j] = r.nextGaussian();
            }
        }
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double d = 0;
                for (int k = 0; k < rank; k++) {
                    d += u[i][k] * v[k][j];
                }
                a[i * cols + j] = (float) (0.02 * r.nextGaussian());
                b[i * cols + j] = a[i * cols + j] + (float) (0.001 * d);
            }
        }
        DeltaAccumulator acc = new DeltaAccumulator(rows, cols, true);
        int at = 0;
        for (int chunk = 1000; at < a.length; chunk = chunk * 7 % 10007 + 500) {
            int n = Math.min(chunk, a.length - at);
            acc.accept(a, at, b, at, n);
            at += n;
        }
        return acc.rank();
    }

    @Test
    void aLowRankUpdateOfALargeMatrixKeepsItsRank() {
        assertEquals(1, rankOfUpdate(2048, 768, 1, 1));
        assertEquals(4, rankOfUpdate(2048, 768, 4, 2));
        assertEquals(16, rankOfUpdate(2048, 768, 16, 3));
    }

    /** A square random matrix has a few tiny singular values: a full-rank update nearly fills the sketch. */
    @Test
    void aFullRankUpdateNearlyFillsTheSketch() {
        int rank = rankOfUpdate(1024, 512, 512, 4);
        org.junit.jupiter.api.Assertions.assertTrue(rank >= 56 && rank <= 64, "rank " + rank);
    }
}
