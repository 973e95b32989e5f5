package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.modelheritage.lineage.VocabularyModels.base;
import static org.modelheritage.lineage.VocabularyModels.file;
import static org.modelheritage.lineage.VocabularyModels.signature;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.modelheritage.family.ModelCluster;
import org.modelheritage.read.DType;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.InMemoryWeightFile;

/**
 * {@link DirectionSignal#ROW_DECAY}: the embedding rows of tokens a fine-tune's data lacks get no
 * gradient, so under weight decay they all shrink by one factor and without it they stay as they
 * were. The embedding here has 300 rows (more than the sketch's 128: the rows compared are a
 * sample) and a fine-tune touches the first 200.
 */
class RowDecayTest {
    private static final int VOCAB = VocabularyModels.VOCAB;
    private static final int D = VocabularyModels.D;
    private static final int TOUCHED = 200;


    /**
     * A fine-tune with decoupled weight decay: every value times {@code keep}, then a step of
     * standard deviation {@code step} on everything but the embedding rows from {@code touched} on.
     */
    private static Map<String, float[]> tune(Map<String, float[]> parent, double keep, double step, int touched,
            long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        parent.forEach((name, p) -> {
            float[] v = new float[p.length];
            boolean embedding = name.startsWith("embed");
            for (int i = 0; i < v.length; i++) {
                boolean untouched = embedding && i / D >= touched;
                boolean decays = !name.endsWith("norm.weight") && !name.endsWith("bias");
                double x = decays ? keep * p[i] : p[i];
                v[i] = (float) (untouched ? x : x + step * rng.nextGaussian());
            }
            m.put(name, v);
        });
        return m;
    }



    @Test
    void untouchedRowsShrunkByOneFactorMarkTheChild() throws IOException {
        Map<String, float[]> parent = base(1);
        ModelSignature p = signature(parent, DType.BF16);
        for (DType childType : List.of(DType.F32, DType.F16, DType.BF16)) {
            ModelSignature c = signature(tune(parent, 0.99, 0.002, TOUCHED, 2), childType);
            assertEquals(1.0, DirectionEvidence.of(p, c, DirectionSignal.ROW_DECAY), 0.0, childType.name());
            assertEquals(-1.0, DirectionEvidence.of(c, p, DirectionSignal.ROW_DECAY), 0.0, childType.name());
        }
    }

