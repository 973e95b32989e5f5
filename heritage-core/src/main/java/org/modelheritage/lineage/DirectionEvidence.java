package org.modelheritage.lineage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.modelheritage.read.DType;
import org.modelheritage.signature.MatrixSketch;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.TensorStatistics;

/**
 * The evidence that an edge runs {@code parent -> child} rather than the other way: the mean,
 * over the lineage matrices that differ between the two models, of one vote each (+1 when the
 * matrix moved the way the signal moves along a fine-tuning edge, -1 against, 0 when it did not
 * tell). In [-1, 1] and antisymmetric: evidence(a, b) = -evidence(b, a).
 */
public final class DirectionEvidence {
    /** At most this many matrices vote (spread evenly over the model), which bounds the cost per edge. */
    static final int MAX_VOTERS = Integer.getInteger("mh.spectralMatrices", 16);
    /**
     * A sketch that is not the whole matrix votes on an evenly spread sub-sketch of at most this
     * side: a sample's tail directions are not the matrix's anyway, and the eigenvectors cost m^3.
     */
    static final int PARTIAL_VOTE_SIZE = Integer.getInteger("mh.partialSize", 64);

    private DirectionEvidence() {
    }

    /**
     * Evidence for {@code parent -> child} under one signal.
     *
     * @param parent the signature read as the parent
     * @param child  the signature read as the child, of the same architecture
     * @param signal the signal that votes: any but {@link DirectionSignal#ADAPTIVE}, which chooses between signals per family
     * @return the mean vote in [-1, 1], in the signal's fine-tuning orientation; 0 when no matrix differs
     * @throws IllegalArgumentException for {@link DirectionSignal#ADAPTIVE}
     */
    public static double of(ModelSignature parent, ModelSignature child, DirectionSignal signal) {
        if (signal == DirectionSignal.ADAPTIVE) {
            throw new IllegalArgumentException("choose KURTOSIS or SPECTRAL_TAIL for one edge");
        }
        if (signal == DirectionSignal.ROW_DECAY) {
            RowFootprints f = rowFootprints(parent, child);
            return f.decay() != 0 ? f.decay() : f.digits();
        }
        // lineage matrices in name order, so neither the files' tensor order nor which model is
        // asked first changes what votes: evidence(a, b) = -evidence(b, a) bit for bit
        List<float[][]> changed = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        // the norm is cheap and every weight matrix carries it: all of them vote (a 2-layer model
        // has only 8 square matrices, GPT-2's only 2); the spectral signals read the lineage matrices
        List<MatrixSketch> candidates = signal == DirectionSignal.NORM ? sketchesByName(parent) : parent.lineageMatrices();
        for (MatrixSketch a : candidates) {
            MatrixSketch b = child.sketches().get(a.name());
            MatrixSketch.Alignment at = b == null ? null : MatrixSketch.alignment(a, b);
            if (at == null) {
                continue;
            }
            float[] pa = at.valuesA(a);
            float[] cb = at.valuesB(b);
            if (!sameWithinNoise(parent, child, a.name(), pa, cb)) {
                changed.add(new float[][] {pa, cb});
                names.add(a.name());
                boolean whole = a.isComplete() && b.isComplete() && at.whole(a, b);
                shapes.add(new int[] {at.rows(), at.cols(), whole ? 1 : 0});
            }
        }
        if (changed.isEmpty()) {
            return 0.0;
        }
        List<Integer> voters = spread(java.util.stream.IntStream.range(0, changed.size()).boxed().toList(),
                signal == DirectionSignal.NORM ? Integer.MAX_VALUE : MAX_VOTERS);
        double sum = 0;
        for (int k : voters) {
            String name = names.get(k);
            double v;
            if (signal == DirectionSignal.KURTOSIS) {
                double kp = parent.tensor(name).map(TensorStatistics::excessKurtosis).orElse(Double.NaN);
                double kc = child.tensor(name).map(TensorStatistics::excessKurtosis).orElse(Double.NaN);
                v = Double.isNaN(kp) || Double.isNaN(kc) ? 0 : Math.signum(kp - kc);
            } else if (signal == DirectionSignal.NORM) {
                v = Math.signum(energy(changed.get(k)[1]) - energy(changed.get(k)[0]));
            } else {
                int[] shape = shapes.get(k);
                float[] pv = changed.get(k)[0];
                float[] cv = changed.get(k)[1];
                if (!(shape[2] == 1 || Math.max(shape[0], shape[1]) <= PARTIAL_VOTE_SIZE)) {
                    int r = Math.min(shape[0], PARTIAL_VOTE_SIZE);
                    int c = Math.min(shape[1], PARTIAL_VOTE_SIZE);
                    pv = subSketch(pv, shape[0], shape[1], r, c);
                    cv = subSketch(cv, shape[0], shape[1], r, c);
                    shape = new int[] {r, c, 0};
                }
                double tailChange = SpectralKernels.tailEnergyChange(pv, cv, shape[0], shape[1]);
                v = signal == DirectionSignal.SPECTRAL_TAIL ? -Math.signum(tailChange)
                        : Math.signum(energy(cv) - energy(pv) - tailChange);
            }
            sum += v;
        }
        return sum / voters.size();
    }

