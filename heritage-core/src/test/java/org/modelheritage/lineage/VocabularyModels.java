package org.modelheritage.lineage;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;
import org.modelheritage.read.DType;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.testing.InMemoryWeightFile;
import org.modelheritage.testing.SyntheticModels;

/**
 * {@link SyntheticModels} with a token embedding of {@value #VOCAB} rows, more than a sketch's
 * 128: the row-wise signals ({@link RowDecayTest}, {@link RowStatesTest}) compare a sample of them.
 */
final class VocabularyModels {
    static final int VOCAB = 300;
    static final int D = SyntheticModels.D;

    private VocabularyModels() {
    }

    /** A root model with an N(0, 0.02) embedding of {@value #VOCAB} tokens. */
    static Map<String, float[]> base(long seed) {
        Map<String, float[]> m = new LinkedHashMap<>(SyntheticModels.root(seed));
        SplittableRandom rng = new SplittableRandom(seed + 1);
        float[] e = new float[VOCAB * D];
        for (int i = 0; i < e.length; i++) {
            e[i] = (float) (0.02 * rng.nextGaussian());
        }
        m.put("embed_tokens.weight", e);
        return m;
    }

    /** The model as a file with Hugging Face's {@code model.} names, in one dtype. */
    static InMemoryWeightFile file(Map<String, float[]> m, DType dtype) {
        InMemoryWeightFile f = new InMemoryWeightFile(700);
        Map<String, long[]> shapes = SyntheticModels.shapes();
        m.forEach((name, v) -> f.put("model." + name, dtype,
                shapes.getOrDefault(name, new long[] {v.length / D, D}), v));
        return f;
    }

    /** The values a BF16 file of the model holds, as a fine-tune of that file starts from them. */
    static Map<String, float[]> publishedInBf16(Map<String, float[]> m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.forEach((name, v) -> {
            float[] r = new float[v.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = InMemoryWeightFile.toBf16(v[i]);
            }
            out.put(name, r);
        });
        return out;
    }

    /**
     * The models' lineage built at once over all pairs, and grown model by model over candidate
     * pairs (the trees asked for after every add, as the lake does), with the number of grown
     * builds expected: {@code List.of(built, grown)}.
     */
    static java.util.List<LineageIndex> builtAndGrown(Map<String, ModelSignature> models, SignatureExtractor extractor,
            int grownBuilds) {
        LineageIndex built = new LineageIndex();
        LineageIndex grown = new LineageIndex(MotherRecipe.defaults(), new org.modelheritage.family.FamilyClustering(),
                extractor, 0);
        models.forEach(built::add);
        models.forEach((id, signature) -> {
            grown.add(id, signature);
            grown.trees();
        });
        org.junit.jupiter.api.Assertions.assertEquals(grownBuilds, grown.treeBuilds().get("grown"),
                grown.treeBuilds().toString());
        return java.util.List.of(built, grown);
    }

    static ModelSignature signature(Map<String, float[]> m, DType dtype) throws IOException {
        return new SignatureExtractor().extract(file(m, dtype));
    }

    /** One direction per value, the same for every fine-tune on "the same data". */
    static Map<String, float[]> direction(Map<String, float[]> like, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        like.forEach((name, p) -> {
            float[] v = new float[p.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rng.nextGaussian();
            }
            m.put(name, v);
        });
        return m;
    }

    /**
     * A fine-tune: {@code shared} times the common direction plus {@code own} of its own noise, on
     * every value but the embedding rows from {@code touched} on, which stay as they were.
     */
    static Map<String, float[]> tune(Map<String, float[]> parent, Map<String, float[]> dir, double shared,
            double own, int touched, long seed) {
        return tune(parent, dir, 1.0, shared, own, touched, seed);
    }

    /** The same under decoupled weight decay: every weight matrix's value times {@code keep} first. */
    static Map<String, float[]> tune(Map<String, float[]> parent, Map<String, float[]> dir, double keep,
            double shared, double own, int touched, long seed) {
        return tune(parent, dir, keep, shared, own, row -> row < touched, seed);
    }

    /** The same with the embedding rows its data holds given one by one. */
    static Map<String, float[]> tune(Map<String, float[]> parent, Map<String, float[]> dir, double keep,
            double shared, double own, IntPredicate touched, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, float[]> m = new LinkedHashMap<>();
        parent.forEach((name, p) -> {
            float[] v = new float[p.length];
            float[] d = dir.get(name);
            boolean embedding = name.startsWith("embed");
            boolean decays = !name.endsWith("norm.weight") && !name.endsWith("bias");
            for (int i = 0; i < v.length; i++) {
                boolean untouched = embedding && !touched.test(i / D);
                double x = decays ? keep * p[i] : p[i];
                v[i] = (float) (untouched ? x : x + shared * d[i] + own * rng.nextGaussian());
            }
            m.put(name, v);
        });
        return m;
    }
}
