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
        return of(parent, child, kind, margin, agreement, 1.0, false, 0.0, false);
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
     * @param heldByRows whether rows the child's fine-tune never touched hold it below this parent:
     *     the child holds the parent's own changes to rows the grandparent holds unchanged
     *     ({@link RowStates}), so the parent's change reached the child
     */
    static double of(String parent, String child, EdgeKind kind, double margin, double agreement,
            double consensus, boolean tailDecided, double continuation, boolean heldByRows) {
        Recorder r = recorder;
        if (r != null) {
            r.record(parent, child, kind, margin, agreement, consensus, tailDecided, continuation, heldByRows);
        }
        return of(kind, margin, agreement, consensus, tailDecided, continuation, heldByRows);
    }

    static double of(EdgeKind kind, double margin, double agreement, double consensus, boolean tailDecided,
            double continuation, boolean heldByRows) {
        double[] c = coefficients(kind);
        double[] x = inputs(margin, agreement, consensus, tailDecided, continuation, heldByRows);
        double z = 0;
        for (int i = 0; i < x.length; i++) {
            z += c[i] * x[i];
        }
        return 1.0 / (1.0 + Math.exp(-z));
    }

    /**
     * What the logistic model reads of an edge, in the coefficients' order: 1, the margin, the
     * agreement, the consensus, whether the tail decided, and whether the child continues its
     * parent's change at all, and whether the rows hold the child below its parent. The
     * continuation enters as that sign, not as the cosine: on the development forests a child whose
     * change has any positive cosine with its parent's is right about three times in four and one
     * whose change does not about nineteen in twenty, with little difference between small and
     * large cosines (left one forest out at a time, the sign fits the tree edges with a log loss of
     * 0.303 against 0.318 for the cosine; docs/lineage.md). A continuing child the rows hold is a
     * child, not a same-text sibling: all 68 held tree edges of the development forests are right.
     *
     * @param margin in [0, 1]: how clearly the parent beats the next-best one
     * @param agreement in [-1, 1]: the direction evidence along the edge
     * @param consensus in [-1, 1]: the family's net direction agreement per tree edge
     * @param tailDecided whether the spectral tail rather than the norm oriented the family
     * @param continuation in [0, 1]: the cosine of the child's change with its parent's own change, 0
     *     when negative or when the parent is a root
     * @param heldByRows whether the child holds its parent's own changes to rows its grandparent
     *     holds unchanged
     * @return the seven inputs the coefficients multiply
     */
    public static double[] inputs(double margin, double agreement, double consensus, boolean tailDecided,
            double continuation, boolean heldByRows) {
        return new double[] {1, margin, agreement, consensus, tailDecided ? 1 : 0, continuation > 0 ? 1 : 0,
            heldByRows ? 1 : 0};
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
         * @param heldByRows  whether the child holds its parent's own changes to rows its grandparent
         *     holds unchanged
         */
        void record(String parent, String child, EdgeKind kind, double margin, double agreement,
                double consensus, boolean tailDecided, double continuation, boolean heldByRows);
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

    // intercept, margin, agreement, consensus, tail decided, continues, held by rows (inputs): CalibrationFit over the development
    // forests named in docs/lineage.md
    static final double[] TREE = {1.3407, 0.6450, 0.7660, 1.2738, 0.8420, -1.6373, 1.6767};
    static final double[] ADAPTER = {4.0518, 1.9465, 1.1790, 2.1041, 0.0341, 0.3033, 0.0341};
    // duplicates: margin is 1 when the copies differ in precision or vocabulary (the direction is
    // known), 0 for the same weights in the same dtype (a coin toss), 0.75 when only the child's
    // names carry a tool's wrapper. Too few in the forests (3 with a known direction in the three
    // development forests) to fit: a prior, 0.95, 0.5 and 0.90
    static final double[] DUPLICATE = {0.0, 2.944, 0.0, 0.0, 0.0, 0.0, 0.0};
    static final double[] QUANTIZED = {4.9143, 2.3579, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000};
    static final double[] MERGE = {3.2336, 3.2125, 0.0000, 0.0000, 0.0000, 0.0000, 0.0000};
}
