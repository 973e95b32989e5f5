package org.modelheritage.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.modelheritage.lineage.VocabularyModels.base;
import static org.modelheritage.lineage.VocabularyModels.direction;
import static org.modelheritage.lineage.VocabularyModels.file;
import static org.modelheritage.lineage.VocabularyModels.publishedInBf16;
import static org.modelheritage.lineage.VocabularyModels.signature;
import static org.modelheritage.lineage.VocabularyModels.tune;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.modelheritage.read.DType;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;

/**
 * {@link RowStates}: a model that changed an embedding row cannot sit between two that hold its
 * old values. Two fine-tunes of one base on the same kind of data take steps in about the same
 * direction, so the spanning tree chains them (the smaller step between the base and the larger);
 * the rows only the smaller step's data touched show that it is the larger's sibling. The
 * embedding has 300 rows, more than a sketch's 128: the rows compared are a sample.
 */
class RowStatesTest {
    private static final int D = VocabularyModels.D;

    @Test
    void rowsOnlyTheMiddleModelChangedPutItOffThePath() throws IOException {
        Map<String, float[]> base = base(1);
        Map<String, float[]> dir = direction(base, 2);
        Map<String, float[]> wide = tune(base, dir, 0.002, 0.001, 200, 3); // its data holds tokens 0-199
        Map<String, float[]> narrow = tune(base, dir, 0.004, 0.001, 150, 4); // tokens 0-149: a sibling
        Map<String, float[]> below = tune(wide, dir, 0.002, 0.001, 150, 5); // tokens 0-149, from wide: a child
        for (DType child : List.of(DType.F32, DType.F16, DType.BF16)) {
            ModelSignature g = signature(base, DType.BF16);
            ModelSignature p = signature(wide, DType.F32);
            RowStates.Count sibling = RowStates.count(g, p, signature(narrow, child));
            assertTrue(sibling.off() >= 4, child + " " + sibling);
            assertEquals(0, sibling.on(), child + " " + sibling);
            RowStates.Count chain = RowStates.count(g, p, signature(below, child));
            assertEquals(0, chain.off(), child + " " + chain);
            assertTrue(chain.on() >= 4, child + " " + chain);
        }
        // rows all three hold unchanged, or all three changed, say nothing
        ModelSignature g = signature(base, DType.F32);
        RowStates.Count none = RowStates.count(g, signature(tune(base, dir, 0.002, 0.001, 150, 6), DType.F32),
                signature(tune(base, dir, 0.004, 0.001, 150, 7), DType.F32));
        assertEquals(new RowStates.Count(0, 0), none);
    }

    @Test
    void modelsShareARowWhenOneHoldsItAsTheOtherDoes() throws IOException {
        Map<String, float[]> base = base(11);
        Map<String, float[]> dir = direction(base, 12);
        ModelSignature root = signature(base, DType.BF16);
        // its data holds tokens 0-199: rows 200-299 stay the base's, exactly in F32 and to rounding in F16
        for (DType dtype : List.of(DType.F32, DType.F16)) {
            ModelSignature partial = signature(tune(base, dir, 0.002, 0.001, 200, 13), dtype);
            assertTrue(RowStates.shares(root, partial), dtype.toString());
            assertTrue(RowStates.shares(partial, root), dtype.toString());
        }
        // every row trained: none left to share
        ModelSignature everyRow = signature(tune(base, dir, 0.002, 0.001, VocabularyModels.VOCAB, 14), DType.F32);
        assertFalse(RowStates.shares(root, everyRow));
        assertFalse(RowStates.shares(everyRow, root));
    }

