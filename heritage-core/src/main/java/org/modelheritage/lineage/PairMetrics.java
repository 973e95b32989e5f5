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
 * @param tail the spectral-tail distance: over the lineage matrices (at most 16, spread evenly), the energy of the
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
 */
public record PairMetrics(double tail, double energy, double rank, double rankRatio, double maxRelativeRms,
        boolean duplicate) {

    /** Singular values below this share of the largest are not counted in a rank. */
    static final double RANK_RELATIVE_TOLERANCE = 1e-3;
    /**
     * At most this many lineage matrices (spread evenly over the model) get a spectrum per pair,
     * which bounds a pair's cost for large models; every matrix still counts for duplicates.
     */
    static final int MAX_SPECTRAL_MATRICES = 16;
    /**
     * A sketch that is only a sample of its matrix (the matrix is larger than the sketch) is
     * compared on an evenly spread sub-sketch of at most this side: it is a random sample either
     * way, and the spectrum costs m^3 (64 rather than 96: a third of the work).
     * The price: on such matrices an adapter of rank 32 or more no longer reads as low-rank
     * (rank ratio 0.5), so its family is treated as fully fine-tuned. Whole matrices are always
     * compared whole.
     */
    static final int PARTIAL_SPECTRAL_SIZE = 64;
    /** A difference this many times the rounding noise of a dtype cast is no longer a duplicate. */
    static final double DUPLICATE_NOISE_FACTOR = 2.0;

    /** Metric names of the storage rows. */
    public static final String TAIL = "tail";
    public static final String ENERGY = "energy";
    public static final String RANK = "rank";
    public static final String RANK_RATIO = "rank-ratio";
    public static final String MAX_RELATIVE_RMS = "max-relative-rms";
    public static final String DUPLICATE = "duplicate";

    /**
     * The distance MoTHer builds the tree on: the spectral tail for full fine-tuning, the rank
     * (with the relative energy as a tie-breaker below one) for a low-rank family.
     */
    public double distance(boolean lowRank) {
        return lowRank ? rank + energy / (1.0 + energy) : tail;
    }

    /** As metric rows; {@link #fromRows(Map)} reads them back. */
    public Map<String, Double> toRows() {
        return Map.of(TAIL, tail, ENERGY, energy, RANK, rank, RANK_RATIO, rankRatio, MAX_RELATIVE_RMS,
                maxRelativeRms, DUPLICATE, duplicate ? 1.0 : 0.0);
    }

    /** Reads what {@link #toRows()} wrote; null when a metric is missing. */
    public static PairMetrics fromRows(Map<String, Double> rows) {
        for (String k : List.of(TAIL, ENERGY, RANK, RANK_RATIO, MAX_RELATIVE_RMS, DUPLICATE)) {
            if (!rows.containsKey(k)) {
                return null;
            }
        }
        return new PairMetrics(rows.get(TAIL), rows.get(ENERGY), rows.get(RANK), rows.get(RANK_RATIO),
                rows.get(MAX_RELATIVE_RMS), rows.get(DUPLICATE) != 0.0);
    }

    /**
     * Compares two models of the same structure.
     *
     * @throws IllegalArgumentException if their structures differ
     */
    public static PairMetrics between(ModelSignature a, ModelSignature b) {
        if (!a.structuralHash().equals(b.structuralHash())) {
            throw new IllegalArgumentException("models of different structure are not compared");
        }
        double tail = 0;
        double energy = 0;
        double rank = 0;
        List<Double> ratios = new ArrayList<>();
        double maxRel = 0;
        boolean duplicate = true;
        java.util.Set<String> lineage = new java.util.HashSet<>();
        for (MatrixSketch m : DirectionEvidence.spread(a.lineageMatrices(), MAX_SPECTRAL_MATRICES)) {
            lineage.add(m.name());
        }
        for (MatrixSketch sa : a.sketches().values()) {
            MatrixSketch sb = b.sketches().get(sa.name());
            if (sb == null || !sa.sameCoordinates(sb)) {
                throw new IllegalArgumentException("sketches of " + sa.name() + " differ in coordinates");
            }
            TensorStatistics ta = a.tensor(sa.name()).orElseThrow();
            TensorStatistics tb = b.tensor(sa.name()).orElseThrow();
            int rows = sa.sketchRows();
            int cols = sa.sketchCols();
            double entries = (double) rows * cols;
            double noiseVar = noiseVariance(ta, tb);
            double rmsScale = Math.sqrt(0.5 * (ta.rms() * ta.rms() + tb.rms() * tb.rms()));
            boolean isLineage = lineage.contains(sa.name());
            if (!isLineage) {
                double sq = squaredDifference(sa, sb);
                double rel = rmsScale > 0 ? Math.sqrt(sq / entries) / rmsScale : (sq > 0 ? Double.POSITIVE_INFINITY : 0);
                maxRel = Math.max(maxRel, rel);
                duplicate &= withinNoise(rel, ta, tb);
                continue;
            }
            double total = squaredDifference(sa, sb);
            double rel = rmsScale > 0 ? Math.sqrt(total / entries) / rmsScale : (total > 0 ? Double.POSITIVE_INFINITY : 0);
            maxRel = Math.max(maxRel, rel);
            duplicate &= withinNoise(rel, ta, tb);
            if (total == 0) {
                continue;
            }
            double[] spectrum;
            if (!sa.isComplete() && Math.max(rows, cols) > PARTIAL_SPECTRAL_SIZE) {
                rows = Math.min(rows, PARTIAL_SPECTRAL_SIZE);
                cols = Math.min(cols, PARTIAL_SPECTRAL_SIZE);
                entries = (double) rows * cols;
                spectrum = SpectralKernels.differenceSpectrum(DirectionEvidence.subSketch(sa, rows, cols),
                        DirectionEvidence.subSketch(sb, rows, cols), rows, cols);
            } else {
                spectrum = SpectralKernels.differenceSpectrum(sa.valuesView(), sb.valuesView(), rows, cols);
            }
            total = SpectralKernels.totalEnergy(spectrum);
            double scale = entries * 0.5 * (ta.variance() + tb.variance());
            if (!(scale > 0)) {
                scale = entries * rmsScale * rmsScale;
            }
            if (!(scale > 0)) {
                scale = 1;
            }
            tail += SpectralKernels.tailEnergy(spectrum) / scale;
            energy += total / scale;
            // rounding noise of iid entries of variance v has spectral norm about sqrt(v) (sqrt(rows) + sqrt(cols))
            double noiseNorm = Math.sqrt(noiseVar) * (Math.sqrt(rows) + Math.sqrt(cols));
            double threshold = Math.max(RANK_RELATIVE_TOLERANCE * Math.sqrt(spectrum[0]), 2.0 * noiseNorm);
            int r = SpectralKernels.effectiveRank(spectrum, threshold);
            rank += r;
            ratios.add((double) r / Math.min(rows, cols));
        }
        for (TensorStatistics ta : a.tensors()) {
            if (a.sketches().containsKey(ta.name()) || ta.count() == 0) {
                continue;
            }
            TensorStatistics tb = b.tensor(ta.name()).orElseThrow();
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
        return new PairMetrics(tail, energy, rank, ratio, maxRel, duplicate);
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

    private static double squaredDifference(MatrixSketch a, MatrixSketch b) {
        float[] x = a.valuesView();
        float[] y = b.valuesView();
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (double) x[i] - y[i];
            s += d * d;
        }
        return s;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "PairMetrics[tail=%.6g energy=%.6g rank=%.0f ratio=%.3f rms=%.3g%s]",
                tail, energy, rank, rankRatio, maxRelativeRms, duplicate ? " duplicate" : "");
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length == 0 ? Double.NaN
                : v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
    }
}
