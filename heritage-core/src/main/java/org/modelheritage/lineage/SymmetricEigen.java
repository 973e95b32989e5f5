package org.modelheritage.lineage;

/**
 * Eigenvalues (and optionally eigenvectors) of a small dense symmetric matrix: Householder
 * reduction to tridiagonal form, then the implicit QL algorithm (the classic EISPACK
 * tred2/tql2 pair, as in JAMA). The eigenvalues-only path skips the accumulation of the
 * transformations, which is most of the cost. Matrices are flat row-major {@code double[n*n]}.
 */
public final class SymmetricEigen {
    private static final int MAX_SWEEPS = 60;

    private SymmetricEigen() {
    }

    /**
     * Eigenvalues of the symmetric matrix {@code a} (row-major, n x n; destroyed), in descending order.
     *
     * @param a the matrix, row-major, at least {@code n * n} values; overwritten
     * @param n its order
     * @return the n eigenvalues, descending
     */
    public static double[] eigenvalues(double[] a, int n) {
        double[] d = new double[n];
        double[] e = new double[n];
        tridiagonalize(a, n, d, e, false);
        ql(d, e, n, null);
        sortDescending(d, null, n);
        return d;
    }

    /**
     * Eigenvalues in descending order; on return {@code a} holds the matching unit eigenvectors as
     * rows ({@code a[k*n + i]} is component i of eigenvector k).
     */
    static double[] decompose(double[] a, int n) {
        double[] d = new double[n];
        double[] e = new double[n];
        tridiagonalize(a, n, d, e, true);
        ql(d, e, n, a);
        sortDescending(d, a, n);
        return d;
    }

    /**
     * EISPACK's tred2 on the transposed matrix: the reduction works on the upper triangle (for a
     * symmetric matrix the same computation), so every inner loop walks a row; the Householder
     * vectors go to the lower triangle, and the accumulated transformation comes out transposed,
     * one vector per row. One routine for both uses keeps a single copy of it for the JIT to compile.
     */
    private static void tridiagonalize(double[] v, int n, double[] d, double[] e, boolean vectors) {
        reduce(v, n, d, e);
        if (vectors) {
            accumulate(v, n, d);
        } else {
            for (int j = 0; j < n; j++) {
                d[j] = v[j * n + j];
            }
        }
        e[0] = 0.0;
    }

