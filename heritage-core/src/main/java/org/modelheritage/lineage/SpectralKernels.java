package org.modelheritage.lineage;

/**
 * The numerical kernels behind the lineage distances, on sketches (row-major float matrices of
 * {@code rows x cols} sampled at the same coordinates in two models). Public for the JMH
 * benchmarks; the rest of the library reaches them through {@link PairMetrics} and
 * {@link DirectionEvidence}.
 */
public final class SpectralKernels {
    private SpectralKernels() {
    }

    /**
     * The Gram matrix of the smaller side of {@code D = a - b}: {@code D D^T} when
     * {@code rows <= cols}, else {@code D^T D}; m x m row-major with {@code m = min(rows, cols)}.
     * Its eigenvalues are the squared singular values of D.
     *
     * @param a    one sketch, row-major, at least {@code rows * cols} values
     * @param b    the other sketch, the same shape
     * @param rows the sketches' row count
     * @param cols the sketches' column count
     * @return the m x m Gram matrix, row-major, symmetric; accumulated in double
     */
    public static double[] differenceGram(float[] a, float[] b, int rows, int cols) {
        int m = Math.min(rows, cols);
        int p = Math.max(rows, cols);
        // X is p x m with the small side contiguous: G = X^T X accumulated one row of X at a time,
        // an axpy on contiguous arrays that the JIT vectorises
        double[] x = new double[m];
        double[] g = new double[m * m];
        for (int k = 0; k < p; k++) {
            if (rows <= cols) {
                for (int i = 0; i < m; i++) {
                    int at = i * cols + k;
                    x[i] = (double) a[at] - b[at];
                }
            } else {
                int base = k * cols;
                for (int i = 0; i < m; i++) {
                    x[i] = (double) a[base + i] - b[base + i];
                }
            }
            for (int i = 0; i < m; i++) {
                double xi = x[i];
                if (xi == 0.0) {
                    continue;
                }
                int row = i * m;
                for (int j = i; j < m; j++) {
                    g[row + j] += xi * x[j];
                }
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < i; j++) {
                g[i * m + j] = g[j * m + i];
            }
        }
        return g;
    }

    /**
     * Squared singular values of {@code a - b}, descending (negative round-off clamped to zero).
     *
     * @param a    one sketch, row-major
     * @param b    the other sketch, the same shape
     * @param rows the sketches' row count
     * @param cols the sketches' column count
     * @return {@code min(rows, cols)} values, descending, each at least 0
     */
    public static double[] differenceSpectrum(float[] a, float[] b, int rows, int cols) {
        int m = Math.min(rows, cols);
        double[] g = differenceGram(a, b, rows, cols);
        double[] ev = SymmetricEigen.eigenvalues(g, m);
        for (int i = 0; i < m; i++) {
            ev[i] = Math.max(0.0, ev[i]);
        }
        return ev;
    }

    /**
     * Energy of the spectrum's tail: the sum of the squared singular values past the first half,
     * {@code sum(s[i]^2, i >= floor(m/2))}.
     *
     * @param squaredSingularValues a spectrum, descending, as {@link #differenceSpectrum} gives it
     * @return the tail's energy, at least 0; 0 for an empty spectrum
     */
    public static double tailEnergy(double[] squaredSingularValues) {
        double t = 0.0;
        for (int i = squaredSingularValues.length / 2; i < squaredSingularValues.length; i++) {
            t += squaredSingularValues[i];
        }
        return t;
    }

    /**
     * Energy past a share of the spectrum: {@code sum(s[i]^2, i >= floor(from * m))}, for
     * {@code from} in [0, 1).
     *
     * @param squaredSingularValues a spectrum, descending
     * @param from                  the share of the spectrum skipped, in [0, 1)
     * @return the energy past that share, at least 0
     */
    public static double tailEnergy(double[] squaredSingularValues, double from) {
        double t = 0.0;
        for (int i = (int) Math.floor(from * squaredSingularValues.length); i < squaredSingularValues.length; i++) {
            t += squaredSingularValues[i];
        }
        return t;
    }

    /**
     * Sum of the squared singular values (the squared Frobenius norm).
     *
     * @param squaredSingularValues a spectrum
     * @return the sum, at least 0 for a clamped spectrum
     */
    public static double totalEnergy(double[] squaredSingularValues) {
        double t = 0.0;
        for (double v : squaredSingularValues) {
            t += v;
        }
        return t;
    }

    /**
     * How many singular values are above a threshold.
     *
     * @param squaredSingularValues a spectrum of squared singular values
     * @param threshold             the threshold on the singular values themselves (not squared)
     * @return the count of singular values strictly above {@code threshold}
     */
    public static int effectiveRank(double[] squaredSingularValues, double threshold) {
        double t2 = threshold * threshold;
        int r = 0;
        for (double v : squaredSingularValues) {
            if (v > t2) {
                r++;
            }
        }
        return r;
    }

    /**
     * The spectral-tail direction statistic of an edge {@code parent -> child}: with Q the left
     * (or right, for a tall sketch) singular vectors of {@code D = child - parent} past the first
     * half, {@code ||Q^T child||^2 - ||Q^T parent||^2}: how the weights' energy changes along the
     * edge in the directions where the update carries no task-specific (low-rank) signal.
     * Antisymmetric: swapping the two models flips its sign.
     *
     * @param parent the sketch read as the parent, row-major
     * @param child  the sketch read as the child, the same shape
     * @param rows   the sketches' row count
     * @param cols   the sketches' column count
     * @return the statistic; positive when the child holds more energy in the tail directions
     */
    public static double tailEnergyChange(float[] parent, float[] child, int rows, int cols) {
        int m = Math.min(rows, cols);
        double[] q = differenceGram(child, parent, rows, cols);
        double[] ev = SymmetricEigen.decompose(q, m);
        // M = C C^T - P C... on the same side as the Gram
        double[] mm = sideGramDifference(parent, child, rows, cols);
        double s = 0.0;
        double[] t = new double[m];
        for (int k = m / 2; k < m; k++) {
            if (ev[k] < 0) {
                ev[k] = 0;
            }
            // t = M q_k ; s += q_k . t (eigenvector k is row k of q)
            int qk = k * m;
            for (int i = 0; i < m; i++) {
                double acc = 0.0;
                int row = i * m;
                for (int j = 0; j < m; j++) {
                    acc += mm[row + j] * q[qk + j];
                }
                t[i] = acc;
            }
            for (int i = 0; i < m; i++) {
                s += q[qk + i] * t[i];
            }
        }
        return s;
    }

    /** {@code C C^T - P P^T} (or {@code C^T C - P^T P} for a tall sketch), m x m. */
    private static double[] sideGramDifference(float[] parent, float[] child, int rows, int cols) {
        int m = Math.min(rows, cols);
        int p = Math.max(rows, cols);
        double[] out = new double[m * m];
        double[] xc = new double[m];
        double[] xp = new double[m];
        for (int k = 0; k < p; k++) {
            for (int i = 0; i < m; i++) {
                int at = rows <= cols ? i * cols + k : k * cols + i;
                xc[i] = child[at];
                xp[i] = parent[at];
            }
            for (int i = 0; i < m; i++) {
                double ci = xc[i];
                double pi = xp[i];
                int row = i * m;
                for (int j = i; j < m; j++) {
                    out[row + j] += ci * xc[j] - pi * xp[j];
                }
            }
        }
        // symmetric: entry (j, i) is the same sum of the same (commuted) products in the same order
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < i; j++) {
                out[i * m + j] = out[j * m + i];
            }
        }
        return out;
    }
}
