package org.modelheritage.family;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.modelheritage.signature.MatrixSketch;
import org.modelheritage.signature.ModelSignature;
import org.modelheritage.signature.SignatureExtractor;
import org.modelheritage.signature.TensorStatistics;
import org.modelheritage.testing.SyntheticModels;

/** The embedding with its kept hash codes gives the bits of hashing every value afresh. */
class SketchEmbeddingTest {

    @Test
    void keptCodesGiveTheBitsOfHashingEveryValue() throws IOException {
        // full sketches of 48 x 48 and sampled ones of 16 x 16: two layouts per matrix name
        for (SignatureExtractor extractor : new SignatureExtractor[] {new SignatureExtractor(), new SignatureExtractor(16, 8)}) {
            for (long seed = 1; seed <= 4; seed++) {
                ModelSignature s = extractor.extract(SyntheticModels.file(SyntheticModels.root(seed)));
                float[] expected = hashedAfresh(s);
                assertArrayEquals(expected, SketchEmbedding.of(s), "first call");
                assertArrayEquals(expected, SketchEmbedding.of(s), "codes kept");
                double norm = 0;
                for (float x : expected) {
                    norm += x * x;
                }
                assertEquals(1.0, norm, 1e-5);
            }
        }
    }

    /** The embedding's definition, each value's coordinate and sign hashed from (name, row, column). */
    private static float[] hashedAfresh(ModelSignature s) {
        double[] e = new double[SketchEmbedding.DIMENSIONS];
        for (MatrixSketch m : s.lineageMatrices()) {
            double mean = s.tensor(m.name()).map(TensorStatistics::mean).orElse(0.0);
            float[] v = m.values();
            double norm = 0;
            for (float x : v) {
                norm += (x - mean) * (x - mean);
            }
            if (!(norm > 0) || Double.isInfinite(norm)) {
                continue;
            }
            double scale = 1.0 / Math.sqrt(norm);
            long seed = 0xcbf29ce484222325L;
            for (byte b : m.name().getBytes(StandardCharsets.UTF_8)) {
                seed ^= (b & 0xff);
                seed *= 0x100000001b3L;
            }
            long[] rows = m.rowIndex();
            long[] cols = m.colIndex();
            for (int i = 0; i < rows.length; i++) {
                long rowSeed = seed + rows[i] * 0x9e3779b97f4a7c15L;
                for (int j = 0; j < cols.length; j++) {
                    long h = mix(rowSeed ^ (cols[j] * 0xc2b2ae3d27d4eb4fL));
                    int at = (int) ((h >>> 1) % SketchEmbedding.DIMENSIONS);
                    double x = (v[i * cols.length + j] - mean) * scale;
                    e[at] += (h & 1) == 0 ? x : -x;
                }
            }
        }
        double norm = 0;
        for (double x : e) {
            norm += x * x;
        }
        float[] out = new float[e.length];
        double scale = 1.0 / Math.sqrt(norm);
        for (int i = 0; i < e.length; i++) {
            out[i] = (float) (e[i] * scale);
        }
        return out;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
