package org.modelheritage.signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.modelheritage.read.DType;
import org.modelheritage.testing.InMemoryWeightFile;
import org.modelheritage.testing.SyntheticModels;

class ModelSignatureTest {

    private static ModelSignature signature(InMemoryWeightFile f) throws IOException {
        return new SignatureExtractor(16, 8).extract(f);
    }

    @Test
    void oneStreamingPassGivesStructureStatisticsAndSketches() throws IOException {
        Map<String, float[]> root = SyntheticModels.root(1);
        ModelSignature s = signature(SyntheticModels.file(root));
        assertEquals(2 * (4 * 48 * 48 + 96 * 48 + 96 + 48), s.parameterCount());
        assertEquals(10, s.layerCount(), "8 attention matrices and 2 MLP weights are layers; biases and norms are not");
        assertEquals(14, s.tensors().size());
        // square matrices are the lineage matrices, sketched at 16 x 16; the MLP weights keep as many
        // rows (row-wise signals read them) and the minor size's 8 columns
        assertEquals(8, s.lineageMatrices().size());
        assertEquals(16, s.sketches().get("layer.0.attention.query.weight").sketchRows());
        assertEquals(16, s.sketches().get("layer.0.attention.query.weight").sketchCols());
        assertEquals(16, s.sketches().get("layer.0.mlp.weight").sketchRows());
        assertEquals(8, s.sketches().get("layer.0.mlp.weight").sketchCols());
        TensorStatistics norm = s.tensor("layer.0.norm.weight").orElseThrow();
        assertEquals(1.0, norm.mean(), 0.0);
        assertEquals(0.0, norm.variance(), 0.0);
        float[] q = root.get("layer.1.attention.key.weight");
        double mean = 0;
        for (float v : q) {
            mean += v;
        }
        assertEquals(mean / q.length, s.tensor("layer.1.attention.key.weight").orElseThrow().mean(), 1e-9);
        assertEquals((double) Arrays.stream(toDouble(q)).max().orElseThrow(),
                s.tensor("layer.1.attention.key.weight").orElseThrow().max(), 0.0);
    }

    @Test
    void tensorsWithoutElementsCostNoStatistic() throws IOException {
        Map<String, float[]> root = SyntheticModels.root(3);
        ModelSignature plain = signature(SyntheticModels.file(root));
        InMemoryWeightFile padded = SyntheticModels.file(root);
        for (int i = 0; i < 10_000; i++) {
            padded.put("v_t" + i, new long[] {0}, new float[0]);
        }
        padded.put("empty.matrix.weight", new long[] {0, 48}, new float[0]);
        ModelSignature s = signature(padded);
        assertEquals(plain.tensors().size(), s.tensors().size(), "no statistic for an empty tensor");
        assertEquals(plain.sketches().keySet(), s.sketches().keySet());
        assertEquals(plain.parameterCount(), s.parameterCount());
        assertEquals(plain.encode().length, s.encode().length, "stored signature as small as without them");
        assertNotEquals(plain.structuralHash(), s.structuralHash(), "they are still part of the structure");
        assertTrue(s.tensor("v_t0").isEmpty());
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void structuralHashIgnoresDtypeButNotShapes() throws IOException {
        Map<String, float[]> root = SyntheticModels.root(2);
        ModelSignature f32 = signature(SyntheticModels.file(root, DType.F32));
        ModelSignature bf16 = signature(SyntheticModels.file(root, DType.BF16));
        assertEquals(f32.structuralHash(), bf16.structuralHash());
        assertEquals(0x1p-8, bf16.unitRoundoff(), 0.0);
        assertEquals(0x1p-24, f32.unitRoundoff(), 0.0);
        InMemoryWeightFile other = new InMemoryWeightFile().put("w", new long[] {2, 3}, new float[6]);
        InMemoryWeightFile transposed = new InMemoryWeightFile().put("w", new long[] {3, 2}, new float[6]);
        assertNotEquals(signature(other).structuralHash(), signature(transposed).structuralHash());
    }

    @Test
    void encodeDecodeRoundTrips() throws IOException {
        ModelSignature s = signature(SyntheticModels.file(SyntheticModels.root(3), DType.BF16));
        byte[] bytes = s.encode();
        ModelSignature back = ModelSignature.decode(bytes);
        assertEquals(s, back);
        assertEquals(s.structuralHash(), back.structuralHash());
        assertEquals(s.tensors(), back.tensors());
        assertTrue(Arrays.equals(bytes, back.encode()));
        // compact: the sketches' floats and coordinates plus a little per tensor
        int floats = s.sketches().values().stream().mapToInt(m -> m.sketchRows() * m.sketchCols()).sum();
        int indices = s.sketches().values().stream().mapToInt(m -> m.sketchRows() + m.sketchCols()).sum();
        assertTrue(bytes.length < floats * 4 + indices * 8 + 200 * s.tensors().size(), "encoded size " + bytes.length);
    }

    @Test
    void toolWrappersAreTheFewestOverTheTensorsAndRoundTrip() throws IOException {
        InMemoryWeightFile wrapped = new InMemoryWeightFile()
                .put("module._orig_mod.model.layers.0.q.weight", new long[] {4, 4}, new float[16])
                .put("module.model.layers.0.k.weight", new long[] {4, 4}, new float[16]);
        ModelSignature s = signature(wrapped);
        assertEquals(1, s.toolWrappers());
        assertEquals(1, ModelSignature.decode(s.encode()).toolWrappers());
        assertEquals(s, ModelSignature.decode(s.encode()));
        wrapped.put("lm_head.weight", new long[] {4, 4}, new float[16]);
        assertEquals(0, signature(wrapped).toolWrappers(), "a tensor the tool did not wrap");
        assertEquals(0, signature(SyntheticModels.file(SyntheticModels.root(3))).toolWrappers());
    }

    @Test
    void decodeRejectsForeignAndTruncatedBytes() throws IOException {
        byte[] bytes = signature(SyntheticModels.file(SyntheticModels.root(4))).encode();
        assertThrows(IllegalArgumentException.class, () -> ModelSignature.decode(new byte[] {1, 2, 3, 4, 5}));
        assertThrows(IllegalArgumentException.class, () -> ModelSignature.decode(Arrays.copyOf(bytes, bytes.length / 2)));
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(IllegalArgumentException.class, () -> ModelSignature.decode(longer));
        byte[] version = bytes.clone();
        version[4] = 99;
        assertThrows(IllegalArgumentException.class, () -> ModelSignature.decode(version));
    }
}
