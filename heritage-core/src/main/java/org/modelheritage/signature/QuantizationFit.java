package org.modelheritage.signature;

import java.util.Objects;

/**
 * How well one weight matrix's values sit on a quantisation grid: the share of probed values that
 * are, within storage rounding, integer multiples of their row's or group's scale (symmetric
 * absmax: {@code scale = max|x| / L}), or integer steps above its minimum (asymmetric:
 * {@code scale = (max - min) / L}), under the best of the schemes {@link QuantizationProbe} tries.
 * Weights that were quantised and dequantised (int8 per output channel, int4 per group of 32 to
 * 128) score 1; trained weights score what chance gives the tolerance, well under a half.
 *
 * @param scheme the best scheme, e.g. {@code row/127}, {@code group32/7}, {@code group128/asym15}
 * @param fit share of probed values on that grid, in [0, 1]
 * @param probed how many values were probed (values too large for the storage precision to tell
 *     a grid point from its neighbours, and zeros, are not)
 */
public record QuantizationFit(String scheme, double fit, int probed) {
    /** A matrix fits a grid when at least this share of its probed values lie on it. */
    public static final double ON_GRID = 0.9;
    /** Fewer probed values than this say nothing. */
    public static final int MIN_PROBED = 64;

    /**
     * Checks the scheme.
     *
     * @param scheme not null ({@code "none"} when no scheme fits at all)
     * @param fit    the share on the grid
     * @param probed the number of probed values
     * @throws NullPointerException when {@code scheme} is null
     */
    public QuantizationFit {
        Objects.requireNonNull(scheme, "scheme");
    }

    /** {@return whether at least {@value #MIN_PROBED} values were probed and at least {@value #ON_GRID} of them sit on the grid} */
    public boolean onGrid() {
        return probed >= MIN_PROBED && fit >= ON_GRID;
    }

    /** {@return whether at least {@value #MIN_PROBED} values were probed: enough to tell either way} */
    public boolean decided() {
        return probed >= MIN_PROBED;
    }
}
