package org.modelheritage.lineage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.modelheritage.signature.MatrixSketch;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.TensorStatistics;

/**
 * What one comparison of two models' sketches gives, from one spectrum per lineage matrix (the
 * squared singular values of the sketched difference). Symmetric in the two models. A plain
 * value: the storage layer keeps it as (modelA, modelB, metric, value) rows, see {@link #toRows()}.
 *
 * @param tail the spectral-tail distance: over the lineage matrices (at most 16, spread evenly in
 *     name order), the energy of the
 *     difference past the first half of its singular values, relative to the matrices' own
 *     variance ({@code sum(s_i^2, i >= m/2) / (m_rows * m_cols * (var_a + var_b) / 2)})
 * @param energy the same for the whole difference (a relative squared L2 distance)
 * @param rank the sum over the lineage matrices of the difference's numerical rank, counting
 *     singular values above rounding noise and above 1e-3 of the largest
 * @param rankRatio the median over the changed lineage matrices of rank / min(sketch rows, cols):
 *     near 1 for full fine-tuning, small for merged low-rank adapters
 * @param maxRelativeRms the largest, over all compared matrices, of the root-mean-square
 *     difference relative to the matrices' root-mean-square value
 * @param duplicate true when every compared tensor agrees within the rounding noise of the two
 *     models' storage precisions: the same weights, or the same up to a dtype cast
 * @param dot the inner product of the two models over the spectral matrices' sketches, each
 *     matrix's products averaged over its entries ({@link #selfDot} is a model's own): with it a
 *     merge can be fitted from cached pair values alone ({@code MergeDetector})
 */