    /**
     * The Householder reduction itself; kept apart from {@link #accumulate} so that each is a small
     * method of its own for the JIT (eigenvalue-only calls, the many, never run the accumulation).
     */
    private static void reduce(double[] v, int n, double[] d, double[] e) {
        for (int j = 0; j < n; j++) {
            d[j] = v[j * n + n - 1];
        }
        for (int i = n - 1; i > 0; i--) {
            double scale = 0.0;
            double h = 0.0;
            for (int k = 0; k < i; k++) {
                scale += Math.abs(d[k]);
            }
            if (scale == 0.0) {
                e[i] = d[i - 1];
                for (int j = 0; j < i; j++) {
                    d[j] = v[j * n + i - 1];
                    v[j * n + i] = 0.0;
                    v[i * n + j] = 0.0;
                }
            } else {
                for (int k = 0; k < i; k++) {
                    d[k] /= scale;
                    h += d[k] * d[k];
                }
                double f = d[i - 1];
                double g = Math.sqrt(h);
                if (f > 0) {
                    g = -g;
                }
                e[i] = scale * g;
                h -= f * g;
                d[i - 1] = f - g;
                for (int j = 0; j < i; j++) {
                    e[j] = 0.0;
                }
                int vrow = i * n;
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    v[vrow + j] = f; // the Householder vector, for the accumulation
                    int row = j * n;
                    double g0 = e[j] + v[row + j] * f;
                    double g1 = 0.0;
                    int k = j + 1;
                    for (; k + 1 <= i - 1; k += 2) {
                        double a0 = v[row + k];
                        double a1 = v[row + k + 1];
                        g0 += a0 * d[k];
                        g1 += a1 * d[k + 1];
                        e[k] += a0 * f;
                        e[k + 1] += a1 * f;
                    }
                    if (k <= i - 1) {
                        double a0 = v[row + k];
                        g0 += a0 * d[k];
                        e[k] += a0 * f;
                    }
                    e[j] = g0 + g1;
                }
                f = 0.0;
                for (int j = 0; j < i; j++) {
                    e[j] /= h;
                    f += e[j] * d[j];
                }
                double hh = f / (h + h);
                for (int j = 0; j < i; j++) {
                    e[j] -= hh * d[j];
                }
                for (int j = 0; j < i; j++) {
                    f = d[j];
                    g = e[j];
                    int row = j * n;
                    for (int k = j; k <= i - 1; k++) {
                        v[row + k] -= (f * e[k] + g * d[k]);
                    }
                    d[j] = v[row + i - 1];
                    v[row + i] = 0.0;
                }
            }
            d[i] = h;
        }
    }

    /** Accumulates the Householder transformations into {@code v}, one eigenvector basis row per row. */
    private static void accumulate(double[] v, int n, double[] d) {
        for (int i = 0; i < n - 1; i++) {
            v[i * n + n - 1] = v[i * n + i];
            v[i * n + i] = 1.0;
            double h = d[i + 1];
            int urow = (i + 1) * n;
            if (h != 0.0) {
                for (int k = 0; k <= i; k++) {
                    d[k] = v[urow + k] / h;
                }
                for (int j = 0; j <= i; j++) {
                    int row = j * n;
                    double g = 0.0;
                    for (int k = 0; k <= i; k++) {
                        g += v[urow + k] * v[row + k];
                    }
                    for (int k = 0; k <= i; k++) {
                        v[row + k] -= g * d[k];
                    }
                }
            }
            for (int k = 0; k <= i; k++) {
                v[urow + k] = 0.0;
            }
        }
        for (int j = 0; j < n; j++) {
            d[j] = v[j * n + n - 1];
            v[j * n + n - 1] = 0.0;
        }
        v[(n - 1) * n + n - 1] = 1.0;
    }

    private static void ql(double[] d, double[] e, int n, double[] v) {
        for (int i = 1; i < n; i++) {
            e[i - 1] = e[i];
        }
        e[n - 1] = 0.0;
        double f = 0.0;
        double tst1 = 0.0;
        double eps = Math.ulp(1.0);
        for (int l = 0; l < n; l++) {
            tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
            int m = l;
            while (m < n - 1 && Math.abs(e[m]) > eps * tst1) {
                m++;
            }
            if (m > l) {
                int sweeps = 0;
                do {
                    if (++sweeps > MAX_SWEEPS) {
                        throw new ArithmeticException("symmetric eigenvalue iteration did not converge");
                    }
                    double g = d[l];
                    double p = (d[l + 1] - g) / (2.0 * e[l]);
                    double r = Math.sqrt(p * p + 1.0);
                    if (p < 0) {
                        r = -r;
                    }
                    d[l] = e[l] / (p + r);
                    d[l + 1] = e[l] * (p + r);
                    double dl1 = d[l + 1];
                    double h = g - d[l];
                    for (int i = l + 2; i < n; i++) {
                        d[i] -= h;
                    }
                    f += h;
                    p = d[m];
                    double c = 1.0;
                    double c2 = c;
                    double c3 = c;
                    double el1 = e[l + 1];
                    double s = 0.0;
                    double s2 = 0.0;
                    for (int i = m - 1; i >= l; i--) {
                        c3 = c2;
                        c2 = c;
                        s2 = s;
                        g = c * e[i];
                        h = c * p;
                        r = hypot(p, e[i]);
                        e[i + 1] = s * r;
                        s = e[i] / r;
                        c = p / r;
                        p = c * d[i] - s * g;
                        d[i + 1] = h + s * (c * g + s * d[i]);
                        if (v != null) {
                            // vectors are rows: rotate rows i and i + 1
                            int ri = i * n;
                            int ri1 = ri + n;
                            for (int k = 0; k < n; k++) {
                                double vk1 = v[ri1 + k];
                                double vk = v[ri + k];
                                v[ri1 + k] = s * vk + c * vk1;
                                v[ri + k] = c * vk - s * vk1;
                            }
                        }
                    }
                    p = -s * s2 * c3 * el1 * e[l] / dl1;
                    e[l] = s * p;
                    d[l] = c * p;
                } while (Math.abs(e[l]) > eps * tst1);
            }
            d[l] = d[l] + f;
            e[l] = 0.0;
        }
    }

    /** sqrt(a^2 + b^2) without Math.hypot's slow exact rounding, guarded against overflow. */
    private static double hypot(double a, double b) {
        double x = Math.abs(a);
        double y = Math.abs(b);
        double big = Math.max(x, y);
        if (big == 0.0) {
            return 0.0;
        }
        if (big > 1e150 || big < 1e-150) {
            double small = Math.min(x, y) / big;
            return big * Math.sqrt(1.0 + small * small);
        }
        return Math.sqrt(x * x + y * y);
    }

    private static void sortDescending(double[] d, double[] v, int n) {
        for (int i = 0; i < n - 1; i++) {
            int k = i;
            double p = d[i];
            for (int j = i + 1; j < n; j++) {
                if (d[j] > p) {
                    k = j;
                    p = d[j];
                }
            }
            if (k != i) {
                d[k] = d[i];
                d[i] = p;
                if (v != null) {
                    for (int j = 0; j < n; j++) {
                        double t = v[i * n + j];
                        v[i * n + j] = v[k * n + j];
                        v[k * n + j] = t;
                    }
                }
            }
        }
    }
}
