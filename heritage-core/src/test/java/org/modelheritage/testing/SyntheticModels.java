package org.modelheritage.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.modelheritage.read.DType;

/**
 * Small synthetic model trees for lineage tests: a tiny transformer-like structure (square
 * "attention" matrices, a non-square MLP, a bias and a norm vector) whose root has heavy-tailed
 * (Laplace) weights, and whose descendants add Gaussian (full fine-tuning) or rank-r (merged
 * adapter) updates.
 */
public final class SyntheticModels {
    public static final int D = 48;

    private SyntheticModels() {
    }

    /** Tensor names and shapes of the synthetic structure. */
    public static Map<String, long[]> shapes() {
        Map<String, long[]> s = new LinkedHashMap<>();
        for (int l = 0; l < 2; l++) {
            for (String m : new String[] {"query", "key", "value", "output"}) {
                s.put("layer." + l + ".attention." + m + ".weight", new long[] {D, D});
            }
            s.put("layer." + l + ".mlp.weight", new long[] {2 * D, D});
            s.put("layer." + l + ".mlp.bias", new long[] {2 * D});
            s.put("layer." + l + ".norm.weight", new long[] {D});
        }
        return s;
    }

    /** A root model: Laplace weights of standard deviation 0.02, norms at one. */
    public static Map<String, float[]> root(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        shapes().forEach((name, shape) -> {
            int n = (int) (shape.length == 1 ? shape[0] : shape[0] * shape[1]);
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                double laplace = laplace(rng, 0.02);
                v[i] = name.endsWith("norm.weight") ? 1.0f : (float) laplace;
            }
            m.put(name, v);
        });
        return m;
    }

    /** One Laplace draw of standard deviation {@code sd} (inverse transform of one uniform draw). */
    public static double laplace(SplittableRandom rng, double sd) {
        double u = rng.nextDouble() - 0.5;
        return -Math.signum(u) * Math.log(1 - 2 * Math.abs(u)) * (sd / Math.sqrt(2));
    }

    /** A full fine-tune: every matrix (and vector) plus Gaussian noise of the given standard deviation. */
    public static Map<String, float[]> fineTune(Map<String, float[]> parent, double sd, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        parent.forEach((name, p) -> {
            float[] v = p.clone();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (sd * rng.nextGaussian());
            }
            m.put(name, v);
        });
        return m;
    }

    /** A merged rank-r adapter on the query and value matrices: W + B A, nothing else changes. */
    public static Map<String, float[]> lora(Map<String, float[]> parent, int rank, double scale, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        parent.forEach((name, p) -> {
            float[] v = p.clone();
            if (name.contains("query") || name.contains("value")) {
                double[][] b = new double[D][rank];
                double[][] a = new double[rank][D];
                for (int i = 0; i < D; i++) {
                    for (int k = 0; k < rank; k++) {
                        b[i][k] = rng.nextGaussian() * scale;
                        a[k][i] = rng.nextGaussian();
                    }
                }
                for (int i = 0; i < D; i++) {
                    for (int j = 0; j < D; j++) {
                        double s = 0;
                        for (int k = 0; k < rank; k++) {
                            s += b[i][k] * a[k][j];
                        }
                        v[i * D + j] += (float) s;
                    }
                }
            }
            m.put(name, v);
        });
        return m;
    }

    /** A linear weight-space merge, {@code wa * a + (1 - wa) * b} value by value (a uniform average at 0.5). */
    public static Map<String, float[]> merge(Map<String, float[]> a, double wa, Map<String, float[]> b) {
        Map<String, float[]> out = new LinkedHashMap<>();
        a.forEach((name, v) -> {
            float[] w = b.get(name);
            float[] m = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                m[i] = (float) (wa * v[i] + (1 - wa) * w[i]);
            }
            out.put(name, m);
        });
        return out;
    }

    /** The model as an in-memory weight file of the given dtype. */
    public static InMemoryWeightFile file(Map<String, float[]> model, DType dtype) {
        InMemoryWeightFile f = new InMemoryWeightFile(700);
        shapes().forEach((name, shape) -> f.put(name, dtype, shape, model.get(name)));
        return f;
    }

    public static InMemoryWeightFile file(Map<String, float[]> model) {
        return file(model, DType.F32);
    }
}