    /** Fewest rows that must share one decay factor before a matrix votes. */
    static final int MIN_DECAYED_ROWS = Integer.getInteger("mh.decayRows", 2);
    /**
     * A row counts as a scaled copy when the sine of its angle to the other model's row is at most
     * this many times the two dtypes' unit roundoffs summed: rounding a scaled row to the child's
     * dtype leaves about 0.6 of the child's. Twice as loose let lightly touched attention rows of
     * half-precision models through (a wrong vote on the development forest).
     */
    static final double DECAY_SINE = Double.parseDouble(System.getProperty("mh.decaySine", "1"));
    /**
     * The least rounding noise a scaled row is allowed: an F32 row that weight decay multiplied
     * once a step for a few hundred steps is a scaled copy only to a few unit roundoffs, while a
     * row training touched at all moves by 1e-3 or more.
     */
    static final double DECAY_FLOOR = Double.parseDouble(System.getProperty("mh.decayFloor", "1.52587890625e-5"));
    /**
     * A row votes alone when its log factor is at least this many times the sine of its angle, and
     * beyond twice the two dtypes' rounding: a row the child computed from the parent's (decay,
     * then storage in a dtype as fine as the parent's or finer) is a scaled copy to the child's
     * digits, while rounding to a coarser dtype turns a row by about sqrt(cols) times more than it
     * scales it. The factor must also lie beyond the coarser dtype's rounding: an F16 child of an
     * F32 model whose row is an F16 row scaled by a factor within F16's rounding rounds that row
     * back to the F16 values exactly, larger than its parent's.
     */
    static final double EXACT_ROW = Double.parseDouble(System.getProperty("mh.decayExactRow", "4"));
    /** The rows sharing the median log factor lie within this share of it. */
    static final double DECAY_BAND = Double.parseDouble(System.getProperty("mh.decayBand", "0.25"));

