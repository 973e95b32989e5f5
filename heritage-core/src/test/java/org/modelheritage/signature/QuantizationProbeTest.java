package org.modelheritage.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.modelheritage.read.DType;

class QuantizationProbeTest {
    private static final int ROWS = 20; // more than the probe keeps
    private static final int COLS = 96;

    private static float[] gaussian(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[ROWS * COLS];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (0.02 * r.nextGaussian());
        }
        return v;
    }

    private static QuantizationFit probe(float[] v, DType dtype) {
        long[] rows = new long[ROWS];
        for (int i = 0; i < ROWS; i++) {
            rows[i] = i;
        }
        QuantizationProbe p = new QuantizationProbe(rows, COLS, dtype);
        for (int at = 0; at < v.length; at += 37) { // chunks that cut rows anywhere
            int n = Math.min(37, v.length - at);
            float[] chunk = new float[n];
            System.arraycopy(v, at, chunk, 0, n);
            p.accept(chunk, n);
        }
        return p.fit();
    }

    /** Symmetric absmax quantisation per group of {@code group} values of each row, then dequantised. */
    private static float[] quantise(float[] v, int group, int levels) {
        float[] q = v.clone();
        for (int r = 0; r < ROWS; r++) {
            for (int g0 = 0; g0 < COLS; g0 += group) {
                float max = 0;
                for (int c = g0; c < Math.min(COLS, g0 + group); c++) {
                    max = Math.max(max, Math.abs(v[r * COLS + c]));
                }
                float scale = max / levels;
                for (int c = g0; c < Math.min(COLS, g0 + group); c++) {
                    q[r * COLS + c] = Math.round(v[r * COLS + c] / scale) * scale;
                }
            }
        }
        return q;
    }

    /** Round to the nearest F16 value (10 mantissa bits; the normal range is all these tests need). */
    private static float toF16(float x) {
        if (x == 0) {
            return x;
        }
        double ulp = Math.scalb(1.0, Math.getExponent(x) - 10);
        return (float) (Math.rint(x / ulp) * ulp);
    }

    @Test
    void int8PerRowSitsOnItsGrid() {
        QuantizationFit fit = probe(quantise(gaussian(1), COLS, 127), DType.F32);
        assertEquals("row/127", fit.scheme());
        assertEquals(1.0, fit.fit(), 0.0);
        assertTrue(fit.onGrid());
    }

    @Test
    void int4PerGroupOf32SitsOnItsGridEvenStoredInHalfPrecision() {
        float[] q = quantise(gaussian(2), 32, 7);
        for (int i = 0; i < q.length; i++) {
            q[i] = toF16(q[i]);
        }
        QuantizationFit fit = probe(q, DType.F16);
        assertEquals("group32/7", fit.scheme());
        assertTrue(fit.fit() > 0.99, fit.toString());
    }

    @Test
    void trainedWeightsDoNot() {
        for (DType dtype : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            float[] v = gaussian(3);
            if (dtype == DType.BF16) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = org.modelheritage.testing.InMemoryWeightFile.toBf16(v[i]);
                }
            }
            QuantizationFit fit = probe(v, dtype);
            assertFalse(fit.onGrid(), dtype + " " + fit);
            assertTrue(fit.fit() < 0.5, dtype + " " + fit);
        }
    }
}
