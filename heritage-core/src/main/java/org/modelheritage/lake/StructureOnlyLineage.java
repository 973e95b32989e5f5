package org.modelheritage.lake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.modelheritage.read.TensorInfo;
import org.modelheritage.read.WeightFile;
import org.modelheritage.store.Distance;

/**
 * INTERIM: groups models by architecture only (same tensor names and shapes) and recovers no
 * edges. Stands in until the lineage engine is merged; the lake's bookkeeping does not change.
 */
final class StructureOnlyLineage implements LineageAdapter {
    static final String VERSION = "structure-v1";

    private final Map<String, String> hashOf = new HashMap<>();

    @Override
    public Signature signature(WeightFile file) throws IOException {
        TreeMap<String, String> lines = new TreeMap<>();
        int layers = 0;
        for (TensorInfo t : file.tensors()) {
            lines.put(t.name(), Arrays.toString(t.shape()));
            if (t.rank() >= 2) {
                layers++;
            }
        }
        StringBuilder sb = new StringBuilder();
        lines.forEach((n, s) -> sb.append(n).append(' ').append(s).append('\n'));
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return new Signature(file.parameterCount(), layers, hash, VERSION, hash.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void restore(Map<String, Signature> models, List<Distance> cachedDistances) {
        hashOf.clear();
        models.forEach((id, s) -> hashOf.put(id, s.structuralHash()));
    }

    @Override
    public Outcome add(String modelId, Signature signature) {
        hashOf.put(modelId, signature.structuralHash());
        return new Outcome(List.of(family(signature.structuralHash())), List.of());
    }

    @Override
    public Outcome remove(String modelId) {
        String hash = hashOf.remove(modelId);
        FamilyState f = hash == null ? null : family(hash);
        return new Outcome(f == null || f.members().isEmpty() ? List.of() : List.of(f), List.of());
    }

    private FamilyState family(String hash) {
        Set<String> members = new LinkedHashSet<>();
        hashOf.forEach((id, h) -> {
            if (h.equals(hash)) {
                members.add(id);
            }
        });
        List<String> sorted = new ArrayList<>(members);
        sorted.sort(null);
        return new FamilyState(members, hash, sorted.isEmpty() ? null : sorted.get(0), List.of());
    }

    @Override
    public boolean contains(String modelId) {
        return hashOf.containsKey(modelId);
    }

    @Override
    public String distanceMetric() {
        return "none";
    }
}