    /**
     * {@link DirectionSignal#ROW_DECAY}: over every weight matrix (canonical names in order), the
     * rows the two models share that differ only by a positive scale (the sine of their angle
     * within the rounding noise of the two dtypes). Under weight decay the rows a fine-tune never
     * touched all shrink by one factor; rows it touched lightly may pass the test too, but at
     * scattered factors near one. A matrix votes when the median log factor of its scaled rows is
     * clear of the rounding noise and at least half of those rows (and {@link #MIN_DECAYED_ROWS})
     * share it: +1 when the child's rows are the smaller, -1 when the parent's are. Failing that,
     * rows scaled exactly ({@link #EXACT_ROW}) decide, one row enough, when they all point one
     * way: a row the fine-tune never touched, in a model saved at least as finely as its parent,
     * is its parent's row times the decay factor to the last digit. Identical rows
     * (no weight decay) do not vote, and where a matrix holds {@link #MIN_DECAYED_ROWS} of them,
     * nothing does: decoupled weight decay scales every row of every weight matrix by one factor,
     * so rows the two models hold identically say no decay acted between them, and rows scaled
     * elsewhere were scaled by training (the output head's rows for tokens that are never a
     * target grow along themselves under SGD without decay). Antisymmetric exactly: the per-row
     * quantities are symmetric or differences of the same two logarithms.
     *
     * @return the sign of the votes' sum: +1, -1, or 0 when no matrix votes, they cancel, or a
     *     matrix holds identical rows
     */
    static double rowDecay(ModelSignature parent, ModelSignature child) {
        return rowFootprints(parent, child).decay();
    }

    /** Fewest values of a row, within the coarser dtype's normal range, that {@link #rowDigits} reads it on. */
    static final int MIN_DIGIT_VALUES = 8;

    /**
     * The rows a fine-tune never touched, stored in two precisions: rounding only drops digits.
     * Where one model stores a matrix more coarsely than the other (BF16 or F16 against F32, BF16
     * against F16) and a row of the finer model, rounded to the coarser grid, gives the coarser
     * model's row value for value while holding digits off that grid, the coarser row is a
     * rounding of the finer one: the finer model is the parent, since a child of the coarser
     * model would hold the coarse values themselves (or, under weight decay, the coarse values
     * times one factor, which this test sets apart: such a row's values stand in one ratio to the
     * coarse ones). A matrix votes when {@link #MIN_DECAYED_ROWS} rows read so.
     *
     * @return +1 when the parent stores the finer digits, -1 when the child does, 0 when no
     *     matrix reads or they cancel
     */
    static double rowDigits(ModelSignature parent, ModelSignature child) {
        return rowFootprints(parent, child).digits();
    }

    /** {@link #rowDecay} and {@link #rowDigits}, each in [-1, 1]. */
    private record RowFootprints(double decay, double digits) {
    }

    /** Both row footprints in one pass over the matrices the two models share. */
    private static RowFootprints rowFootprints(ModelSignature parent, ModelSignature child) {
        int decaySum = 0;
        int digitsSum = 0;
        boolean undecayed = false;
        for (MatrixSketch a : sketchesByName(parent)) {
            MatrixSketch b = child.sketches().get(a.name());
            MatrixSketch.Alignment at = b == null ? null : MatrixSketch.alignment(a, b);
            if (at == null || at.rows() < MIN_DECAYED_ROWS || at.cols() < 8) {
                continue;
            }
            double u = roundoff(parent, child, a.name());
            if (u >= 0.01) {
                continue; // 8-bit floats and integers: their rounding hides any decay
            }
            float[] va = at.valuesA(a);
            float[] vb = at.valuesB(b);
            decaySum += decayVote(va, vb, at.rows(), at.cols(), u);
            undecayed |= identicalRows(va, vb, at.rows(), at.cols()) >= MIN_DECAYED_ROWS;
            DType tp = parent.tensor(a.name()).orElseThrow().dtype();
            DType tc = child.tensor(a.name()).orElseThrow().dtype();
            boolean parentFiner = finer(tp, tc);
            if (at.cols() >= MIN_DIGIT_VALUES && (parentFiner || finer(tc, tp))) {
                int rounded = parentFiner ? roundedRows(va, vb, at.rows(), at.cols(), tp, tc)
                        : roundedRows(vb, va, at.rows(), at.cols(), tc, tp);
                if (rounded >= MIN_DECAYED_ROWS) {
                    digitsSum += parentFiner ? 1 : -1;
                }
            }
        }
        return new RowFootprints(undecayed ? 0 : Integer.signum(decaySum), Integer.signum(digitsSum));
    }

