package org.modelheritage.lineage;

import java.util.Objects;

/**
 * One cached pairwise quantity, as the storage layer keeps it: a row (modelA, modelB, metric,
 * value) with {@code modelA < modelB} in id order. Symmetric metrics ({@link PairMetrics}'s, the
 * family correlation) mean the same both ways; a direction metric (name starting
 * {@code direction-}) is the evidence for {@code modelA -> modelB}, its negation the evidence for
 * the reverse.
 */
public record PairDistance(String modelA, String modelB, String metric, double value) {
    /** The family-link correlation ({@link org.modelheritage.family.WeightCorrelation}). */
    public static final String CORRELATION = "correlation";
    /** Prefix of direction evidence rows; the signal's name follows. */
    public static final String DIRECTION_PREFIX = "direction-";

    public PairDistance {
        Objects.requireNonNull(modelA, "modelA");
        Objects.requireNonNull(modelB, "modelB");
        Objects.requireNonNull(metric, "metric");
        if (modelA.compareTo(modelB) >= 0) {
            throw new IllegalArgumentException("modelA must come before modelB: " + modelA + ", " + modelB);
        }
    }
}
