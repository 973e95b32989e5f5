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
     * Statistics as computed (by {@link MomentAccumulator}) or read back from storage.
     *
     * @param name      the tensor's canonical name, not null
     * @param dtype     the type the file stores it in, not null
     * @param shape     the tensor's shape; copied
     * @param count     how many finite values were seen
     * @param nonFinite how many NaN and infinite values were seen
     * @param mean      the mean of the finite values; NaN when there are none
     * @param m2 the second central moment, {@code sum((x - mean)^2) / count}
     * @param m3 the third central moment
     * @param m4 the fourth central moment
     * @param min       the smallest finite value; NaN when there are none
     * @param max       the largest finite value; NaN when there are none
     * @throws NullPointerException when {@code name}, {@code dtype} or {@code shape} is null
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

    /** {@return the tensor's canonical name ({@link TensorNames})} */
    public String name() {
        return name;
    }

    /** {@return the element type the file stores the tensor in} */
    public DType dtype() {
        return dtype;
    }

    /** {@return the tensor's shape; a copy} */
    public long[] shape() {
        return shape.clone();
    }

    /** {@return how many finite values were seen} */
    public long count() {
        return count;
    }

    /** {@return how many NaN and infinite values were seen (left out of every other figure)} */
    public long nonFinite() {
        return nonFinite;
    }

    /** {@return the mean of the finite values; NaN when there are none} */
    public double mean() {
        return mean;
    }

    /** {@return the population variance (second central moment) of the finite values, at least 0} */
    public double variance() {
        return m2;
    }

    /** {@return the population standard deviation of the finite values} */
    public double std() {
        return Math.sqrt(m2);
    }

    /** {@return the root mean square of the finite values, {@code sqrt(variance + mean^2)}} */
    public double rms() {
        return Math.sqrt(m2 + mean * mean);
    }

    /** {@return the third central moment of the finite values} */
    public double centralMoment3() {
        return m3;
    }

    /** {@return the fourth central moment of the finite values} */
    public double centralMoment4() {
        return m4;
    }

    /** {@return the smallest finite value; NaN when there are none} */
    public double min() {
        return min;
    }

    /** {@return the largest finite value; NaN when there are none} */
    public double max() {
        return max;
    }

    /**
     * Excess (Fisher) kurtosis with the biased estimator, {@code m4 / m2^2 - 3}, as
     * {@code scipy.stats.kurtosis} computes it by default.
     *
     * @return the excess kurtosis; NaN for a constant tensor (or one without finite values)
     */
    public double excessKurtosis() {
        return m2 > 0 ? m4 / (m2 * m2) - 3.0 : Double.NaN;
    }

    /** {@return the biased skewness {@code m3 / m2^1.5}; NaN for a constant tensor} */
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