    /** Whether {@code a} holds every value of {@code b}'s grid and more: F32 over F16 and BF16, F16 over BF16. */
    private static boolean finer(DType a, DType b) {
        return (a == DType.F32 || a == DType.F64) && (b == DType.F16 || b == DType.BF16)
                || a == DType.F16 && b == DType.BF16;
    }

    /**
     * How many rows of {@code coarse} are {@code fine}'s rounded to {@code grid} (on at least
     * {@link #MIN_DIGIT_VALUES} values in the grid's normal range, the rest not read), with some
     * of {@code fine}'s values off the grid and not all in one ratio to the coarse ones.
     */
    static int roundedRows(float[] fine, float[] coarse, int rows, int cols, DType fineType, DType grid) {
        // a scaled copy (weight decay in the finer model) holds one ratio to the coarse values up
        // to its own rounding (or a few F32 roundings a step), far less than the coarse grid's
        // spacing, over which a rounding spreads them
        double oneRatioWithin = Math.max(4 * ModelSignature.unitRoundoff(fineType), ModelSignature.unitRoundoff(grid) / 16);
        int n = 0;
        for (int i = 0; i < rows; i++) {
            int read = 0;
            boolean rounds = true;
            boolean offGrid = false;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (int j = i * cols, end = j + cols; j < end && rounds; j++) {
                float x = fine[j];
                float y = coarse[j];
                if (!inNormalRange(y) || !inNormalRange(x)) {
                    continue;
                }
                read++;
                rounds = round(x, grid) == y;
                if (x != y) {
                    offGrid = true;
                    double r = (double) x / y;
                    lo = Math.min(lo, r);
                    hi = Math.max(hi, r);
                }
            }
            boolean oneRatio = hi - lo <= oneRatioWithin * Math.abs(hi);
            if (rounds && offGrid && !oneRatio && read >= MIN_DIGIT_VALUES) {
                n++;
            }
        }
        return n;
    }

    /** Whether x lies in F16's normal range, where F16 and BF16 rounding are both a mantissa cut. */
    private static boolean inNormalRange(float x) {
        float a = Math.abs(x);
        return a >= 0x1p-14f && a <= 65504f;
    }

    /** x rounded to nearest even on the grid of F16 or BF16 (x in F16's normal range). */
    static float round(float x, DType grid) {
        int bits = Float.floatToRawIntBits(x);
        int drop = grid == DType.BF16 ? 16 : 13;
        int half = (1 << (drop - 1)) - 1;
        bits += half + ((bits >>> drop) & 1);
        return Float.intBitsToFloat(bits & (-1 << drop));
    }

    /** How many of the rows (rows x cols values, row-major) the two hold value for value, zero rows not counted. */
    static int identicalRows(float[] p, float[] c, int rows, int cols) {
        int n = 0;
        for (int i = 0; i < rows; i++) {
            boolean same = true;
            boolean zero = true;
            for (int j = i * cols, end = j + cols; j < end && same; j++) {
                same = p[j] == c[j];
                zero &= p[j] == 0;
            }
            if (same && !zero) {
                n++;
            }
        }
        return n;
    }

