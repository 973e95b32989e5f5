package org.modelheritage.benchmarks;

/**
 * Straightforward single-threaded loops for the two kernels, written here because the lineage
 * engine's own kernels were not on this branch when the benchmark was written; they accumulate
 * in double, in four independent lanes so the JIT can keep several additions in flight.
 */
final class JavaKernels {
    private JavaKernels() {
    }

    static double meanAbsDifference(float[] a, float[] b) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int n = a.length;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += Math.abs(a[i] - b[i]);
            s1 += Math.abs(a[i + 1] - b[i + 1]);
            s2 += Math.abs(a[i + 2] - b[i + 2]);
            s3 += Math.abs(a[i + 3] - b[i + 3]);
        }
        for (; i < n; i++) {
            s0 += Math.abs(a[i] - b[i]);
        }
        return (s0 + s1 + s2 + s3) / n;
    }

    /** Two passes: the mean, then the second and fourth central moments. */
    static double excessKurtosis(float[] x) {
        int n = x.length;
        double sum = 0;
        for (float v : x) {
            sum += v;
        }
        double mean = sum / n;
        double m2 = 0;
        double m4 = 0;
        for (float v : x) {
            double d = v - mean;
            double d2 = d * d;
            m2 += d2;
            m4 += d2 * d2;
        }
        m2 /= n;
        m4 /= n;
        return m4 / (m2 * m2) - 3;
    }
}
