package org.modelheritage.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.modelheritage.read.DType;

class MomentAccumulatorTest {

    /** x_i = sin(i) exp(cos(3 i)), i = 0..9999, as float32. */
    private static float[] series(double offset, double scale) {
        float[] x = new float[10000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (offset + Math.sin(i) * Math.exp(Math.cos(3.0 * i)) * scale);
        }
        return x;
    }

    private static TensorStatistics stats(float[] x, int chunk) {
        MomentAccumulator m = new MomentAccumulator();
        float[] buf = new float[chunk];
        for (int from = 0; from < x.length; from += chunk) {
            int n = Math.min(chunk, x.length - from);
            System.arraycopy(x, from, buf, 0, n);
            m.accept(buf, n);
        }
        return m.toStatistics("t", DType.F32, new long[] {x.length});
    }

    @Test
    void matchesScipyKurtosis() {
        // expected values from scipy.stats.kurtosis / skew and numpy mean / std on the same float32 data
        for (int chunk : new int[] {10000, 997, 3}) {
            TensorStatistics s = stats(series(0, 1), chunk);
            assertEquals(0.26261339426811103, s.excessKurtosis(), 2e-6, "chunk " + chunk);
            assertEquals(0.00023743661727667131, s.mean(), 1e-9);
            assertEquals(1.0674827725923335, s.std(), 1e-7);
            assertEquals(0.0002895990238018072, s.skewness(), 1e-6);
            assertEquals(-2.3924717903137207, s.min(), 0.0);
            assertEquals(2.3925187587738037, s.max(), 0.0);
            assertEquals(10000, s.count());
        }
    }

    @Test
    void robustToALargeOffset() {
        // the same shape around 1000 with std 0.01: power sums about zero would cancel catastrophically
        TensorStatistics s = stats(series(1000, 0.01), 997);
        assertEquals(0.2631834986102448, s.excessKurtosis(), 2e-5);
        assertEquals(1000.0000026550293, s.mean(), 1e-9);
        assertEquals(0.010674749477326757, s.std(), 1e-8);
    }

    @Test
    void nonFiniteValuesAreCountedAndSkipped() {
        float[] x = {1, 2, Float.NaN, 3, Float.POSITIVE_INFINITY, 4};
        TensorStatistics s = stats(x, 4);
        assertEquals(2, s.nonFinite());
        assertEquals(4, s.count());
        assertEquals(2.5, s.mean(), 1e-12);
        assertEquals(1.25, s.variance(), 1e-12);
        assertEquals(1.0, s.min(), 0.0);
        assertEquals(4.0, s.max(), 0.0);
        // m4 of {1,2,3,4} about 2.5: (5.0625 + 0.0625) * 2 / 4 = 2.5625; kurtosis 2.5625 / 1.5625 - 3
        assertEquals(2.5625 / 1.5625 - 3, s.excessKurtosis(), 1e-12);
    }

    @Test
    void constantTensorHasNoKurtosis() {
        TensorStatistics s = stats(new float[] {0.5f, 0.5f, 0.5f}, 2);
        assertEquals(0.0, s.variance(), 0.0);
        assertEquals(Double.NaN, s.excessKurtosis());
        TensorStatistics empty = new MomentAccumulator().toStatistics("e", DType.F32, new long[] {0});
        assertEquals(0, empty.count());
    }

    @Test
    void mergingAccumulatorsEqualsOneStream() {
        float[] x = series(0.3, 2);
        MomentAccumulator a = new MomentAccumulator();
        MomentAccumulator b = new MomentAccumulator();
        a.accept(java.util.Arrays.copyOfRange(x, 0, 3000), 3000);
        b.accept(java.util.Arrays.copyOfRange(x, 3000, 10000), 7000);
        a.merge(b);
        TensorStatistics whole = stats(x, 10000);
        TensorStatistics merged = a.toStatistics("t", DType.F32, new long[] {10000});
        assertEquals(whole.mean(), merged.mean(), 1e-7);
        assertEquals(whole.variance(), merged.variance(), 1e-6 * whole.variance());
        assertEquals(whole.excessKurtosis(), merged.excessKurtosis(), 1e-6);
    }
}