    /** One matrix's {@link #rowDecay} vote over its rows x cols shared values (row-major). */
    static int decayVote(float[] p, float[] c, int rows, int cols, double u) {
        u = Math.max(u, DECAY_FLOOR);
        double maxSine = DECAY_SINE * u;
        double[] logs = new double[rows];
        int n = 0;
        int exactSmaller = 0; // rows scaled exactly (EXACT_ROW), c's the smaller
        int exactLarger = 0;
        double noise = u / Math.sqrt(cols); // a row's log scale is known to about the rounding noise over the root of its length
        for (int i = 0; i < rows; i++) {
            double pp = 0;
            double cc = 0;
            double pc = 0;
            for (int j = i * cols, end = j + cols; j < end; j++) {
                double x = p[j];
                double y = c[j];
                pp += x * x;
                cc += y * y;
                pc += x * y;
            }
            if (!(pp > 0 && cc > 0 && pc > 0)) {
                continue;
            }
            double sine2 = 1 - pc / pp * (pc / cc);
            if (sine2 <= maxSine * maxSine) {
                double log = 0.5 * (Math.log(cc) - Math.log(pp));
                logs[n++] = log;
                if (Math.abs(log) > 2 * u && Math.abs(log) >= EXACT_ROW * Math.sqrt(Math.max(sine2, 0))) {
                    if (log < 0) {
                        exactSmaller++;
                    } else {
                        exactLarger++;
                    }
                }
            }
        }
        // rows scaled exactly, all one way, decide (even one) when the shared factor does not
        int exact = exactSmaller > 0 && exactLarger == 0 ? 1 : exactLarger > 0 && exactSmaller == 0 ? -1 : 0;
        if (n < MIN_DECAYED_ROWS) {
            return exact;
        }
        double[] sorted = Arrays.copyOf(logs, n);
        Arrays.sort(sorted);
        // the median of values that are exactly negated when the models swap is exactly negated
        double median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
        if (Math.abs(median) <= noise) {
            return exact;
        }
        double band = Math.abs(median) * DECAY_BAND;
        int agree = 0;
        for (int k = 0; k < n; k++) {
            if (Math.abs(logs[k] - median) <= band) {
                agree++;
            }
        }
        return agree >= MIN_DECAYED_ROWS && 2 * agree >= n ? (median < 0 ? 1 : -1) : exact;
    }

    /** Every weight matrix's sketch, in canonical-name order (not the file's). */
    private static List<MatrixSketch> sketchesByName(ModelSignature s) {
        List<MatrixSketch> out = new ArrayList<>(s.sketches().values());
        out.sort(java.util.Comparator.comparing(MatrixSketch::name));
        return out;
    }

    /** The squared Frobenius norm, summed in index order (so swapping the models negates differences exactly). */
    private static double energy(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return s;
    }

    /** Rows and columns spread evenly over a rows x cols sketch's (already random) ones. */
    static float[] subSketch(float[] v, int rows, int cols, int r, int c) {
        float[] out = new float[r * c];
        for (int i = 0; i < r; i++) {
            int si = (int) ((long) i * rows / r);
            for (int j = 0; j < c; j++) {
                out[i * c + j] = v[si * cols + (int) ((long) j * cols / c)];
            }
        }
        return out;
    }

    /** Up to {@code max} items spread evenly over the list (all of them when it is short). */
    static <T> List<T> spread(List<T> items, int max) {
        if (items.size() <= max) {
            return items;
        }
        List<T> out = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            out.add(items.get((int) ((long) i * items.size() / max)));
        }
        return out;
    }

    private static boolean sameWithinNoise(ModelSignature pa, ModelSignature pb, String name, float[] x, float[] y) {
        double s = 0;
        double ref = 0;
        for (int i = 0; i < x.length; i++) {
            double d = (double) x[i] - y[i];
            s += d * d;
            ref += (double) x[i] * x[i] + (double) y[i] * y[i];
        }
        if (s == 0) {
            return true;
        }
        double u = roundoff(pa, pb, name);
        double rel = Math.sqrt(s / Math.max(ref / 2, Double.MIN_NORMAL));
        return rel <= PairMetrics.DUPLICATE_NOISE_FACTOR * u;
    }

    /** The two models' unit roundoffs for one tensor, summed: the rounding noise their difference can hold. */
    private static double roundoff(ModelSignature a, ModelSignature b, String name) {
        return ModelSignature.unitRoundoff(a.tensor(name).orElseThrow().dtype())
                + ModelSignature.unitRoundoff(b.tensor(name).orElseThrow().dtype());
    }
}
