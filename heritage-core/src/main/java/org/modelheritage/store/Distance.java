package org.modelheritage.store;

/**
 * A cached distance between two models under a named metric. Distances are symmetric: the pair is
 * kept in canonical order ({@code modelA < modelB}), so {@code (a, b)} and {@code (b, a)} are the
 * same entry.
 */
public record Distance(String modelA, String modelB, String metric, double value) {
    public Distance {
        Ids.requireId(modelA, "model id");
        Ids.requireId(modelB, "model id");
        int order = modelA.compareTo(modelB);
        if (order == 0) {
            throw new IllegalArgumentException("a distance needs two different models, got " + modelA + " twice");
        }
        if (order > 0) {
            String t = modelA;
            modelA = modelB;
            modelB = t;
        }
        Ids.requireLabel(metric, "metric name", 100);
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("distance must be finite, got " + value);
        }
    }

    /** The other model of the pair. */
    public String other(String modelId) {
        return modelA.equals(modelId) ? modelB : modelA;
    }
}