    /**
     * The spanning tree puts the smaller same-data step between the base and the larger; the rows
     * only the smaller one's data touched move the larger up to the base, while a true child of the
     * smaller one stays.
     */
    @Test
    void aSameDataSiblingChainedBelowTheSmallerStepMovesUpToTheBase() throws IOException {
        Map<String, float[]> base = base(11);
        Map<String, float[]> dir = direction(base, 12);
        Map<String, float[]> small = tune(base, dir, 0.002, 0.0005, 200, 13);
        Map<String, float[]> large = tune(base, dir, 0.004, 0.0005, 150, 14);
        Map<String, float[]> child = tune(small, direction(base, 15), 0.002, 0.0005, 150, 16);
        for (boolean rowsTell : new boolean[] {false, true}) {
            // without rows only "small" touched, nothing tells the sibling from a child
            Map<String, float[]> l = rowsTell ? large : tune(base, dir, 0.004, 0.0005, 200, 14);
            LineageIndex index = new LineageIndex();
            SignatureExtractor extractor = new SignatureExtractor();
            index.add("base", extractor.extract(file(base, DType.F32)));
            index.add("small", extractor.extract(file(small, DType.F32)));
            index.add("large", extractor.extract(file(l, DType.F32)));
            index.add("child", extractor.extract(file(child, DType.F32)));
            LineageTree t = index.treeOf("base").orElseThrow();
            assertEquals(List.of("base"), t.roots(), t.edges().toString());
            assertEquals("base", t.parentEdge("small").orElseThrow().parentId(), t.edges().toString());
            assertEquals(rowsTell ? "base" : "small", t.parentEdge("large").orElseThrow().parentId(),
                    t.edges().toString());
            assertEquals("small", t.parentEdge("child").orElseThrow().parentId(), t.edges().toString());
        }
    }

    /**
     * Two same-data fine-tunes touching the same rows, the smaller step published in BF16, the base
     * and the larger in a finer dtype. The rows neither touched hold the base's values in the larger
     * to all its digits, while the smaller's rounding lost some: had the larger been fine-tuned from
     * the smaller's file, it would hold the smaller's rounded values. So the larger moves up to the
     * base, and a true child of the BF16 model, started from its published values, stays below it.
     * When the smaller is saved as finely as the others, nothing tells them apart.
     */
    @Test
    void digitsTheMiddleModelsRoundingLostPutItOffThePath() throws IOException {
        Map<String, float[]> base = base(41);
        Map<String, float[]> dir = direction(base, 42);
        Map<String, float[]> small = tune(base, dir, 0.002, 0.0005, 200, 43);
        Map<String, float[]> large = tune(base, dir, 0.004, 0.0005, 200, 44);
        Map<String, float[]> child = tune(publishedInBf16(small), direction(base, 45), 0.002, 0.0005, 200, 46);
        SignatureExtractor extractor = new SignatureExtractor();
        for (DType fine : List.of(DType.F32, DType.F16)) {
            for (DType middle : List.of(fine, DType.BF16)) {
                LineageIndex index = new LineageIndex();
                index.add("base", extractor.extract(file(base, fine)));
                index.add("small", extractor.extract(file(small, middle)));
                index.add("large", extractor.extract(file(large, fine)));
                LineageTree t = index.treeOf("base").orElseThrow();
                String at = fine + " " + middle + " " + t.edges();
                assertEquals(List.of("base"), t.roots(), at);
                assertEquals("base", t.parentEdge("small").orElseThrow().parentId(), at);
                assertEquals(middle == DType.BF16 ? "base" : "small", t.parentEdge("large").orElseThrow().parentId(), at);
            }
            LineageIndex index = new LineageIndex();
            index.add("base", extractor.extract(file(base, fine)));
            index.add("small", extractor.extract(file(small, DType.BF16)));
            index.add("child", extractor.extract(file(child, fine)));
            LineageTree t = index.treeOf("base").orElseThrow();
            assertEquals("small", t.parentEdge("child").orElseThrow().parentId(), fine + " " + t.edges());
        }
    }

