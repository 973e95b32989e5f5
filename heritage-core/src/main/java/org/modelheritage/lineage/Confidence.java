package org.modelheritage.lineage;

/**
 * An edge's confidence: the probability that this parent, in this direction, is right, from a
 * logistic model over what the engine knows of the edge (how clearly the parent beats the next-best
 * one, how much the direction evidence agrees), one set of coefficients per edge kind. The
 * coefficients are fitted on generated development forests only (see "Confidence" in {@code docs/lineage.md},
 * which names the forests and the command that fits and checks them); they are not tuned on the
 * forests that measure the calibration error.
 */
public final class Confidence {
    private Confidence() {
    }

    /**
     * @param parent the parent's id (for the calibration fit)
     * @param child the child's id
     * @param kind the edge's kind
     * @param margin in [0, 1]: 1 - d(parent, child) / d(next-best parent, child) for a tree edge,
     *     how far inside the rounding band a duplicate is, how good a merge's fit is
     * @param agreement in [-1, 1]: the direction evidence along the edge (1 when every voting
     *     matrix agrees)
     */
    static double of(String parent, String child, EdgeKind kind, double margin, double agreement) {
        return of(parent, child, kind, margin, agreement, 1.0, false, 0.0);
    }

    /**
     * @param consensus in [-1, 1]: the family's net direction agreement per tree edge (1 when every
     *     vote of every edge agrees with the orientation chosen); 1 where there is no tree
     * @param tailDecided whether the spectral tail rather than the norm oriented the family (the
     *     regime of weight decay that shrinks what the task does not use)
     * @param continuation in [0, 1]: how far the child's change continues its parent's own change
     *     (the cosine of {@code child - parent} with {@code parent - grandparent}, 0 when negative or
     *     when the parent is a root). A child of a model fine-tuned on the same data and a sibling of
     *     that model that took a longer step on it look alike here, so such edges are less certain
     */
    static double of(String parent, String child, EdgeKind kind, double margin, double agreement,
            double consensus, boolean tailDecided, double continuation) {
        Recorder r = recorder;
        if (r != null) {
            r.record(parent, child, kind, margin, agreement, consensus, tailDecided, continuation);
        }
        return of(kind, margin, agreement, consensus, tailDecided, continuation);
    }

    static double of(EdgeKind kind, double margin, double agreement, double consensus, boolean tailDecided,
            double continuation) {
        double[] c = coefficients(kind);
        double z = c[0] + c[1] * margin + c[2] * agreement + c[3] * consensus + c[4] * (tailDecided ? 1 : 0)
                + c[5] * continuation;
        return 1.0 / (1.0 + Math.exp(-z));
    }

    /** Sees every edge's inputs as its confidence is computed: for fitting the coefficients only. */
    public interface Recorder {
        /**
         * Records one edge's evidence: the margin of its parent over the next candidate and how far
         * the direction signals agree. Called on the thread computing the edge, possibly several at once.
         *
         * @param parent      the parent's id
         * @param child       the child's id
         * @param kind        the edge's kind
         * @param margin      in [0, 1]: how clearly the parent beats the next-best one
         * @param agreement   in [-1, 1]: the direction evidence along the edge
         * @param consensus   in [-1, 1]: the family's net direction agreement per tree edge
         * @param tailDecided whether the spectral tail rather than the norm oriented the family
         * @param continuation in [0, 1]: how far the child's change continues its parent's own change
         *     (0 when the parent is a root)
         */
        void record(String parent, String child, EdgeKind kind, double margin, double agreement,
                double consensus, boolean tailDecided, double continuation);
    }

    private static volatile Recorder recorder;

    /**
     * Runs {@code work} with a recorder seeing every edge's inputs (the calibration fit,
     * {@code org.modelheritage.eval.CalibrationFit}); one at a time. The recorder is global while
     * {@code work} runs: it sees the edges every thread computes.
     *
     * @param <T>  what {@code work} returns
     * @param r    the recorder
     * @param work the lineage computations to record
     * @return what {@code work} returned
     * @throws Exception whatever {@code work} throws; the recorder is removed either way
     */
    public static synchronized <T> T recording(Recorder r, java.util.concurrent.Callable<T> work) throws Exception {
        recorder = r;
        try {
            return work.call();
        } finally {
            recorder = null;
        }
    }

    static double[] coefficients(EdgeKind kind) {
        return switch (kind) {
            case FINE_TUNE, RESIZE -> TREE;
            case ADAPTER -> ADAPTER;
            case DUPLICATE -> DUPLICATE;
            case QUANTIZED -> QUANTIZED;
            case MERGE -> MERGE;
        };
    }

    // intercept, margin, agreement, consensus, tail decided, continuation: CalibrationFit over the development
    // forests named in docs/lineage.md
    static final double[] TREE = {1.6004, 1.4714, 0.0883, 0.8017, 0.8469, -2.0407};
    static final double[] ADAPTER = {3.9148, 1.7930, 1.2982, 1.8766, 0.0, 0.0539};
    // duplicates: margin is 1 when the copies differ in precision or vocabulary (the direction is
    // known), 0 for the same weights in the same dtype (a coin toss). Too few in the forests (3 with
    // a known direction in the three development forests) to fit: a prior, 0.5 and 0.95
    static final double[] DUPLICATE = {0.0, 2.944, 0.0, 0.0, 0.0, 0.0};
    static final double[] QUANTIZED = {4.7280, 2.0108, 0.0, 0.0, 0.0, 0.0};
    static final double[] MERGE = {3.0263, 2.9895, 0.0, 0.0, 0.0, 0.0};
}
