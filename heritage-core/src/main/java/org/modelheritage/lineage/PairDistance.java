package org.modelheritage.lineage;

import java.util.Objects;

/**
 * One pairwise quantity under a named metric, as the engine computes it and a store caches it: a
 * row (modelA, modelB, metric, value) with {@code modelA < modelB} in id order, so {@code (a, b)}
 * and {@code (b, a)} are the same row. Symmetric metrics ({@link PairMetrics}'s, the family
 * correlation) mean the same both ways; a direction metric (name starting {@code direction-}) is
 * the evidence for {@code modelA -> modelB}, its negation the evidence for the reverse.
 */
public record PairDistance(String modelA, String modelB, String metric, double value) {
    /** The family-link correlation ({@link org.modelheritage.family.WeightCorrelation}). */
    public static final String CORRELATION = "correlation";
    /** Prefix of direction evidence rows; the signal's name follows. */
    public static final String DIRECTION_PREFIX = "direction-";

    /** @throws IllegalArgumentException unless {@code modelA} comes before {@code modelB} */
    public PairDistance {
        Objects.requireNonNull(modelA, "modelA");
        Objects.requireNonNull(modelB, "modelB");
        Objects.requireNonNull(metric, "metric");
        if (modelA.compareTo(modelB) >= 0) {
            throw new IllegalArgumentException("modelA must come before modelB: " + modelA + ", " + modelB);
        }
    }

    /**
     * A row of a symmetric metric, its two models put in order.
     *
     * @throws IllegalArgumentException when the two models are the same
     */
    public static PairDistance symmetric(String model1, String model2, String metric, double value) {
        return model1.compareTo(model2) <= 0
                ? new PairDistance(model1, model2, metric, value)
                : new PairDistance(model2, model1, metric, value);
    }

    /** The other model of the pair. */
    public String other(String modelId) {
        return modelA.equals(modelId) ? modelB : modelA;
    }
}
