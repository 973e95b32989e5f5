package org.modelheritage.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The true lineage of a trained forest, kept apart from the weight files: which file holds which
 * model and who its parent is. Written as {@code ground_truth.json} in the development corpus's
 * format ({@code ../shared/corpus/README.md}), so the {@code eval} command can score the same
 * directory.
 */
public final class KnownTree {

    /** One model: its name in the tree, the file that holds it, its parent's name (null for a root). */
    public record Entry(String name, String path, String parent, String task, double trainAccuracy) {
    }

    private final List<Entry> entries;

    public KnownTree(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Every true parent → child pair, as {@code [parent, child]}. */
    public List<List<String>> edges() {
        List<List<String>> out = new ArrayList<>();
        for (Entry e : entries) {
            if (e.parent() != null) {
                out.add(List.of(e.parent(), e.name()));
            }
        }
        return out;
    }

    public List<String> roots() {
        return entries.stream().filter(e -> e.parent() == null).map(Entry::name).toList();
    }

    /** Writes {@code ground_truth.json} into {@code dir}, paths relative to it. */
    public Path write(Path dir) throws IOException {
        List<Map<String, Object>> models = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", e.name());
            m.put("path", e.path());
            m.put("format", "safetensors");
            m.put("dtype", "float32");
            m.put("task", e.task());
            m.put("train_accuracy", Math.round(e.trainAccuracy() * 1000) / 1000.0);
            m.put("parent", e.parent());
            models.add(m);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("models", models);
        root.put("edges", edges());
        Path file = dir.resolve("ground_truth.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
        return file;
    }
}
