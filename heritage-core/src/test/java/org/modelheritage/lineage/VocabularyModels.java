package org.modelheritage.lineage;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
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

    static ModelSignature signature(Map<String, float[]> m, DType dtype) throws IOException {
        return new SignatureExtractor().extract(file(m, dtype));
    }
}
