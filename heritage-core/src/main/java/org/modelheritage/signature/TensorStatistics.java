package org.modelheritage.signature;

import java.util.Arrays;
import java.util.Objects;
import org.modelheritage.read.DType;

/**
 * Moments of one tensor's values, from one streaming pass: count, mean, central moments (the
 * biased, population estimators), minimum and maximum. Values that are not finite (NaN,
 * infinities) are counted in {@link #nonFinite()} and left out of every other figure.
 */
public final class TensorStatistics {
    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long count;
    private final long nonFinite;
    private final double mean;
    private final double m2;
    private final double m3;
    private final double m4;
    private final double min;
    private final double max;

    /**
     * @param m2 the second central moment, {@code sum((x - mean)^2) / count}
     * @param m3 the third central moment
     * @param m4 the fourth central moment
     */
    public TensorStatistics(String name, DType dtype, long[] shape, long count, long nonFinite, double mean,
            double m2, double m3, double m4, double min, double max) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.count = count;
        this.nonFinite = nonFinite;
        this.mean = mean;
        this.m2 = m2;
        this.m3 = m3;
        this.m4 = m4;
        this.min = min;
        this.max = max;
    }

    /** The tensor's canonical name. */
    public String name() {
        return name;
    }

    /** The element type the file stores the tensor in. */
    public DType dtype() {
        return dtype;
    }

    /** The tensor's shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** Finite values seen. */
    public long count() {
        return count;
    }

    /** The number of NaN and infinite values. */
    public long nonFinite() {
        return nonFinite;
    }

    /** The mean of the finite values. */
    public double mean() {
        return mean;
    }

    /** Population variance (second central moment). */
    public double variance() {
        return m2;
    }

    /** Population standard deviation. */
    public double std() {
        return Math.sqrt(m2);
    }

    /** Root mean square of the values, {@code sqrt(variance + mean^2)}. */
    public double rms() {
        return Math.sqrt(m2 + mean * mean);
    }

    /** The third central moment of the finite values. */
    public double centralMoment3() {
        return m3;
    }

    /** The fourth central moment of the finite values. */
    public double centralMoment4() {
        return m4;
    }

    /** The smallest finite value. */
    public double min() {
        return min;
    }

    /** The largest finite value. */
    public double max() {
        return max;
    }

    /**
     * Excess (Fisher) kurtosis with the biased estimator, {@code m4 / m2^2 - 3}, as
     * {@code scipy.stats.kurtosis} computes it by default. NaN for a constant tensor.
     */
    public double excessKurtosis() {
        return m2 > 0 ? m4 / (m2 * m2) - 3.0 : Double.NaN;
    }

    /** Biased skewness {@code m3 / m2^1.5}; NaN for a constant tensor. */
    public double skewness() {
        return m2 > 0 ? m3 / Math.pow(m2, 1.5) : Double.NaN;
    }

    /** True when both have the same values for every field. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TensorStatistics t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && count == t.count && nonFinite == t.nonFinite
                && Double.compare(mean, t.mean) == 0 && Double.compare(m2, t.m2) == 0
                && Double.compare(m3, t.m3) == 0 && Double.compare(m4, t.m4) == 0
                && Double.compare(min, t.min) == 0 && Double.compare(max, t.max) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), count, mean, m2);
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s %s%s n=%d mean=%.6g std=%.6g kurt=%.6g min=%.6g max=%.6g",
                name, dtype, Arrays.toString(shape), count, mean, std(), excessKurtosis(), min, max);
    }
}
