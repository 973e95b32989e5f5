package org.modelheritage.benchmarks;

/**
 * The paper's distance kernel as a straightforward single-threaded loop (the library measures
 * distances on sketches instead): accumulates in double, in four independent lanes so the JIT
 * can keep several additions in flight.
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
}
