package org.modelheritage.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/** Small factories for contract tests and the crash writer. */
public final class TestModels {
    public static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private TestModels() {
    }

    public static String sha(String text) {
        MessageDigest md = DirectoryBlobStore.sha256();
        return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** A pending model whose checksum is derived from its id. */
    public static Model model(String id, String name) {
        return Model.builder(id, name, sha("model:" + id), 1000, T0)
                .files(List.of(new ModelFile(name + ".safetensors", sha("file:" + id), 1000)))
                .build();
    }

    /** A ready model with every field set. */
    public static Model full(String id, String name, String familyId, String parentId) {
        return Model.builder(id, name, sha("model:" + id), 123_456_789_012L, T0.plusMillis(1))
                .description("desc of " + name + " — ünïcödé")
                .files(List.of(new ModelFile("model-00001-of-00002.safetensors", sha("s1:" + id), 100),
                        new ModelFile("model-00002-of-00002.safetensors", sha("s2:" + id), 200),
                        new ModelFile("model.safetensors.index.json", sha("ix:" + id), 3)))
                .format("sharded-safetensors")
                .parameterCount(7_000_000_000L)
                .layerCount(32)
                .structuralHash("struct-" + familyId)
                .familyId(familyId)
                .parentId(parentId)
                .confidence(parentId == null ? null : 0.875)
                .status(ModelStatus.READY)
                .processedAt(T0.plusSeconds(60))
                .build();
    }

    public static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        long x = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            b[i] = (byte) x;
        }
        return b;
    }
}
