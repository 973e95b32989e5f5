package org.modelheritage.signature;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.modelheritage.read.FloatSink;

/**
 * Which coordinates of a weight matrix a {@link MatrixSketch} keeps, and the sink that picks them
 * out of the row-major value stream. The choice depends only on the tensor's name, its shape and
 * the sketch size: it is the same in every model, in every run, on every JVM (our own SplitMix64
 * and a fixed FNV-1a hash, not {@code java.util.Random} or {@code String.hashCode}).
 */
public final class SketchPlan {
    private final String name;
    private final long rows;
    private final long cols;
    private final long[] rowIndex;
    private final long[] colIndex;

    private SketchPlan(String name, long rows, long cols, long[] rowIndex, long[] colIndex) {
        this.name = name;
        this.rows = rows;
        this.cols = cols;
        this.rowIndex = rowIndex;
        this.colIndex = colIndex;
    }

    /**
     * The matrix view of a shape: dimensions of size one dropped; rows = the first remaining
     * dimension, columns = the product of the others. Empty when fewer than two dimensions
     * remain (vectors and scalars have no sketch).
     */
    public static long[] matrixShape(long[] shape) {
        long[] dims = Arrays.stream(shape).filter(d -> d != 1).toArray();
        if (dims.length < 2 || Arrays.stream(dims).anyMatch(d -> d == 0)) {
            return new long[0];
        }
        long c = 1;
        for (int i = 1; i < dims.length; i++) {
            c = Math.multiplyExact(c, dims[i]);
        }
        return new long[] {dims[0], c};
    }

    /** The plan for a tensor, or null when it is not a matrix. */
    public static SketchPlan of(String name, long[] shape, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("sketch size " + size);
        }
        long[] m = matrixShape(shape);
        if (m.length == 0) {
            return null;
        }
        SplitMix64 rng = new SplitMix64(seed(name, shape, size));
        long[] r = sample(m[0], size, rng);
        long[] c = sample(m[1], size, rng);
        return new SketchPlan(name, m[0], m[1], r, c);
    }

    /** Stable seed: FNV-1a 64 over the name, the shape and the size. */
    static long seed(String name, long[] shape, int size) {
        long h = 0xcbf29ce484222325L;
        byte[] bytes = (name + "|" + Arrays.toString(shape) + "|" + size).getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** {@code k = min(n, size)} distinct indices in [0, n), sorted; all of them when n <= size (Floyd's algorithm). */
    static long[] sample(long n, int size, SplitMix64 rng) {
        if (n <= size) {
            long[] all = new long[(int) n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        // the chosen indices are kept sorted as they come: membership is a binary search, and no
        // boxing or general-purpose sort is needed for a few hundred values
        long[] out = new long[size];
        int k = 0;
        for (long j = n - size; j < n; j++) {
            long t = rng.nextLong(j + 1);
            int at = Arrays.binarySearch(out, 0, k, t);
            if (at >= 0) {
                out[k++] = j; // every index chosen so far is below j
            } else {
                int insert = -at - 1;
                System.arraycopy(out, insert, out, insert + 1, k - insert);
                out[insert] = t;
                k++;
            }
        }
        return out;
    }

    public String name() {
        return name;
    }

    public long rows() {
        return rows;
    }

    public long cols() {
        return cols;
    }

    public int sketchRows() {
        return rowIndex.length;
    }

    public int sketchCols() {
        return colIndex.length;
    }

    /** A sink that picks this plan's coordinates out of the tensor's row-major stream. */
    public Collector collector() {
        return new Collector();
    }

    /** Collects the kept values of one pass over the tensor. */
    public final class Collector implements FloatSink {
        private final float[] values = new float[rowIndex.length * colIndex.length];
        private long position;
        private int nextRow;

        @Override
        public void accept(float[] chunk, int length) {
            long start = position;
            long end = start + length;
            position = end;
            // rows of the plan that intersect [start, end)
            while (nextRow < rowIndex.length) {
                long row = rowIndex[nextRow];
                long rowStart = row * cols;
                if (rowStart >= end) {
                    return;
                }
                long rowEnd = rowStart + cols;
                int base = nextRow * colIndex.length;
                for (int j = 0; j < colIndex.length; j++) {
                    long at = rowStart + colIndex[j];
                    if (at >= start && at < end) {
                        values[base + j] = chunk[(int) (at - start)];
                    }
                }
                if (rowEnd <= end) {
                    nextRow++;
                } else {
                    return;
                }
            }
        }

        /** The sketch, once the whole tensor went through. */
        public MatrixSketch sketch() {
            if (position != rows * cols) {
                throw new IllegalStateException("sketch of " + name + " saw " + position + " of " + rows * cols
                        + " values");
            }
            return MatrixSketch.wrap(name, rows, cols, rowIndex.clone(), colIndex.clone(), values);
        }
    }

    /** SplitMix64 (Steele, Lea, Flood 2014): fixed, portable output for a seed. */
    static final class SplitMix64 {
        private long state;

        SplitMix64(long seed) {
            state = seed;
        }

        long next() {
            long z = (state += 0x9e3779b97f4a7c15L);
            z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
            z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
            return z ^ (z >>> 31);
        }

        /** Uniform in [0, bound), by rejection so there is no modulo bias. */
        long nextLong(long bound) {
            long limit = Long.MAX_VALUE - Long.MAX_VALUE % bound;
            while (true) {
                long r = next() >>> 1;
                if (r < limit) {
                    return r % bound;
                }
            }
        }
    }
}