public record PairMetrics(double tail, double energy, double rank, double rankRatio, double maxRelativeRms,
        boolean duplicate, double dot) {

    /** Singular values below this share of the largest are not counted in a rank. */
    static final double RANK_RELATIVE_TOLERANCE = 1e-3;
    /**
     * At most this many lineage matrices (spread evenly over the model) get a spectrum per pair,
     * which bounds a pair's cost for large models; every matrix still counts for duplicates.
     */
    static final int MAX_SPECTRAL_MATRICES = Integer.getInteger("mh.spectralMatrices", 16);
    /**
     * A sketch that is only a sample of its matrix (the matrix is larger than the sketch) is
     * compared on an evenly spread sub-sketch of at most this side: it is a random sample either
     * way, and the spectrum costs m^3 (64 rather than 96: a third of the work).
     * The price: on such matrices an adapter of rank 32 or more no longer reads as low-rank
     * (rank ratio 0.5), so its family is treated as fully fine-tuned. Whole matrices are always
     * compared whole.
     */
    static final int PARTIAL_SPECTRAL_SIZE = Integer.getInteger("mh.partialSize", 64);
    /**
     * The spectral-tail distance counts the squared singular values past this share of them. The
     * last quarter rather than the last half: on language models, siblings fine-tuned on similar
     * data share much of their update, and that shared part reaches well into the upper half of
     * the spectrum (see "Lineage in the wild" in {@code docs/lineage.md} for the measurement).
     */
    static final double TAIL_FROM = Double.parseDouble(System.getProperty("mh.tailFrom", "0.75"));
    /** A difference this many times the rounding noise of a dtype cast is no longer a duplicate. */
    static final double DUPLICATE_NOISE_FACTOR = 2.0;

    /** The storage row metric holding {@link #tail()}. */
    public static final String TAIL = "tail";
    /** The storage row metric holding {@link #energy()}. */
    public static final String ENERGY = "energy";
    /** The storage row metric holding {@link #rank()}. */
    public static final String RANK = "rank";
    /** The storage row metric holding {@link #rankRatio()}. */
    public static final String RANK_RATIO = "rank-ratio";
    /** The storage row metric holding {@link #maxRelativeRms()}. */
    public static final String MAX_RELATIVE_RMS = "max-relative-rms";
    /** The storage row metric holding {@link #duplicate()}, as 1 (true) or 0 (false). */
    public static final String DUPLICATE = "duplicate";
    /** The storage row metric holding {@link #dot()}. */
    public static final String DOT = "dot";

    /**
     * The distance MoTHer builds the tree on: the spectral tail for full fine-tuning, the rank
     * (with the relative energy as a tie-breaker below one) for a low-rank family.
     *
     * @param lowRank whether the family's differences are low-rank (merged adapters)
     * @return {@link #tail()}, or for a low-rank family {@code rank + energy / (1 + energy)}; at least 0
     */
    public double distance(boolean lowRank) {
        return lowRank ? rank + energy / (1.0 + energy) : tail;
    }

    /** {@return the seven values by metric name ({@link #TAIL} ... {@link #DOT}); {@link #fromRows(Map)} reads them back} */
    public Map<String, Double> toRows() {
        return Map.of(TAIL, tail, ENERGY, energy, RANK, rank, RANK_RATIO, rankRatio, MAX_RELATIVE_RMS,
                maxRelativeRms, DUPLICATE, duplicate ? 1.0 : 0.0, DOT, dot);
    }

    /**
     * Reads what {@link #toRows()} wrote.
     *
     * @param rows values by metric name; other metrics are ignored
     * @return the metrics, or null when one of the seven is missing
     */
    public static PairMetrics fromRows(Map<String, Double> rows) {
        for (String k : List.of(TAIL, ENERGY, RANK, RANK_RATIO, MAX_RELATIVE_RMS, DUPLICATE, DOT)) {
            if (!rows.containsKey(k)) {
                return null;
            }
        }
        return new PairMetrics(rows.get(TAIL), rows.get(ENERGY), rows.get(RANK), rows.get(RANK_RATIO),
                rows.get(MAX_RELATIVE_RMS), rows.get(DUPLICATE) != 0.0, rows.get(DOT));
    }

    /**
     * The lineage matrices whose spectra a pair comparison reads: at most
     * {@link #MAX_SPECTRAL_MATRICES}, spread evenly over the model's lineage matrices in name order.
     * Depends on the names alone, never on the order of tensors in a file.
     */
    static List<MatrixSketch> spectralMatrices(ModelSignature s) {
        return DirectionEvidence.spread(s.lineageMatrices(), MAX_SPECTRAL_MATRICES);
    }

    /**
     * A model's {@link #dot} with itself.
     *
     * @param s the model's signature
     * @return the mean squared value over each spectral matrix's sketch, summed over the matrices; at least 0
     */
    public static double selfDot(ModelSignature s) {
        double dot = 0;
        for (MatrixSketch m : spectralMatrices(s)) {
            float[] x = m.valuesView();
            double acc = 0;
            for (float v : x) {
                acc += (double) v * v;
            }
            dot += acc / x.length;
        }
        return dot;
    }

    /**
     * The {@link #dot} of two models alone, bit for bit what {@link #between} computes for it, at
     * the cost of the inner products only (no spectra): what a merge fit needs of a pair it has no
     * other use for.
     *
     * @param a one model's signature
     * @param b the other's, of the same architecture
     * @return their inner product over the spectral matrices' sketches, each averaged over its entries
     * @throws IllegalArgumentException if their architectures differ
     */
    public static double dotBetween(ModelSignature a, ModelSignature b) {
        if (!a.architecture().equals(b.architecture())) {
            throw new IllegalArgumentException("models of different architecture are not compared");
        }
        double dot = 0;
        java.util.Set<String> spectral = new java.util.HashSet<>();
        for (MatrixSketch m : spectralMatrices(a)) {
            spectral.add(m.name());
        }
        java.util.SortedSet<String> names = new java.util.TreeSet<>(a.sketches().keySet());
        names.retainAll(b.sketches().keySet());
        for (String name : names) {
            if (!spectral.contains(name)) {
                continue;
            }
            MatrixSketch sa = a.sketches().get(name);
            MatrixSketch sb = b.sketches().get(name);
            MatrixSketch.Alignment at = MatrixSketch.alignment(sa, sb);
            if (at == null) {
                continue;
            }
            dot += products(at.valuesA(sa), at.valuesB(sb)) / ((double) at.rows() * at.cols());
        }
        return dot;
    }

    /**
     * Compares two models of the same architecture, tensor by tensor under canonical names, each
     * matrix where the two sketches meet (the shared rows of a resized vocabulary). Symmetric bit
     * for bit: {@code between(a, b)} equals {@code between(b, a)}, and neither depends on the order
     * of tensors in the files.
     *
     * @param a one model's signature
     * @param b the other's, of the same architecture
     * @return the pair's metrics
     * @throws IllegalArgumentException if their architectures differ
     */
    public static PairMetrics between(ModelSignature a, ModelSignature b) {
        if (!a.architecture().equals(b.architecture())) {
            throw new IllegalArgumentException("models of different architecture are not compared");
        }
        double tail = 0;
        double energy = 0;
        double rank = 0;
        double dot = 0;
        List<Double> ratios = new ArrayList<>();
        double maxRel = 0;
        boolean duplicate = true;
        java.util.Set<String> spectral = new java.util.HashSet<>();
        for (MatrixSketch m : spectralMatrices(a)) {
            spectral.add(m.name());
        }
        java.util.SortedSet<String> names = new java.util.TreeSet<>(a.sketches().keySet());
        names.retainAll(b.sketches().keySet());
        for (String name : names) {
            MatrixSketch sa = a.sketches().get(name);
            MatrixSketch sb = b.sketches().get(name);
            MatrixSketch.Alignment at = MatrixSketch.alignment(sa, sb);
            if (at == null) {
                continue;
            }
            float[] va = at.valuesA(sa);
            float[] vb = at.valuesB(sb);
            TensorStatistics ta = a.tensor(name).orElseThrow();
            TensorStatistics tb = b.tensor(name).orElseThrow();
            int rows = at.rows();
            int cols = at.cols();
            double entries = (double) rows * cols;
            double noiseVar = noiseVariance(ta, tb);
            double rmsScale = Math.sqrt(0.5 * (ta.rms() * ta.rms() + tb.rms() * tb.rms()));
            double total = squaredDifference(va, vb);
            double rel = rmsScale > 0 ? Math.sqrt(total / entries) / rmsScale : (total > 0 ? Double.POSITIVE_INFINITY : 0);
            maxRel = Math.max(maxRel, rel);
            duplicate &= withinNoise(rel, ta, tb);
            if (!spectral.contains(name)) {
                continue;
            }
            dot += products(va, vb) / entries;
            if (total == 0) {
                continue;
            }
            double[] spectrum;
            boolean partial = !(sa.isComplete() && sb.isComplete()) || !at.whole(sa, sb);
            if (partial && Math.max(rows, cols) > PARTIAL_SPECTRAL_SIZE) {
                int r = Math.min(rows, PARTIAL_SPECTRAL_SIZE);
                int c = Math.min(cols, PARTIAL_SPECTRAL_SIZE);
                spectrum = SpectralKernels.differenceSpectrum(DirectionEvidence.subSketch(va, rows, cols, r, c),
                        DirectionEvidence.subSketch(vb, rows, cols, r, c), r, c);
                rows = r;
                cols = c;
                entries = (double) rows * cols;
            } else {
                spectrum = SpectralKernels.differenceSpectrum(va, vb, rows, cols);
            }
            total = SpectralKernels.totalEnergy(spectrum);
            double scale = entries * 0.5 * (ta.variance() + tb.variance());
            if (!(scale > 0)) {
                scale = entries * rmsScale * rmsScale;
            }
            if (!(scale > 0)) {
                scale = 1;
            }
            tail += SpectralKernels.tailEnergy(spectrum, TAIL_FROM) / scale;
            energy += total / scale;
            // rounding noise of iid entries of variance v has spectral norm about sqrt(v) (sqrt(rows) + sqrt(cols))
            double noiseNorm = Math.sqrt(noiseVar) * (Math.sqrt(rows) + Math.sqrt(cols));
            double threshold = Math.max(RANK_RELATIVE_TOLERANCE * Math.sqrt(spectrum[0]), 2.0 * noiseNorm);
            int r = SpectralKernels.effectiveRank(spectrum, threshold);
            rank += r;
            ratios.add((double) r / Math.min(rows, cols));
        }
        java.util.SortedSet<String> vectors = new java.util.TreeSet<>();
        a.tensors().forEach(t -> vectors.add(t.name()));
        for (String name : vectors) {
            TensorStatistics ta = a.tensor(name).orElseThrow();
            TensorStatistics tb = b.tensor(name).orElse(null);
            if (a.sketches().containsKey(name) || ta.count() == 0 || tb == null
                    || !java.util.Arrays.equals(ta.shape(), tb.shape())) {
                continue;
            }
            double scale = Math.max(ta.rms(), tb.rms());
            double diff = Math.max(Math.abs(ta.mean() - tb.mean()), Math.abs(ta.std() - tb.std()));
            double rel = scale > 0 ? diff / scale : (diff > 0 ? Double.POSITIVE_INFINITY : 0);
            duplicate &= withinNoise(rel, ta, tb);
        }
        double ratio = 0;
        if (!ratios.isEmpty()) {
            double[] r = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            ratio = r.length % 2 == 1 ? r[r.length / 2] : 0.5 * (r[r.length / 2 - 1] + r[r.length / 2]);
        }
        return new PairMetrics(tail, energy, rank, ratio, maxRel, duplicate, dot);
    }

    private static double products(float[] x, float[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += (double) x[i] * y[i];
        }
        return s;
    }

    private static boolean withinNoise(double relativeRms, TensorStatistics a, TensorStatistics b) {
        double u = ModelSignature.unitRoundoff(a.dtype()) + ModelSignature.unitRoundoff(b.dtype());
        return relativeRms <= DUPLICATE_NOISE_FACTOR * u + 1e-9;
    }

    /** Variance of the rounding error of the two stored copies (round-to-nearest: uniform, u^2 x^2 / 3). */
    private static double noiseVariance(TensorStatistics a, TensorStatistics b) {
        double ua = ModelSignature.unitRoundoff(a.dtype()) * a.rms();
        double ub = ModelSignature.unitRoundoff(b.dtype()) * b.rms();
        return (ua * ua + ub * ub) / 3.0;
    }

    private static double squaredDifference(float[] x, float[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (double) x[i] - y[i];
            s += d * d;
        }
        return s;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "PairMetrics[tail=%.6g energy=%.6g rank=%.0f ratio=%.3f rms=%.3g dot=%.6g%s]",
                tail, energy, rank, rankRatio, maxRelativeRms, dot, duplicate ? " duplicate" : "");
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length == 0 ? Double.NaN
                : v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
    }
}
