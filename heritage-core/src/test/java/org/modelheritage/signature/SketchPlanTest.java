package org.modelheritage.signature;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SketchPlanTest {

    @Test
    void matrixViewDropsUnitDimensions() {
        assertArrayEquals(new long[] {17, 64}, SketchPlan.matrixShape(new long[] {1, 17, 64}));
        assertArrayEquals(new long[] {64, 12}, SketchPlan.matrixShape(new long[] {64, 3, 2, 2}));
        assertEquals(0, SketchPlan.matrixShape(new long[] {1, 1, 64}).length);
        assertEquals(0, SketchPlan.matrixShape(new long[] {64}).length);
        assertNull(SketchPlan.of("bias", new long[] {64}, 8));
    }

    @Test
    void sameNameAndShapeGiveTheSameCoordinates() {
        SketchPlan a = SketchPlan.of("layer.0.query.weight", new long[] {300, 500}, 32);
        SketchPlan b = SketchPlan.of("layer.0.query.weight", new long[] {300, 500}, 32);
        SketchPlan c = SketchPlan.of("layer.1.query.weight", new long[] {300, 500}, 32);
        float[] values = new float[300 * 500];
        MatrixSketch sa = collect(a, values, 1000);
        MatrixSketch sb = collect(b, values, 777);
        MatrixSketch sc = collect(c, values, 1000);
        assertTrue(sa.sameCoordinates(sb));
        assertTrue(!sa.sameCoordinates(sc));
        assertEquals(32, sa.sketchRows());
        assertEquals(32, sa.sketchCols());
        // sorted, distinct, in range
        long[] r = sa.rowIndex();
        for (int i = 1; i < r.length; i++) {
            assertTrue(r[i] > r[i - 1]);
        }
        assertTrue(r[0] >= 0 && r[r.length - 1] < 300);
    }

    private static MatrixSketch collect(SketchPlan plan, float[] values, int chunk) {
        SketchPlan.Collector c = plan.collector();
        float[] buf = new float[chunk];
        for (int from = 0; from < values.length; from += chunk) {
            int n = Math.min(chunk, values.length - from);
            System.arraycopy(values, from, buf, 0, n);
            c.accept(buf, n);
        }
        return c.sketch();
    }

    @Test
    void collectorPicksTheRightEntriesWhateverTheChunking() {
        int rows = 90;
        int cols = 70;
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        for (int chunk : new int[] {1, 13, 70, 1000, 100000}) {
            MatrixSketch s = collect(SketchPlan.of("w", new long[] {rows, cols}, 16), values, chunk);
            long[] r = s.rowIndex();
            long[] c = s.colIndex();
            for (int i = 0; i < r.length; i++) {
                for (int j = 0; j < c.length; j++) {
                    assertEquals(r[i] * cols + c[j], (long) s.get(i, j), "chunk " + chunk);
                }
            }
        }
    }

    @Test
    void smallMatricesAreKeptWhole() {
        float[] values = new float[12 * 10];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 0.5f;
        }
        MatrixSketch s = collect(SketchPlan.of("w", new long[] {12, 10}, 16), values, 7);
        assertTrue(s.isComplete());
        assertArrayEquals(values, s.values());
    }

    /** Floyd's algorithm as first written (a HashSet, then a sort): stored sketches depend on its output. */
    private static long[] floydReference(long n, int size, SketchPlan.SplitMix64 rng) {
        Set<Long> chosen = new HashSet<>();
        long[] out = new long[size];
        int k = 0;
        for (long j = n - size; j < n; j++) {
            long t = rng.nextLong(j + 1);
            if (!chosen.add(t)) {
                chosen.add(j);
                t = j;
            }
            out[k++] = t;
        }
        Arrays.sort(out);
        return out;
    }

    @Test
    void samplesAreExactlyWhatTheFirstImplementationChose() {
        Random r = new Random(5);
        for (int trial = 0; trial < 500; trial++) {
            int size = 1 + r.nextInt(160);
            long n = size + 1 + r.nextInt(trial % 3 == 0 ? 4 : 5000);
            long seed = r.nextLong();
            long[] got = SketchPlan.sample(n, size, new SketchPlan.SplitMix64(seed));
            long[] want = floydReference(n, size, new SketchPlan.SplitMix64(seed));
            assertArrayEquals(want, got, "n=" + n + " size=" + size);
        }
    }
}