    /**
     * A short fine-tune, saved in F32, of an F16 model, whose data left a single row of a matrix
     * untouched: that row is the parent's times the decay factor to the child's digits, every
     * other row moved. One such row votes (a row training touched at all moves by far more than
     * the rounding allows a scaled copy); the same row taken back to the parent's values, or moved
     * like the rest, says nothing, and neither does a row that only rounding scaled.
     */
    @Test
    void oneUntouchedRowIsEnoughForAVote() {
        int rows = 20;
        int cols = 64;
        SplittableRandom rng = new SplittableRandom(17);
        float[] parent = new float[rows * cols];
        float[] child = new float[rows * cols];
        for (int i = 0; i < parent.length; i++) {
            parent[i] = onF16Grid(0.02 * rng.nextGaussian());
            child[i] = (float) (0.9986 * parent[i] + (i / cols == 7 ? 0 : 0.001 * rng.nextGaussian()));
        }
        double u = ModelSignature.unitRoundoff(DType.F16) + ModelSignature.unitRoundoff(DType.F32);
        assertEquals(1, DirectionEvidence.decayVote(parent, child, rows, cols, u));
        assertEquals(-1, DirectionEvidence.decayVote(child, parent, rows, cols, u));
        float[] kept = child.clone();
        System.arraycopy(parent, 7 * cols, kept, 7 * cols, cols);
        assertEquals(0, DirectionEvidence.decayVote(parent, kept, rows, cols, u));
        float[] moved = child.clone();
        moved[7 * cols] += 0.001f;
        assertEquals(0, DirectionEvidence.decayVote(parent, moved, rows, cols, u));
        // an F16 child of that F32 model rounds a factor within F16's rounding back: its row is the
        // F16 row again, larger than its parent's, and as exactly scaled as a decayed one
        float[] tiny = child.clone();
        float[] back = child.clone();
        for (int j = 7 * cols; j < 8 * cols; j++) {
            tiny[j] = (float) (0.999918 * parent[j]);
            back[j] = parent[j];
        }
        assertEquals(0, DirectionEvidence.decayVote(tiny, back, rows, cols, u));
        // an F32 model's row rounded to BF16: scaled a little, but turned far more than scaled
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            float[] fine = new float[rows * cols];
            float[] rounded = new float[rows * cols];
            for (int i = 0; i < fine.length; i++) {
                fine[i] = (float) (0.02 * r.nextGaussian());
                rounded[i] = i / cols == 7 ? InMemoryWeightFile.toBf16(fine[i]) : (float) (fine[i] + 0.001 * r.nextGaussian());
            }
            assertEquals(0, DirectionEvidence.decayVote(fine, rounded, rows, cols,
                    ModelSignature.unitRoundoff(DType.F32) + ModelSignature.unitRoundoff(DType.BF16)), "seed " + seed);
        }
    }

    /** A value F16 holds exactly (eleven significant bits, well inside its normal range). */
    private static float onF16Grid(double x) {
        return (float) (Math.max(-2047, Math.min(2047, Math.rint(x * 65536))) / 65536);
    }

    @Test
    void noDecayNoTouchedRowsOrOnlyRoundingSayNothing() throws IOException {
        Map<String, float[]> parent = base(3);
        ModelSignature p = signature(parent, DType.F32);
        // without weight decay the untouched rows stay as they were: no direction in them
        ModelSignature plain = signature(tune(parent, 1.0, 0.002, TOUCHED, 4), DType.F32);
        assertEquals(0.0, DirectionEvidence.of(p, plain, DirectionSignal.ROW_DECAY), 0.0);
        // every row touched: nothing is only scaled
        ModelSignature everywhere = signature(tune(parent, 0.99, 0.002, VOCAB, 5), DType.F32);
        assertEquals(0.0, DirectionEvidence.of(p, everywhere, DirectionSignal.ROW_DECAY), 0.0);
        // a cast to BF16: every row within rounding of the original, at no common factor (the
        // rounding itself is read by rowsRoundedToACoarserDtypeMarkTheChild)
        ModelSignature cast = signature(parent, DType.BF16);
        assertEquals(0.0, DirectionEvidence.rowDecay(p, cast), 0.0);
        assertEquals(0.0, DirectionEvidence.rowDecay(cast, p), 0.0);
    }

    /**
     * SGD without weight decay: the embedding rows of tokens the data lacks stay as they were, while
     * the output head's rows for tokens that are never a target get a gradient along themselves
     * (their logits pushed down) and grow by one small factor. Read alone, the head's rows would
     * make the parent the decayed one; the identical embedding rows say no decay acted.
     */
    @Test
    void rowsGrownAlongThemselvesBesideIdenticalRowsAreNotDecay() throws IOException {
        Map<String, float[]> parent = new LinkedHashMap<>(base(11));
        SplittableRandom rng = new SplittableRandom(12);
        float[] head = new float[VOCAB * D];
        for (int i = 0; i < head.length; i++) {
            head[i] = (float) (0.02 * rng.nextGaussian());
        }
        parent.put("lm_head.weight", head);
        Map<String, float[]> child = new LinkedHashMap<>(tune(parent, 1.0, 0.002, TOUCHED, 13));
        float[] grown = head.clone();
        for (int i = 0; i < grown.length; i++) {
            grown[i] = i / D >= TOUCHED ? (float) (1.001 * head[i]) : (float) (head[i] + 0.002 * rng.nextGaussian());
        }
        child.put("lm_head.weight", grown);
        ModelSignature p = signature(parent, DType.F32);
        ModelSignature c = signature(child, DType.F32);
        assertEquals(0.0, DirectionEvidence.of(p, c, DirectionSignal.ROW_DECAY), 0.0);
        assertEquals(0.0, DirectionEvidence.of(c, p, DirectionSignal.ROW_DECAY), 0.0);

    }

    /**
     * Rounding only drops digits. A BF16 fine-tune of an F32 model, no weight decay: its untouched
     * rows are the parent's rounded to BF16, so the F32 model is the parent, whichever way the
     * question is put. An F32 fine-tune of a BF16 model holds the BF16 values themselves (nothing
     * to read), and under weight decay those values times one factor, which rounds back to the BF16
     * row but is no rounding of it (nothing to read either).
     */
    @Test
    void rowsRoundedToACoarserDtypeMarkTheChild() throws IOException {
        Map<String, float[]> parent = base(21);
        ModelSignature p = signature(parent, DType.F32);
        ModelSignature c = signature(tune(parent, 1.0, 0.002, TOUCHED, 22), DType.BF16);
        assertEquals(1.0, DirectionEvidence.of(p, c, DirectionSignal.ROW_DECAY), 0.0);
        assertEquals(-1.0, DirectionEvidence.of(c, p, DirectionSignal.ROW_DECAY), 0.0);
        ModelSignature cast = signature(parent, DType.BF16); // a cast: every row a rounding
        assertEquals(1.0, DirectionEvidence.of(p, cast, DirectionSignal.ROW_DECAY), 0.0);

        Map<String, float[]> coarse = VocabularyModels.publishedInBf16(parent);
        ModelSignature q = signature(coarse, DType.BF16);
        ModelSignature plain = signature(tune(coarse, 1.0, 0.002, TOUCHED, 23), DType.F32);
        assertEquals(0.0, DirectionEvidence.of(q, plain, DirectionSignal.ROW_DECAY), 0.0);
        for (DType finer : List.of(DType.F32, DType.F16)) { // F16 rounds the scaled rows again
            ModelSignature decayed = signature(tune(coarse, 0.9995, 0.002, TOUCHED, 24), finer);
            assertEquals(0.0, DirectionEvidence.rowDigits(q, decayed), 0.0, "a scaled copy, not a rounding: " + finer);
            assertEquals(0.0, DirectionEvidence.rowDigits(decayed, q), 0.0, finer.name());
        }
    }

    /**
     * A short fine-tune with strong weight decay ends with smaller weights than its parent, so the
     * norm reads the edge backwards and makes the child the family's root; the decayed untouched
     * rows turn it the right way.
     */
    @Test
    void decayedRowsOutweighTheNormOnTheirEdge() throws IOException {
        for (boolean untouchedRows : new boolean[] {false, true}) {
            int touched = untouchedRows ? TOUCHED : VOCAB;
            Map<String, float[]> base = base(7);
            Map<String, float[]> decayed = tune(base, 0.97, 0.001, touched, 8);
            Map<String, float[]> grown = tune(base, 1.0, 0.004, touched, 9);
            Map<String, float[]> grandchild = tune(grown, 1.0, 0.004, touched, 10);
            LineageIndex index = new LineageIndex();
            SignatureExtractor extractor = new SignatureExtractor();
            index.add("base", extractor.extract(file(base, DType.F32)));
            index.add("decayed", extractor.extract(file(decayed, DType.F32)));
            index.add("grown", extractor.extract(file(grown, DType.F32)));
            index.add("grandchild", extractor.extract(file(grandchild, DType.F32)));
            List<ModelCluster> families = index.families();
            assertEquals(1, families.size(), families.toString());
            LineageTree t = index.treeOf("base").orElseThrow();
            assertEquals(untouchedRows ? List.of("base") : List.of("decayed"), t.roots(), t.edges().toString());
            String decayedParent = t.parentEdge("decayed").map(LineageEdge::parentId).orElse(null);
            assertEquals(untouchedRows ? "base" : null, decayedParent, t.edges().toString());
            assertEquals("grown", t.parentEdge("grandchild").orElseThrow().parentId());
        }
    }
}
