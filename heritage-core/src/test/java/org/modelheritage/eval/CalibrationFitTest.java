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
        for (int i = 0; i < n; i++) {
            out.add(new CalibrationFit.Sample(EdgeKind.FINE_TUNE, 0.5, 1.0, 0.75, false, continuation, i < right));
        }
    }

    private static double predict(double[] w, double continuation) {
        double[] x = Confidence.inputs(0.5, 1.0, 0.75, false, continuation);
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

    @Test
    void withoutAgreementOnlyTheMarginIsFitted() {
        List<CalibrationFit.Sample> samples = new ArrayList<>();
        add(samples, 100, 90, 0.6);
        double[] w = CalibrationFit.fit(samples, false, 1e-6);
        assertEquals(0.0, w[2] + w[3] + w[4] + w[5], 0.0);
        assertEquals(0.9, 1 / (1 + Math.exp(-(w[0] + 0.5 * w[1]))), 0.005);
    }
}
