package org.modelheritage.signature;

import org.modelheritage.read.DType;
import org.modelheritage.read.FloatSink;
import org.modelheritage.simd.Kernels;

/**
 * Streaming moments up to the fourth. Each cache-sized slice of a chunk is summed in one pass, in
 * double, as power sums of {@code x - k} about a shift k close to the mean (the running mean once
 * there is one), turned into central sums about the slice's mean; the chunk is then merged into the running
 * totals with Pébay's pairwise update formulas. So no power sum is ever taken about a far-away
 * point, whatever the tensor's size or offset.
 */
public final class MomentAccumulator implements FloatSink {
    private long n;
    private long nonFinite;
    private double mean;
    private double s2;
    private double s3;
    private double s4;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    /** Slices of a chunk processed while they are in the core's cache (a reader's chunk may be megabytes). */
    private static final int SLICE = 4096;

    @Override
    public void accept(float[] values, int length) {
        for (int from = 0; from < length; from += SLICE) {
            acceptSlice(values, from, Math.min(length, from + SLICE));
        }
    }

    private final double[] sums = new double[4];
    private final float[] minMax = new float[2];
    /** The long slices' loops: on the Vector API when the JVM has it, else scalar; the same sums either way. */
    private static final Kernels KERNELS = Kernels.get();

    private void acceptSlice(float[] values, int from, int to) {
        int length = to - from;
        // power sums of d = x - k about a shift k near the mean (the running mean, or the slice's first value)
        double k = n > 0 ? mean : values[from];
        k = Double.isFinite(k) ? k : 0.0;
        // short inputs (biases, norms) go through their own copies of the kernels: the JIT shapes a
        // loop by the trip counts it has seen, and the long slices of weight matrices must not be
        // compiled for the short ones
        float lo;
        float hi;
        if (length < SHORT) {
            lo = minShort(values, from, to);
            hi = maxShort(values, from, to);
            powerSumsShort(values, from, to, k, sums);
        } else {
            KERNELS.powerSums(values, from, to, k, sums, minMax);
            lo = minMax[0];
            hi = minMax[1];
        }
        double s1 = sums[0];
        double s2 = sums[1];
        double s3 = sums[2];
        double s4 = sums[3];
        if (!Float.isFinite(lo) || !Float.isFinite(hi) || !Double.isFinite(s1) || !Double.isFinite(s4)) {
            acceptFiltering(values, from, to);
            return;
        }
        // central sums about the slice mean from the shifted power sums
        double len = length;
        double d = s1 / len;
        double c2 = Math.max(0.0, s2 - s1 * d);
        double c3 = s3 - 3 * d * s2 + 2 * d * d * s1;
        double c4 = s4 - 4 * d * s3 + 6 * d * d * s2 - 3 * d * d * d * s1;
        merge(length, k + d, c2, c3, Math.max(0.0, c4));
        min = Math.min(min, lo);
        max = Math.max(max, hi);
    }

    private static final int SHORT = 1024;

    /** Minimum, skipping NaN (comparisons with NaN are false; the power sums reveal it). */
    private static float minShort(float[] v, int from, int to) {
        float m = v[from];
        for (int i = from + 1; i < to; i++) {
            float x = v[i];
            m = x < m ? x : m;
        }
        return m;
    }

    private static float maxShort(float[] v, int from, int to) {
        float m = v[from];
        for (int i = from + 1; i < to; i++) {
            float x = v[i];
            m = x > m ? x : m;
        }
        return m;
    }

    private static void powerSumsShort(float[] v, int from, int to, double k, double[] out) {
        double p1 = 0;
        double p2 = 0;
        double p3 = 0;
        double p4 = 0;
        for (int i = from; i < to; i++) {
            double x = v[i] - k;
            double xx = x * x;
            p1 += x;
            p2 += xx;
            p3 += xx * x;
            p4 += xx * xx;
        }
        out[0] = p1;
        out[1] = p2;
        out[2] = p3;
        out[3] = p4;
    }

    /** The slow path for a chunk with NaN or infinite values: count them, fold in the rest. */
    private void acceptFiltering(float[] values, int from, int to) {
        float[] finite = new float[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            if (Float.isFinite(values[i])) {
                finite[n++] = values[i];
            } else {
                nonFinite++;
            }
        }
        if (n > 0) {
            accept(finite, n);
        }
    }

    /** Folds in a block of {@code nb} values with mean {@code mb} and central power sums {@code b2..b4}. */
    private void merge(long nb, double mb, double b2, double b3, double b4) {
        if (n == 0) {
            n = nb;
            mean = mb;
            s2 = b2;
            s3 = b3;
            s4 = b4;
            return;
        }
        double na = n;
        double nbd = nb;
        double nt = na + nbd;
        double delta = mb - mean;
        double d2 = delta * delta;
        double nanb = na * nbd;
        double t4 = s4 + b4 + d2 * d2 * nanb * (na * na - nanb + nbd * nbd) / (nt * nt * nt)
                + 6.0 * d2 * (na * na * b2 + nbd * nbd * s2) / (nt * nt)
                + 4.0 * delta * (na * b3 - nbd * s3) / nt;
        double t3 = s3 + b3 + d2 * delta * nanb * (na - nbd) / (nt * nt) + 3.0 * delta * (na * b2 - nbd * s2) / nt;
        double t2 = s2 + b2 + d2 * nanb / nt;
        mean += delta * nbd / nt;
        s2 = t2;
        s3 = t3;
        s4 = t4;
        n += nb;
    }

    /**
     * Folds another accumulator's values into this one, as if this one had seen them too (Pébay's
     * pairwise update; the order of merges changes only the last bits).
     *
     * @param other the accumulator to fold in; not changed
     */
    public void merge(MomentAccumulator other) {
        if (other.n > 0) {
            merge(other.n, other.mean, other.s2, other.s3, other.s4);
            min = Math.min(min, other.min);
            max = Math.max(max, other.max);
        }
        nonFinite += other.nonFinite;
    }

    /** {@return the number of finite values seen (NaN and infinities are counted apart)} */
    public long count() {
        return n;
    }

    /** {@return the mean of the finite values seen; NaN before any} */
    public double mean() {
        return n == 0 ? Double.NaN : mean;
    }

    /** {@return the excess kurtosis of the finite values seen so far, biased estimator; NaN when they are all equal or there are none} */
    public double excessKurtosis() {
        double m2 = s2 / n;
        return m2 > 0 ? (s4 / n) / (m2 * m2) - 3.0 : Double.NaN;
    }

    /**
     * The statistics of what was accepted, under the given tensor identity.
     *
     * @param name  the tensor's canonical name
     * @param dtype the type the file stores it in
     * @param shape its shape; copied
     * @return the statistics; every moment, the minimum and the maximum NaN when no finite value was seen
     */
    public TensorStatistics toStatistics(String name, DType dtype, long[] shape) {
        if (n == 0) {
            return new TensorStatistics(name, dtype, shape, 0, nonFinite, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN);
        }
        return new TensorStatistics(name, dtype, shape, n, nonFinite, mean, s2 / n, s3 / n, s4 / n, min, max);
    }
}
