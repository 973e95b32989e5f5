package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.QRDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.junit.jupiter.api.Test;

/**
 * The kernels behind the spectral-tail distance, the rank and the direction vote, against
 * matrices whose singular values are known by hand and against an independent SVD (Commons Math).
 */
class SpectralKernelsTest {

    private static final float[] ZERO_2X2 = new float[4];

    @Test
    void differenceGramIsTheGramOfTheSmallerSide() {
        // D = a - b = [[1, 2, 0], [0, 1, 3]] (wide): D D^T = [[5, 2], [2, 10]]
        float[] a = {2, 2, 0, 1, 1, 4};
        float[] b = {1, 0, 0, 1, 0, 1};
        assertArrayEquals(new double[] {5, 2, 2, 10}, SpectralKernels.differenceGram(a, b, 2, 3), 0);
        // the same D transposed (tall, 3 x 2): D^T D, the same 2 x 2 matrix
        float[] at = {2, 1, 2, 1, 0, 4};
        float[] bt = {1, 1, 0, 0, 0, 1};
        assertArrayEquals(new double[] {5, 2, 2, 10}, SpectralKernels.differenceGram(at, bt, 3, 2), 0);
    }

    @Test
    void differenceSpectrumOfMatricesWithSingularValuesKnownByHand() {
        // diag(3, 4): singular values 4 and 3
        assertArrayEquals(new double[] {16, 9},
                SpectralKernels.differenceSpectrum(new float[] {3, 0, 0, 4}, ZERO_2X2, 2, 2), 1e-12);
        // [[1, 1], [1, 1]]: rank one, singular value 2
        assertArrayEquals(new double[] {4, 0},
                SpectralKernels.differenceSpectrum(new float[] {1, 1, 1, 1}, ZERO_2X2, 2, 2), 1e-12);
        // a signed permutation of diag(2, 1, 3): singular values 3, 2, 1
        float[] perm = {2, 0, 0, 0, 0, -1, 0, 3, 0};
        assertArrayEquals(new double[] {9, 4, 1}, SpectralKernels.differenceSpectrum(perm, new float[9], 3, 3), 1e-12);
        // u v^T with u = (1, 2), v = (2, -1, 2): one singular value |u| |v| = sqrt(5) * 3
        float[] outer = {2, -1, 2, 4, -2, 4};
        assertArrayEquals(new double[] {45, 0}, SpectralKernels.differenceSpectrum(outer, new float[6], 2, 3), 1e-12);
        // the difference, not either matrix: b - a has the same spectrum as a - b
        float[] shifted = {5, 1, 1, 5};
        float[] base = {2, 1, 1, 1};
        // a - b = diag(3, 4)
        assertArrayEquals(new double[] {16, 9}, SpectralKernels.differenceSpectrum(shifted, base, 2, 2), 1e-12);
        assertArrayEquals(new double[] {16, 9}, SpectralKernels.differenceSpectrum(base, shifted, 2, 2), 1e-12);
    }

