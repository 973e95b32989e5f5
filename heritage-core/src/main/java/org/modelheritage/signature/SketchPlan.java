package org.modelheritage.signature;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.modelheritage.read.FloatSink;

/**
 * Which coordinates of a weight matrix a {@link MatrixSketch} keeps, and the sink that picks them
 * out of the row-major value stream. The choice depends only on the tensor's (canonical) name, its
 * length along each axis and the sketch size: it is the same in every model, in every run, on
 * every JVM (a fixed FNV-1a hash and SplitMix64's finaliser, not {@code java.util.Random} or
 * {@code String.hashCode}).
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
     *
     * @param shape a tensor's shape
     * @return {@code {rows, cols}}, or an empty array for a vector, a scalar or a tensor with a zero dimension
     * @throws ArithmeticException when the column count overflows a long
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

    /**
     * The plan for a tensor, or null when it is not a matrix. Rows and columns are chosen by
     * bottom-k hashing: of the indices {@code 0 .. n-1}, the {@code size} with the smallest hash
     * of (name, axis, index). The choice depends on the name alone, not on the shape, so two models
     * whose matrix differs in length (a vocabulary grown by a few rows) keep the same indices for
     * the rows they share, and their sketches can be compared there ({@link MatrixSketch#alignment}).
     *
     * @param name  the tensor's canonical name
     * @param shape its shape
     * @param size  the most rows and the most columns kept, at least 1 (an axis no longer is kept whole)
     * @return the plan, or null when the tensor is not a matrix
     * @throws IllegalArgumentException when {@code size} is below 1
     */
    public static SketchPlan of(String name, long[] shape, int size) {
        return of(name, shape, size, size);
    }

    /**
     * The plan for a tensor that keeps up to {@code rowSize} rows and {@code colSize} columns
     * ({@link #of(String, long[], int)} keeps as many of each). The rows of a smaller row size are
     * among those of a larger one (bottom-k), so sketches of the two sizes still align.
     *
     * @param name    the tensor's canonical name
     * @param shape   its shape
     * @param rowSize the most rows kept, at least 1
     * @param colSize the most columns kept, at least 1
     * @return the plan, or null when the tensor is not a matrix
     * @throws IllegalArgumentException when a size is below 1
     */
    public static SketchPlan of(String name, long[] shape, int rowSize, int colSize) {
        if (rowSize < 1 || colSize < 1) {
            throw new IllegalArgumentException("sketch size " + rowSize + " x " + colSize);
        }
        long[] m = matrixShape(shape);
        if (m.length == 0) {
            return null;
        }
        long seed = seed(name);
        long[] r = sample(m[0], rowSize, seed);
        long[] c = sample(m[1], colSize, seed ^ 0x5bd1e9955bd1e995L);
        return new SketchPlan(name, m[0], m[1], r, c);
    }

    /** Stable seed: FNV-1a 64 over the name. */
    static long seed(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /**
     * {@code k = min(n, size)} distinct indices in [0, n), sorted: those with the smallest
     * {@link #mix(long) mix(seed + index)}; all of them when n <= size. A bounded max-heap over
     * the hashes: O(n log k) time, O(k) memory.
     */
    static long[] sample(long n, int size, long seed) {
        if (n <= size) {
            long[] all = new long[(int) n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        }
        long[] heapKey = new long[size];
        long[] heapIndex = new long[size];
        int k = 0;
        for (long i = 0; i < n; i++) {
            long h = mix(seed + i * 0x9e3779b97f4a7c15L) >>> 1;
            if (k < size) {
                int at = k++;
                heapKey[at] = h;
                heapIndex[at] = i;
                while (at > 0) { // sift up
                    int up = (at - 1) / 2;
                    if (heapKey[up] >= heapKey[at]) {
                        break;
                    }
                    swap(heapKey, heapIndex, up, at);
                    at = up;
                }
            } else if (h < heapKey[0]) {
                heapKey[0] = h;
                heapIndex[0] = i;
                int at = 0;
                while (true) { // sift down
                    int l = 2 * at + 1;
                    int big = at;
                    if (l < size && heapKey[l] > heapKey[big]) {
                        big = l;
                    }
                    if (l + 1 < size && heapKey[l + 1] > heapKey[big]) {
                        big = l + 1;
                    }
                    if (big == at) {
                        break;
                    }
                    swap(heapKey, heapIndex, big, at);
                    at = big;
                }
            }
        }
        Arrays.sort(heapIndex);
        return heapIndex;
    }

    private static void swap(long[] key, long[] index, int i, int j) {
        long t = key[i];
        key[i] = key[j];
        key[j] = t;
        t = index[i];
        index[i] = index[j];
        index[j] = t;
    }

    /** SplitMix64's finaliser (Steele, Lea, Flood 2014): a fixed, portable 64-bit hash. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** {@return the matrix's canonical tensor name} */
    public String name() {
        return name;
    }

    /** {@return the whole matrix's number of rows} */
    public long rows() {
        return rows;
    }

    /** {@return the whole matrix's number of columns} */
    public long cols() {
        return cols;
    }

    /** The rows kept, sorted. */
    long[] rowIndex() {
        return rowIndex.clone();
    }

    /** {@return the number of rows sampled} */
    public int sketchRows() {
        return rowIndex.length;
    }

    /** {@return the number of columns sampled} */
    public int sketchCols() {
        return colIndex.length;
    }

    /** {@return a new sink that picks this plan's coordinates out of the tensor's row-major stream; one per pass} */
    public Collector collector() {
        return new Collector();
    }

    /** Collects the kept values of one pass over the tensor; obtained from {@link #collector()}. */
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

        /**
         * The sketch, once the whole tensor went through.
         *
         * @return the kept values as a sketch
         * @throws IllegalStateException when the sink saw fewer or more values than the matrix has
         */
        public MatrixSketch sketch() {
            if (position != rows * cols) {
                throw new IllegalStateException("sketch of " + name + " saw " + position + " of " + rows * cols
                        + " values");
            }
            return MatrixSketch.wrap(name, rows, cols, rowIndex.clone(), colIndex.clone(), values);
        }
    }
}
