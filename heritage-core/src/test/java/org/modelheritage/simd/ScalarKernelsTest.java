package org.modelheritage.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The scalar kernel keeps the documented summation order, and its extremes are the bits of one scan in order. */
class ScalarKernelsTest {
    private static final Kernels SCALAR = Kernels.scalar();

    /** The reference: one pass in element order, first value kept on ties, NaN skipped unless first. */
    private static float[] scan(float[] v, int from, int to) {
        float lo = v[from];
        float hi = v[from];
        for (int i = from + 1; i < to; i++) {
            lo = v[i] < lo ? v[i] : lo;
            hi = v[i] > hi ? v[i] : hi;
        }
        return new float[] {lo, hi};
    }

    private static void assertScan(float[] v, int from, int to, String what) {
        float[] mm = new float[2];
        SCALAR.powerSums(v, from, to, 0.0, new double[4], mm);
        float[] want = scan(v, from, to);
        assertEquals(Float.floatToRawIntBits(want[0]), Float.floatToRawIntBits(mm[0]), "min of " + what);
        assertEquals(Float.floatToRawIntBits(want[1]), Float.floatToRawIntBits(mm[1]), "max of " + what);
    }

    /** The documented order, written plainly: lane {@code i mod 16}, then the fixed tree. */
    private static double[] sixteenLanes(float[] v, int from, int to, double k) {
        double[][] lanes = new double[Kernels.LANES][4];
        for (int i = from; i < to; i++) {
            double[] lane = lanes[(i - from) % Kernels.LANES];
            double x = v[i] - k;
            double xx = x * x;
            lane[0] += x;
            lane[1] += xx;
            lane[2] += xx * x;
            lane[3] += xx * xx;
        }
        double[] out = new double[4];
        for (int p = 0; p < 4; p++) {
            double[] g = new double[4];
            for (int q = 0; q < 4; q++) {
                g[q] = (lanes[4 * q][p] + lanes[4 * q + 1][p]) + (lanes[4 * q + 2][p] + lanes[4 * q + 3][p]);
            }
            out[p] = (g[0] + g[1]) + (g[2] + g[3]);
        }
        return out;
    }

    @Test
    void sumsFollowTheDocumentedOrderBitForBit() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 300; trial++) {
            int length = 1 + rng.nextInt(trial < 100 ? 40 : 3000);
            int from = rng.nextInt(7);
            float[] v = new float[from + length + rng.nextInt(3)];
            double scale = Math.pow(10, rng.nextInt(-5, 3));
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (scale * (rng.nextDouble(-1, 1) + rng.nextGaussian()));
            }
            double k = trial % 2 == 0 ? 0 : v[from];
            double[] got = new double[4];
            SCALAR.powerSums(v, from, from + length, k, got, new float[2]);
            double[] want = sixteenLanes(v, from, from + length, k);
            for (int p = 0; p < 4; p++) {
                assertEquals(Double.doubleToRawLongBits(want[p]), Double.doubleToRawLongBits(got[p]),
                        "power " + (p + 1) + " of " + length + " values from " + from);
            }
        }
    }

    @Test
    void extremesAreThoseOfAScanInOrder() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int trial = 0; trial < 400; trial++) {
            int length = 1 + rng.nextInt(300);
            int from = rng.nextInt(5);
            float[] v = new float[from + length + rng.nextInt(3)];
            for (int i = 0; i < v.length; i++) {
                int kind = rng.nextInt(10);
                v[i] = switch (kind) {
                    case 0 -> 0.0f;
                    case 1 -> -0.0f;
                    case 2 -> trial % 4 == 0 ? Float.NaN : 1.5f;
                    case 3 -> trial % 5 == 0 ? Float.NEGATIVE_INFINITY : -2.5f;
                    default -> trial % 3 == 0 ? (float) rng.nextDouble(0, 3) : (float) rng.nextDouble(-3, 3);
                };
            }
            assertScan(v, from, from + length, "trial " + trial + ", " + length + " values from " + from);
        }
    }

    @Test
    void zeroExtremesKeepTheFirstZerosSign() {
        // +0 first in lane 0, -0 later in lane 1: a scan keeps +0 as both the minimum and the maximum
        float[] v = {0.0f, -0.0f, 0.0f, -0.0f, -0.0f, 0.0f, 0.0f, -0.0f, 0.0f};
        float[] mm = new float[2];
        SCALAR.powerSums(v, 0, v.length, 0.0, new double[4], mm);
        assertEquals(Float.floatToRawIntBits(0.0f), Float.floatToRawIntBits(mm[0]));
        assertEquals(Float.floatToRawIntBits(0.0f), Float.floatToRawIntBits(mm[1]));
        SCALAR.powerSums(v, 1, v.length, 0.0, new double[4], mm);
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(mm[0]));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(mm[1]));
    }

    @Test
    void aLeadingNaNStaysAndALaterOneIsSkipped() {
        float[] v = {Float.NaN, 1, 2, 3, 4, 5, 6};
        float[] mm = new float[2];
        SCALAR.powerSums(v, 0, v.length, 0.0, new double[4], mm);
        assertEquals(Float.floatToRawIntBits(Float.NaN), Float.floatToRawIntBits(mm[0]));
        assertEquals(Float.floatToRawIntBits(Float.NaN), Float.floatToRawIntBits(mm[1]));
        float[] w = {4, 1, Float.NaN, 7, -3, 5, Float.NaN, 2, 6};
        SCALAR.powerSums(w, 0, w.length, 0.0, new double[4], mm);
        assertEquals(-3f, mm[0], 0f);
        assertEquals(7f, mm[1], 0f);
    }
}
