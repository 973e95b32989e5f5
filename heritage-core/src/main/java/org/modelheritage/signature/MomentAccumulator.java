package org.modelheritage.signature;

import org.modelheritage.read.DType;
import org.modelheritage.read.FloatSink;

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
    private static final int SLICE = 8192;

    @Override
    public void accept(float[] values, int length) {
        for (int from = 0; from < length; from += SLICE) {
            acceptSlice(values, from, Math.min(length, from + SLICE));
        }
    }

    private void acceptSlice(float[] values, int from, int to) {
        int length = to - from;
        float lo = values[from];
        float hi = values[from];
        for (int i = from + 1; i < to; i++) {
            float v = values[i];
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        if (!Float.isFinite(lo) || !Float.isFinite(hi)) {
            acceptFiltering(values, from, to);
            return;
        }
        // power sums of d = x - k about a shift k near the mean (the running mean, or the chunk's
        // first value), in double with two independent lanes
        double k = n > 0 ? mean : values[from];
        double p1 = 0;
        double p2 = 0;
        double p3 = 0;
        double p4 = 0;
        double q1 = 0;
        double q2 = 0;
        double q3 = 0;
        double q4 = 0;
        int i = from;
        for (; i + 1 < to; i += 2) {
            double x = values[i] - k;
            double y = values[i + 1] - k;
            double xx = x * x;
            double yy = y * y;
            p1 += x;
            q1 += y;
            p2 += xx;
            q2 += yy;
            p3 += xx * x;
            q3 += yy * y;
            p4 += xx * xx;
            q4 += yy * yy;
        }
        if (i < to) {
            double x = values[i] - k;
            double xx = x * x;
            p1 += x;
            p2 += xx;
            p3 += xx * x;
            p4 += xx * xx;
        }
        double s1 = p1 + q1;
        double s2 = p2 + q2;
        double s3 = p3 + q3;
        double s4 = p4 + q4;
        // central sums about the chunk mean from the shifted power sums
        double len = length;
        double d = s1 / len;
        double c2 = Math.max(0.0, s2 - s1 * d);
        double c3 = s3 - 3 * d * s2 + 2 * d * d * s1;
        double c4 = s4 - 4 * d * s3 + 6 * d * d * s2 - 3 * d * d * d * s1;
        merge(length, k + d, c2, c3, Math.max(0.0, c4));
        min = Math.min(min, lo);
        max = Math.max(max, hi);
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

    /** Folds another accumulator's values into this one. */
    public void merge(MomentAccumulator other) {
        if (other.n > 0) {
            merge(other.n, other.mean, other.s2, other.s3, other.s4);
            min = Math.min(min, other.min);
            max = Math.max(max, other.max);
        }
        nonFinite += other.nonFinite;
    }

    public long count() {
        return n;
    }

    public double mean() {
        return n == 0 ? Double.NaN : mean;
    }

    /** Excess kurtosis of what was seen so far, biased estimator. */
    public double excessKurtosis() {
        double m2 = s2 / n;
        return m2 > 0 ? (s4 / n) / (m2 * m2) - 3.0 : Double.NaN;
    }

    /** The statistics of what was accepted, under the given tensor identity. */
    public TensorStatistics toStatistics(String name, DType dtype, long[] shape) {
        if (n == 0) {
            return new TensorStatistics(name, dtype, shape, 0, nonFinite, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN);
        }
        return new TensorStatistics(name, dtype, shape, n, nonFinite, mean, s2 / n, s3 / n, s4 / n, min, max);
    }
}
