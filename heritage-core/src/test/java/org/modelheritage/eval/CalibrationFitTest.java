package org.modelheritage.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.modelheritage.lineage.Confidence;
import org.modelheritage.lineage.EdgeKind;

/**
 * The calibration fit reads edges as the confidence model does ({@link Confidence#inputs}): edges
 * whose child continues its parent's change are right as often whatever the cosine, and the fitted
 * model gives each group its own rate.
 */
class CalibrationFitTest {
    private static void add(List<CalibrationFit.Sample> out, int n, int right, double continuation) {
        add(out, n, right, continuation, false);
    }

    private static void add(List<CalibrationFit.Sample> out, int n, int right, double continuation, boolean held) {
        for (int i = 0; i < n; i++) {
            out.add(new CalibrationFit.Sample(EdgeKind.FINE_TUNE, 0.5, 1.0, 0.75, false, continuation, held, i < right));
        }
    }

    private static double predict(double[] w, double continuation) {
        return predict(w, continuation, false);
    }

    private static double predict(double[] w, double continuation, boolean held) {
        double[] x = Confidence.inputs(0.5, 1.0, 0.75, false, continuation, held);
        double z = 0;
        for (int i = 0; i < x.length; i++) {
            z += w[i] * x[i];
        }
        return 1 / (1 + Math.exp(-z));
    }

    @Test
    void eachGroupGetsItsOwnRate() {
        List<CalibrationFit.Sample> samples = new ArrayList<>();
        add(samples, 400, 380, 0.0); // going its own way: right 19 times in 20
        add(samples, 100, 75, 0.02); // continuing, barely
        add(samples, 100, 75, 0.6); // continuing, strongly: right as often
        double[] w = CalibrationFit.fit(samples, true, 1e-6);
        assertEquals(0.95, predict(w, 0.0), 0.005);
        assertEquals(0.75, predict(w, 0.02), 0.005);
        assertEquals(0.75, predict(w, 0.6), 0.005);
    }

    /**
     * A continuing child whose rows hold it below its parent (it carries the parent's own changes
     * to rows the grandparent holds unchanged) is a child, not a same-text sibling: the fit gives
     * the held edges their own, higher rate whatever the continuation says.
     */
    @Test
    void edgesTheRowsHoldGetTheirOwnRate() {
        List<CalibrationFit.Sample> samples = new ArrayList<>();
        add(samples, 400, 380, 0.0, false);
        add(samples, 100, 70, 0.3, false); // continuing, nothing in the rows: a sibling chained 3 times in 10
        add(samples, 100, 98, 0.3, true); // continuing, held by rows
        add(samples, 400, 399, 0.0, true); // the same lift in the logit: the model is additive
        double[] w = CalibrationFit.fit(samples, true, 1e-6);
        assertEquals(0.70, predict(w, 0.3, false), 0.01);
        assertEquals(0.98, predict(w, 0.3, true), 0.01);
        assertEquals(0.95, predict(w, 0.0, false), 0.01);
        assertEquals(0.9975, predict(w, 0.0, true), 0.002);
    }

    @Test
    void withoutAgreementOnlyTheMarginIsFitted() {
        List<CalibrationFit.Sample> samples = new ArrayList<>();
        add(samples, 100, 90, 0.6);
        double[] w = CalibrationFit.fit(samples, false, 1e-6);
        assertEquals(0.0, w[2] + w[3] + w[4] + w[5] + w[6], 0.0);
        assertEquals(0.9, 1 / (1 + Math.exp(-(w[0] + 0.5 * w[1]))), 0.005);
    }
}
