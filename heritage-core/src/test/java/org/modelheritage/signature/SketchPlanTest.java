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

    /** Bottom-k by brute force: every index's hash, sorted, the k smallest, in index order. */
    private static long[] bottomKReference(long n, int size, long seed) {
        Long[] idx = new Long[(int) n];
        for (int i = 0; i < n; i++) {
            idx[i] = (long) i;
        }
        Arrays.sort(idx, (x, y) -> Long.compare(SketchPlan.mix(seed + x * 0x9e3779b97f4a7c15L) >>> 1,
                SketchPlan.mix(seed + y * 0x9e3779b97f4a7c15L) >>> 1));
        long[] out = new long[Math.min(size, (int) n)];
        for (int i = 0; i < out.length; i++) {
            out[i] = idx[i];
        }
        Arrays.sort(out);
        return out;
    }

    @Test
    void samplesAreTheIndicesWithTheSmallestHashes() {
        Random r = new Random(5);
        for (int trial = 0; trial < 300; trial++) {
            int size = 1 + r.nextInt(160);
            long n = size + 1 + r.nextInt(trial % 3 == 0 ? 4 : 3000);
            long seed = r.nextLong();
            assertArrayEquals(bottomKReference(n, size, seed), SketchPlan.sample(n, size, seed), "n=" + n + " size=" + size);
        }
    }

    @Test
    void aGrownAxisKeepsTheRowsItShares() {
        // a vocabulary of 50,000 rows grown by 7 (a pad token and padding to a multiple of 8)
        SketchPlan before = SketchPlan.of("embed_tokens.weight", new long[] {50_000, 64}, 128);
        SketchPlan after = SketchPlan.of("embed_tokens.weight", new long[] {50_007, 64}, 128);
        Set<Long> shared = new HashSet<>();
        for (long v : before.rowIndex()) {
            shared.add(v);
        }
        int kept = 0;
        for (long v : after.rowIndex()) {
            kept += shared.contains(v) ? 1 : 0;
        }
        // a new row displaces one of the 128 only if its hash is among the 128 smallest of 50,007
        assertTrue(kept >= 126, "rows kept: " + kept);
        // and the columns, whose axis did not change, are the same
        MatrixSketch a = collect(SketchPlan.of("w", new long[] {300, 200}, 16),
                new float[300 * 200], 1000);
        MatrixSketch b = collect(SketchPlan.of("w", new long[] {305, 200}, 16), new float[305 * 200], 1000);
        MatrixSketch.Alignment at = MatrixSketch.alignment(a, b);
        assertEquals(16, at.cols());
        assertTrue(at.rows() >= 15, "shared rows " + at.rows());
    }
}
