package org.modelheritage.signature;

import org.modelheritage.read.DType;
import org.modelheritage.read.FloatSink;

/**
 * Streaming moments up to the fourth. Each chunk is summed in two passes over the (cache-resident)
 * chunk: its mean first, then the central power sums about that mean, in double. The chunk is then
 * merged into the running totals with Pébay's pairwise update formulas, so no power sum about a
 * far-away shift ever cancels, whatever the tensor's size or offset.
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

    @Override
    public void accept(float[] values, int length) {
        int start = 0;
        while (start < length) {
            // split at non-finite values, which are counted and skipped
            int end = start;
            while (end < length && Float.isFinite(values[end])) {
                end++;
            }
            if (end > start) {
                acceptFinite(values, start, end);
            }
            if (end < length) {
                nonFinite++;
                end++;
            }
            start = end;
        }
    }

    private void acceptFinite(float[] v, int from, int to) {
        int len = to - from;
        double sa = 0;
        double sb = 0;
        float lo = v[from];
        float hi = v[from];
        int i = from;
        for (; i + 1 < to; i += 2) {
            float x = v[i];
            float y = v[i + 1];
            sa += x;
            sb += y;
            lo = Math.min(lo, Math.min(x, y));
            hi = Math.max(hi, Math.max(x, y));
        }
        if (i < to) {
            sa += v[i];
            lo = Math.min(lo, v[i]);
            hi = Math.max(hi, v[i]);
        }
        double m = (sa + sb) / len;
        double a2 = 0;
        double a3 = 0;
        double a4 = 0;
        double b2 = 0;
        double b3 = 0;
        double b4 = 0;
        i = from;
        for (; i + 1 < to; i += 2) {
            double d = v[i] - m;
            double e = v[i + 1] - m;
            double dd = d * d;
            double ee = e * e;
            a2 += dd;
            a3 += dd * d;
            a4 += dd * dd;
            b2 += ee;
            b3 += ee * e;
            b4 += ee * ee;
        }
        if (i < to) {
            double d = v[i] - m;
            double dd = d * d;
            a2 += dd;
            a3 += dd * d;
            a4 += dd * dd;
        }
        merge(len, m, a2 + b2, a3 + b3, a4 + b4);
        min = Math.min(min, lo);
        max = Math.max(max, hi);
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
