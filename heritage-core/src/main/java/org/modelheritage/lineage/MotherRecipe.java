package org.modelheritage.lineage;

import java.util.Objects;

/**
 * How a family's tree is recovered: the distance, how the tree is built from it, and how it is
 * oriented. {@link #paper()} is MoTHer exactly as its reference does it; {@link #defaults()} is
 * ours (see {@code docs/lineage.md}).
 *
 * @param distance the pairwise distance
 * @param method how the tree is built
 * @param signal the direction evidence ({@link TreeMethod#SPANNING_TREE}); the arborescence
 *     always uses MoTHer's binary kurtosis penalty
 * @param mode how the direction signal is read
 * @param lambda MoTHer's penalty weight: edge cost {@code D + lambda * mean(D) * T}
 */
public record MotherRecipe(DistanceMeasure distance, TreeMethod method, DirectionSignal signal, DirectionMode mode,
        double lambda) {

    /** The pairwise distance. */
    public enum DistanceMeasure {
        /**
         * MoTHer's: per square matrix, every pair's elementwise difference min-max normalised over
         * all pairs of the family, the pair's distance being the largest normalised difference over
         * matrices (computed on the sketches: exact for matrices no larger than the sketch). For
         * families with low-rank differences, the reference's LoRA recipe instead: the float32
         * numerical rank of the difference of the {@code value} projections (all lineage
         * matrices when there are none), with kurtosis on the same matrices.
         */
        PAPER,
        /**
         * Ours: {@link PairMetrics#tail() spectral tail} energy for full fine-tuning,
         * {@link PairMetrics#rank() numerical rank} (noise-aware) for low-rank families.
         * Absolute per pair: a new model changes no other pair's distance.
         */
        SPECTRAL
    }

    /** How the tree is built. */
    public enum TreeMethod {
        /**
         * MoTHer's: the minimum spanning arborescence of the complete directed graph with edge
         * cost {@code W[p][c] = D[p][c] + lambda * mean(D) * T[p][c]}, T the binary kurtosis penalty.
         */
        ARBORESCENCE,
        /**
         * Ours: the minimum spanning tree of the symmetric distance, then the root (and the reading
         * of the direction signal, in AUTO mode) with which the per-edge direction evidence agrees
         * most. It is MoTHer's arborescence in the limit of a vanishing penalty: direction never
         * overrides a shorter distance, it only orients.
         */
        SPANNING_TREE
    }

    /**
     * Checks the components.
     *
     * @param distance not null
     * @param method   not null
     * @param signal   not null
     * @param mode     not null
     * @param lambda   finite and at least 0
     * @throws IllegalArgumentException when {@code lambda} is negative, infinite or NaN
     * @throws NullPointerException when a component is null
     */
    public MotherRecipe {
        Objects.requireNonNull(distance, "distance");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(signal, "signal");
        Objects.requireNonNull(mode, "mode");
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and non-negative: " + lambda);
        }
    }

    /** {@return MoTHer as the paper's reference runs it: max-normalised distance, arborescence, kurtosis, lambda 0.3, fine-tuning mode} */
    public static MotherRecipe paper() {
        return new MotherRecipe(DistanceMeasure.PAPER, TreeMethod.ARBORESCENCE, DirectionSignal.KURTOSIS,
                DirectionMode.FINE_TUNING, 0.3);
    }

    /** {@return ours: spectral distance, spanning tree, adaptive direction evidence, automatic mode} */
    public static MotherRecipe defaults() {
        return new MotherRecipe(DistanceMeasure.SPECTRAL, TreeMethod.SPANNING_TREE, DirectionSignal.ADAPTIVE,
                DirectionMode.AUTO, 0.3);
    }

    /**
     * This recipe with another direction mode.
     *
     * @param newMode how the direction signal is read, not null
     * @return a new recipe; this one is unchanged
     * @throws NullPointerException when {@code newMode} is null
     */
    public MotherRecipe withMode(DirectionMode newMode) {
        return new MotherRecipe(distance, method, signal, newMode, lambda);
    }
}
