package org.modelheritage.lineage;

/**
 * An edge's confidence: the probability that this parent, in this direction, is right, from a
 * logistic model over what the engine knows of the edge (how clearly the parent beats the next-best
 * one, how much the direction evidence agrees), one set of coefficients per edge kind. The
 * coefficients are fitted on generated development forests only (see the README's "Confidence",
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
    static double of(String parent, String child, LineageEdge.Kind kind, double margin, double agreement) {
        Recorder r = recorder;
        if (r != null) {
            r.record(parent, child, kind, margin, agreement);
        }
        return of(kind, margin, agreement);
    }

    static double of(LineageEdge.Kind kind, double margin, double agreement) {
        double[] c = coefficients(kind);
        double z = c[0] + c[1] * margin + c[2] * agreement;
        return 1.0 / (1.0 + Math.exp(-z));
    }

    /** Sees every edge's inputs as its confidence is computed: for fitting the coefficients only. */
    public interface Recorder {
        void record(String parent, String child, LineageEdge.Kind kind, double margin, double agreement);
    }

    private static volatile Recorder recorder;

    /**
     * Runs {@code work} with a recorder seeing every edge's inputs (the calibration fit,
     * {@code org.modelheritage.eval.CalibrationFit}); one at a time.
     */
    public static synchronized <T> T recording(Recorder r, java.util.concurrent.Callable<T> work) throws Exception {
        recorder = r;
        try {
            return work.call();
        } finally {
            recorder = null;
        }
    }

    static double[] coefficients(LineageEdge.Kind kind) {
        return switch (kind) {
            case FINE_TUNE, ADAPTER, RESIZE -> TREE;
            case DUPLICATE -> DUPLICATE;
            case QUANTIZED -> QUANTIZED;
            case MERGE -> MERGE;
        };
    }

    // intercept, margin, agreement: CalibrationFit over the development forests named in the README
    static final double[] TREE = {0.6626, 0.9529, 1.1016};
    static final double[] DUPLICATE = {2.4931, 2.1481, 0.0};
    static final double[] QUANTIZED = {3.8353, 1.8486, 0.0};
    static final double[] MERGE = {2.5442, 2.5255, 0.0};
}
