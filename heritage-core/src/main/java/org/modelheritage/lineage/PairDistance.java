package org.modelheritage.lineage;

import java.util.Objects;

/**
 * One pairwise quantity under a named metric, as the engine computes it and a store caches it: a
 * row (modelA, modelB, metric, value) with {@code modelA < modelB} in id order, so {@code (a, b)}
 * and {@code (b, a)} are the same row. Symmetric metrics ({@link PairMetrics}'s, the family
 * correlation) mean the same both ways; a direction metric (name starting {@code direction-}) is
 * the evidence for {@code modelA -> modelB}, its negation the evidence for the reverse.
 *
 * @param modelA the pair's model that comes first in {@link String#compareTo} order
 * @param modelB the pair's other model, strictly after {@code modelA}
 * @param metric the metric's name: {@link #CORRELATION}, a {@link PairMetrics} name, or
 *               {@link #DIRECTION_PREFIX} and a signal's name
 * @param value  the quantity; its unit and range are the metric's
 */
public record PairDistance(String modelA, String modelB, String metric, double value) {
    /** The family-link correlation ({@link org.modelheritage.family.WeightCorrelation}). */
    public static final String CORRELATION = "correlation";
    /** Prefix of direction evidence rows; the signal's name follows. */
    public static final String DIRECTION_PREFIX = "direction-";

    /**
     * Checks the components.
     *
     * @param modelA not null, before {@code modelB}
     * @param modelB not null
     * @param metric not null
     * @param value  any value (a store checks it is finite before caching it)
     * @throws IllegalArgumentException unless {@code modelA} comes before {@code modelB}
     * @throws NullPointerException when a model id or the metric is null
     */
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
     * @param model1 one model of the pair, not null
     * @param model2 the other model, not null
     * @param metric the metric's name, not null
     * @param value  the quantity, the same for both orders
     * @return the row with the model that sorts first as {@code modelA}
     * @throws IllegalArgumentException when the two models are the same
     */
    public static PairDistance symmetric(String model1, String model2, String metric, double value) {
        return model1.compareTo(model2) <= 0
                ? new PairDistance(model1, model2, metric, value)
                : new PairDistance(model2, model1, metric, value);
    }

    /**
     * The other model of the pair.
     *
     * @param modelId one of the pair's models
     * @return the pair's other model; {@code modelA} when {@code modelId} is not in the pair
     */
    public String other(String modelId) {
        return modelA.equals(modelId) ? modelB : modelA;
    }
}