    /**
     * Two same-data fine-tunes touching the same rows, the smaller step with weight decay: its
     * untouched rows are smaller than the base's and than the other's, so it came after both and
     * the other cannot hang below it. Without weight decay nothing tells them apart.
     */
    @Test
    void aDecayedMiddleModelIsAValley() throws IOException {
        Map<String, float[]> base = base(21);
        Map<String, float[]> dir = direction(base, 22);
        for (boolean decayed : new boolean[] {false, true}) {
            Map<String, float[]> small = tune(base, dir, decayed ? 0.99 : 1.0, 0.002, 0.0005, 200, 23);
            Map<String, float[]> large = tune(base, dir, 1.0, 0.004, 0.0005, 200, 24);
            LineageIndex index = new LineageIndex();
            SignatureExtractor extractor = new SignatureExtractor();
            index.add("base", extractor.extract(file(base, DType.F32)));
            index.add("small", extractor.extract(file(small, DType.F32)));
            index.add("large", extractor.extract(file(large, DType.F32)));
            LineageTree t = index.treeOf("base").orElseThrow();
            assertEquals(List.of("base"), t.roots(), t.edges().toString());
            assertEquals("base", t.parentEdge("small").orElseThrow().parentId(), t.edges().toString());
            assertEquals(decayed ? "base" : "small", t.parentEdge("large").orElseThrow().parentId(),
                    t.edges().toString());
        }
    }

    /**
     * Two same-data fine-tunes of one base, both with weight decay, the smaller step decayed more:
     * the spanning tree chains them (base - smaller - larger), and the decayed rows read the smaller
     * as a child of both neighbours. No orientation honours both votes; left in the tree, which one
     * loses falls to whatever else its edges say, and in each of these seeds the base ends up below a
     * fine-tune. Taken out before the tree is oriented (the smaller keeps its shorter edge, the
     * larger joins the base), the valley leaves votes that all agree.
     */
    @Test
    void aDecayValleyComesOutBeforeTheTreeIsOriented() throws IOException {
        SignatureExtractor extractor = new SignatureExtractor();
        for (long seed : new long[] {60, 66, 69, 72}) {
            Map<String, float[]> base = base(seed);
            Map<String, float[]> dir = direction(base, seed + 1);
            LineageIndex index = new LineageIndex();
            index.add("base", extractor.extract(file(base, DType.F32)));
            index.add("small", extractor.extract(file(tune(base, dir, 0.98, 0.001, 0.0003, 200, seed + 2), DType.F32)));
            index.add("large", extractor.extract(file(tune(base, dir, 0.985, 0.002, 0.0003, 200, seed + 3), DType.F32)));
            LineageTree t = index.treeOf("base").orElseThrow();
            String at = seed + " " + t.edges();
            assertEquals(List.of("base"), t.roots(), at);
            assertEquals("base", t.parentEdge("small").orElseThrow().parentId(), at);
            assertEquals("base", t.parentEdge("large").orElseThrow().parentId(), at);
        }
    }

    /**
     * A child that takes back most of its parent's step falls short of the chain's distance and
     * would be lifted to the grandparent; the embedding rows its data never touched still hold the
     * parent's changed values, so it stays below the parent.
     */
    @Test
    void rowsTheParentAndChildShareChangedHoldTheChain() throws IOException {
        Map<String, float[]> base = base(31);
        Map<String, float[]> mid = tune(base, direction(base, 32), 0.004, 0.0005, 200, 33);
        for (boolean rowsTell : new boolean[] {false, true}) {
            int touched = rowsTell ? 150 : 200;
            SplittableRandom rng = new SplittableRandom(34);
            Map<String, float[]> back = new LinkedHashMap<>();
            mid.forEach((name, m) -> {
                float[] b = base.get(name);
                float[] v = new float[m.length];
                for (int i = 0; i < v.length; i++) {
                    boolean untouched = name.startsWith("embed") && i / D >= touched;
                    v[i] = untouched ? m[i] : (float) (m[i] - 0.3 * (m[i] - b[i]) + 0.0036 * rng.nextGaussian());
                }
                back.put(name, v);
            });
            LineageIndex index = new LineageIndex();
            SignatureExtractor extractor = new SignatureExtractor();
            index.add("base", extractor.extract(file(base, DType.F32)));
            index.add("mid", extractor.extract(file(mid, DType.F32)));
            index.add("back", extractor.extract(file(back, DType.F32)));
            LineageTree t = index.treeOf("base").orElseThrow();
            assertEquals("base", t.parentEdge("mid").orElseThrow().parentId(), t.edges().toString());
            assertEquals(rowsTell ? "mid" : "base", t.parentEdge("back").orElseThrow().parentId(),
                    t.edges().toString());
        }
    }
}
