package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    private static double[] randomSymmetric(int n, SplittableRandom rng, int rank) {
        // sum of `rank` outer products plus a little diagonal, so low-rank and full-rank cases both occur
        double[] a = new double[n * n];
        for (int r = 0; r < rank; r++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = rng.nextGaussian();
            }
            double w = rng.nextDouble() * 3 - 1;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    a[i * n + j] += w * v[i] * v[j];
                }
            }
        }
        return a;
    }

    @Test
    void eigenvaluesMatchCommonsMath() {
        SplittableRandom rng = new SplittableRandom(7);
        for (int trial = 0; trial < 40; trial++) {
            int n = 1 + rng.nextInt(40);
            int rank = trial % 3 == 0 ? Math.max(1, n / 4) : n + 3;
            double[] a = randomSymmetric(n, rng, rank);
            double[][] rows = new double[n][];
            for (int i = 0; i < n; i++) {
                rows[i] = Arrays.copyOfRange(a, i * n, i * n + n);
            }
            double[] expected = new EigenDecomposition(new Array2DRowRealMatrix(rows)).getRealEigenvalues();
            Arrays.sort(expected);
            double scale = Arrays.stream(expected).map(Math::abs).max().orElse(1);
            double[] values = SymmetricEigen.eigenvalues(a.clone(), n);
            double[] withVectors = a.clone();
            double[] decomposed = SymmetricEigen.decompose(withVectors, n);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[n - 1 - i], values[i], 1e-9 * scale, "eigenvalue " + i + " of n=" + n);
                assertEquals(expected[n - 1 - i], decomposed[i], 1e-9 * scale);
            }
            // A q_k = lambda_k q_k, and the q_k are orthonormal
            for (int k = 0; k < n; k++) {
                for (int i = 0; i < n; i++) {
                    double aq = 0;
                    for (int j = 0; j < n; j++) {
                        aq += a[i * n + j] * withVectors[k * n + j];
                    }
                    assertEquals(decomposed[k] * withVectors[k * n + i], aq, 1e-8 * scale);
                }
                for (int l = 0; l < n; l++) {
                    double dot = 0;
                    for (int i = 0; i < n; i++) {
                        dot += withVectors[k * n + i] * withVectors[l * n + i];
                    }
                    assertEquals(k == l ? 1.0 : 0.0, dot, 1e-9);
                }
            }
        }
    }

    @Test
    void diagonalAndZeroMatrices() {
        double[] d = {3, 0, 0, 0, -1, 0, 0, 0, 2};
        double[] ev = SymmetricEigen.eigenvalues(d, 3);
        assertEquals(3.0, ev[0], 1e-15);
        assertEquals(2.0, ev[1], 1e-15);
        assertEquals(-1.0, ev[2], 1e-15);
        double[] z = SymmetricEigen.eigenvalues(new double[16], 4);
        for (double v : z) {
            assertEquals(0.0, v, 0.0);
        }
    }
}