    @Test
    void differenceSpectrumAgreesWithAnIndependentSvd() {
        SplittableRandom rng = new SplittableRandom(11);
        int[][] shapes = {{20, 31}, {31, 20}, {17, 17}, {1, 9}, {9, 1}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int cols = shape[1];
            float[] a = gaussian(rows * cols, rng);
            float[] b = gaussian(rows * cols, rng);
            double[][] d = new double[rows][cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    d[i][j] = (double) a[i * cols + j] - b[i * cols + j];
                }
            }
            double[] s = new SingularValueDecomposition(new Array2DRowRealMatrix(d)).getSingularValues();
            double[] spectrum = SpectralKernels.differenceSpectrum(a, b, rows, cols);
            assertEquals(Math.min(rows, cols), spectrum.length);
            for (int k = 0; k < spectrum.length; k++) {
                assertEquals(s[k] * s[k], spectrum[k], 1e-9 * s[0] * s[0], rows + "x" + cols + " value " + k);
            }
        }
    }

    @Test
    void tailAndTotalEnergyByHand() {
        // singular values 3, 2, 1: m = 3, the tail starts at floor(3 / 2) = 1
        double[] s3 = {9, 4, 1};
        assertEquals(5.0, SpectralKernels.tailEnergy(s3), 0);
        assertEquals(14.0, SpectralKernels.totalEnergy(s3), 0);
        // m = 4: the tail is the last two
        double[] s4 = {16, 9, 4, 1};
        assertEquals(5.0, SpectralKernels.tailEnergy(s4), 0);
        assertEquals(30.0, SpectralKernels.totalEnergy(s4), 0);
        // m = 1: floor(1 / 2) = 0, the single value is the tail
        assertEquals(7.0, SpectralKernels.tailEnergy(new double[] {7}), 0);
        assertEquals(0.0, SpectralKernels.tailEnergy(new double[0]), 0);
        assertEquals(0.0, SpectralKernels.totalEnergy(new double[0]), 0);
    }

    @Test
    void tailEnergyFromAShareOfTheSpectrum() {
        double[] s4 = {16, 9, 4, 1};
        // from 3/4 of m = 4: index 3 on, the last value
        assertEquals(1.0, SpectralKernels.tailEnergy(s4, 0.75), 0);
        // from 1/2: the same as the half tail
        assertEquals(5.0, SpectralKernels.tailEnergy(s4, 0.5), 0);
        assertEquals(SpectralKernels.tailEnergy(s4), SpectralKernels.tailEnergy(s4, 0.5), 0);
        // from 0: everything; from just below 1: the last value
        assertEquals(30.0, SpectralKernels.tailEnergy(s4, 0.0), 0);
        assertEquals(1.0, SpectralKernels.tailEnergy(s4, 0.99), 0);
        // m = 3: floor(0.75 * 3) = 2, the last value; floor(0.3 * 3) = 0, everything
        double[] s3 = {9, 4, 1};
        assertEquals(1.0, SpectralKernels.tailEnergy(s3, 0.75), 0);
        assertEquals(14.0, SpectralKernels.tailEnergy(s3, 0.3), 0);
        // m = 8, from 3/4: the last two
        assertEquals(3.0, SpectralKernels.tailEnergy(new double[] {64, 49, 36, 25, 16, 9, 2, 1}, 0.75), 0);
    }

    @Test
    void totalEnergyOfTheSpectrumIsTheSquaredFrobeniusNormOfTheDifference() {
        SplittableRandom rng = new SplittableRandom(3);
        float[] a = gaussian(24 * 40, rng);
        float[] b = gaussian(24 * 40, rng);
        double frobenius = 0;
        for (int k = 0; k < a.length; k++) {
            double x = (double) a[k] - b[k];
            frobenius += x * x;
        }
        assertEquals(frobenius, SpectralKernels.totalEnergy(SpectralKernels.differenceSpectrum(a, b, 24, 40)),
                1e-10 * frobenius);
    }

    @Test
    void effectiveRankCountsSingularValuesStrictlyAboveTheThreshold() {
        double[] squared = {9, 4, 1, 0}; // singular values 3, 2, 1, 0
        assertEquals(0, SpectralKernels.effectiveRank(squared, 3.0));
        assertEquals(1, SpectralKernels.effectiveRank(squared, 2.999));
        assertEquals(1, SpectralKernels.effectiveRank(squared, 2.0)); // 2 is not above 2
        assertEquals(2, SpectralKernels.effectiveRank(squared, 1.999));
        assertEquals(3, SpectralKernels.effectiveRank(squared, 0.5));
        assertEquals(3, SpectralKernels.effectiveRank(squared, 0.0)); // a zero singular value never counts
    }

    @Test
    void aRankTwoUpdateHasTwoSingularValuesAndNoTail() {
        // child = parent + 6 u1 v1^T + 2 u2 v2^T, u and v orthonormal: the difference's squared
        // singular values are 36 and 4 and nothing else (up to the floats' rounding of child)
        int rows = 24;
        int cols = 40;
        SplittableRandom rng = new SplittableRandom(5);
        float[] parent = gaussian(rows * cols, rng);
        double[][] u = orthonormalColumns(rows, 2, rng);
        double[][] v = orthonormalColumns(cols, 2, rng);
        float[] child = parent.clone();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                child[i * cols + j] = (float) (parent[i * cols + j] + 6 * u[i][0] * v[j][0] + 2 * u[i][1] * v[j][1]);
            }
        }
        double[] spectrum = SpectralKernels.differenceSpectrum(child, parent, rows, cols);
        assertEquals(36.0, spectrum[0], 1e-4);
        assertEquals(4.0, spectrum[1], 1e-4);
        double rest = 0;
        for (int k = 2; k < spectrum.length; k++) {
            rest += spectrum[k];
        }
        // float rounding of child: at most rows * cols * (ulp of |child| ~ 2^-22)^2, far below 1e-6
        assertTrue(rest < 1e-6, "energy past the update's rank: " + rest);
        assertEquals(40.0, SpectralKernels.totalEnergy(spectrum), 1e-4);
        assertTrue(SpectralKernels.tailEnergy(spectrum) < 1e-6);
        assertEquals(2, SpectralKernels.effectiveRank(spectrum, 1e-2));
        assertEquals(1, SpectralKernels.effectiveRank(spectrum, 3.0));
    }

    @Test
    void tailEnergyChangeOfDiagonalCasesWorkedByHand() {
        // P = diag(2, 1), C = diag(7, 0.5): D = diag(5, -0.5); the tail (k >= 1) is the second axis,
        // where C C^T - P P^T = 0.25 - 1: the child shed energy there
        float[] p = {2, 0, 0, 1};
        float[] shed = {7, 0, 0, 0.5f};
        assertEquals(-0.75, SpectralKernels.tailEnergyChange(p, shed, 2, 2), 1e-12);
        assertEquals(0.75, SpectralKernels.tailEnergyChange(shed, p, 2, 2), 1e-12);
        // C = diag(7, 1.5): D = diag(5, 0.5), the child gained 2.25 - 1 in the tail
        float[] gained = {7, 0, 0, 1.5f};
        assertEquals(1.25, SpectralKernels.tailEnergyChange(p, gained, 2, 2), 1e-12);
        // 3 x 3: P = diag(3, 2, 1), C = diag(7, 1.5, 1.25); D's singular values 4, 0.5, 0.25, so the
        // tail is axes 2 and 3: (2.25 - 4) + (1.5625 - 1) = -1.1875. The largest axis (+40) is left out.
        float[] p3 = {3, 0, 0, 0, 2, 0, 0, 0, 1};
        float[] c3 = {7, 0, 0, 0, 1.5f, 0, 0, 0, 1.25f};
        assertEquals(-1.1875, SpectralKernels.tailEnergyChange(p3, c3, 3, 3), 1e-12);
    }

    @Test
    void tailEnergyChangeDoesNotDependOnTheBasesAndReadsTallMatricesTheSameWay() {
        // P' = U P V^T, C' = U C V^T with orthogonal U (3 x 3) and V (5 x 5): the statistic is a
        // trace over singular subspaces, so the hand value -1.1875 of the diagonal case stays
        SplittableRandom rng = new SplittableRandom(9);
        double[][] u = orthonormalColumns(3, 3, rng);
        double[][] v = orthonormalColumns(5, 5, rng);
        double[] pd = {3, 2, 1};
        double[] cd = {7, 1.5, 1.25};
        float[] p = new float[15];
        float[] c = new float[15];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                double ps = 0;
                double cs = 0;
                for (int k = 0; k < 3; k++) {
                    ps += u[i][k] * pd[k] * v[j][k];
                    cs += u[i][k] * cd[k] * v[j][k];
                }
                p[i * 5 + j] = (float) ps;
                c[i * 5 + j] = (float) cs;
            }
        }
        double wide = SpectralKernels.tailEnergyChange(p, c, 3, 5);
        assertEquals(-1.1875, wide, 1e-4);
        // tall (5 x 3): the transposes, read through the other side's Gram
        assertEquals(wide, SpectralKernels.tailEnergyChange(transpose(p, 3, 5), transpose(c, 3, 5), 5, 3), 1e-9);
    }

    @Test
    void tailEnergyChangeIsAntisymmetric() {
        SplittableRandom rng = new SplittableRandom(13);
        for (int[] shape : new int[][] {{16, 16}, {12, 20}, {20, 12}}) {
            float[] p = gaussian(shape[0] * shape[1], rng);
            float[] c = gaussian(shape[0] * shape[1], rng);
            double forward = SpectralKernels.tailEnergyChange(p, c, shape[0], shape[1]);
            double backward = SpectralKernels.tailEnergyChange(c, p, shape[0], shape[1]);
            assertTrue(Math.abs(forward) > 1e-3, "a random pair has a non-zero statistic: " + forward);
            assertEquals(-forward, backward, 1e-9 * Math.abs(forward));
        }
    }

    @Test
    void tailEnergyChangeMatchesItsDefinitionComputedByAnIndependentSvd() {
        // ||Q^T C||^2 - ||Q^T P||^2, Q the left singular vectors of C - P past the first half
        SplittableRandom rng = new SplittableRandom(17);
        int rows = 10;
        int cols = 14;
        float[] p = gaussian(rows * cols, rng);
        float[] c = gaussian(rows * cols, rng);
        double[][] d = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                d[i][j] = (double) c[i * cols + j] - p[i * cols + j];
            }
        }
        RealMatrix q = new SingularValueDecomposition(new Array2DRowRealMatrix(d)).getU();
        double expected = 0;
        for (int k = rows / 2; k < rows; k++) {
            for (int j = 0; j < cols; j++) {
                double qc = 0;
                double qp = 0;
                for (int i = 0; i < rows; i++) {
                    qc += q.getEntry(i, k) * c[i * cols + j];
                    qp += q.getEntry(i, k) * p[i * cols + j];
                }
                expected += qc * qc - qp * qp;
            }
        }
        assertEquals(expected, SpectralKernels.tailEnergyChange(p, c, rows, cols), 1e-9 * Math.abs(expected) + 1e-12);
    }

    private static float[] gaussian(int n, SplittableRandom rng) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) nextGaussian(rng);
        }
        return x;
    }

    private static double nextGaussian(SplittableRandom rng) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17
        return Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    /** An n x k matrix with orthonormal columns (Q of a Gaussian matrix), as rows. */
    private static double[][] orthonormalColumns(int n, int k, SplittableRandom rng) {
        double[][] g = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                g[i][j] = nextGaussian(rng);
            }
        }
        RealMatrix q = new QRDecomposition(new Array2DRowRealMatrix(g)).getQ();
        double[][] out = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                out[i][j] = q.getEntry(i, j);
            }
        }
        return out;
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = m[i * cols + j];
            }
        }
        return t;
    }
}
