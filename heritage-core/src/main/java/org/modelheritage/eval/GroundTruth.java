package org.modelheritage.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A corpus's {@code ground_truth.json}: the models (name, path relative to the file's folder,
 * true parent) and the true parent to child edges. Only the evaluation reads it; the recovery
 * never sees names or paths.
 */
public final class GroundTruth {
    /**
     * One listed model.
     *
     * @param name   its name in the corpus
     * @param path   its weight file (or checkpoint directory), resolved against the ground truth's folder
     * @param parent its true (main) parent's name; null for a root
     * @param kind the true kind of its edge(s) when the corpus says ({@code fine-tune},
     *     {@code quantized}, {@code merge}...), else null
     */
    public record Model(String name, Path path, String parent, String kind) {
        /**
         * A model of the ground truth without a kind.
         *
         * @param name   its name
         * @param path   its weight file
         * @param parent its true parent's name, or null for a root
         */
        public Model(String name, Path path, String parent) {
            this(name, path, parent, null);
        }
    }

    private final Path directory;
    private final List<Model> models;
    private final List<List<String>> edges;

    private GroundTruth(Path directory, List<Model> models, List<List<String>> edges) {
        this.directory = directory;
        this.models = List.copyOf(models);
        this.edges = List.copyOf(edges);
    }

    /**
     * Reads {@code dir/ground_truth.json}. Edges come from its {@code edges} array when it has one
     * (merges list several parents), else from each model's {@code parent}.
     *
     * @param dir the corpus folder holding {@code ground_truth.json}
     * @return the ground truth, paths resolved against {@code dir}
     * @throws IllegalArgumentException if the file is malformed (missing fields, unknown names,
     *     duplicate names)
     * @throws IOException if the file cannot be read
     */
    public static GroundTruth read(Path dir) throws IOException {
        Path file = dir.resolve("ground_truth.json");
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.path("models").isArray()) {
            throw new IllegalArgumentException(file + ": no \"models\" array");
        }
        List<Model> models = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode m : root.get("models")) {
            String name = text(m, "name", file);
            String path = text(m, "path", file);
            JsonNode p = m.get("parent");
            String parent = p == null || p.isNull() ? null : p.asText();
            if (!names.add(name)) {
                throw new IllegalArgumentException(file + ": model " + name + " is listed twice");
            }
            JsonNode k = m.get("kind");
            models.add(new Model(name, dir.resolve(path).normalize(), parent, k == null || k.isNull() ? null : k.asText()));
        }
        List<List<String>> edges = new ArrayList<>();
        if (root.path("edges").isArray()) {
            for (JsonNode e : root.get("edges")) {
                if (!e.isArray() || e.size() != 2) {
                    throw new IllegalArgumentException(file + ": an edge is not a [parent, child] pair: " + e);
                }
                edges.add(List.of(e.get(0).asText(), e.get(1).asText()));
            }
        } else {
            for (Model m : models) {
                if (m.parent() != null) {
                    edges.add(List.of(m.parent(), m.name()));
                }
            }
        }
        for (List<String> e : edges) {
            if (!names.contains(e.get(0)) || !names.contains(e.get(1))) {
                throw new IllegalArgumentException(file + ": edge " + e + " names an unlisted model");
            }
        }
        for (Model m : models) {
            if (m.parent() != null && !names.contains(m.parent())) {
                throw new IllegalArgumentException(file + ": parent " + m.parent() + " of " + m.name() + " is not listed");
            }
        }
        return new GroundTruth(dir, models, edges);
    }

    /**
     * Several corpora's ground truths as one, for scoring their recoveries together: every name is
     * prefixed with the corpus's position and a slash ({@code 1/base}, {@code 2/base}), so equal
     * names in two corpora stay two models. Models and edges keep their order, corpus by corpus.
     *
     * @param truths the corpora's ground truths, in the order their names are numbered (from 1)
     * @return the joined ground truth, without a directory of its own ({@link #directory()} is null)
     * @throws IllegalArgumentException when {@code truths} is empty
     */
    public static GroundTruth joined(List<GroundTruth> truths) {
        if (truths.isEmpty()) {
            throw new IllegalArgumentException("no ground truth to join");
        }
        List<Model> models = new ArrayList<>();
        List<List<String>> edges = new ArrayList<>();
        for (int i = 0; i < truths.size(); i++) {
            String prefix = joinedName(i, "");
            for (Model m : truths.get(i).models()) {
                models.add(new Model(prefix + m.name(), m.path(), m.parent() == null ? null : prefix + m.parent(), m.kind()));
            }
            for (List<String> e : truths.get(i).edges()) {
                edges.add(List.of(prefix + e.get(0), prefix + e.get(1)));
            }
        }
        return new GroundTruth(null, models, edges);
    }

    /**
     * The name {@link #joined} gives a model.
     *
     * @param index the position of the model's corpus, from 0
     * @param name  the model's name in its corpus
     * @return {@code index + 1}, a slash, then {@code name}
     */
    public static String joinedName(int index, String name) {
        return (index + 1) + "/" + name;
    }

    private static String text(JsonNode node, String field, Path file) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException(file + ": a model has no \"" + field + "\"");
        }
        return v.asText();
    }

    /** {@return the directory the ground truth was read from (the file's model paths were relative to it); null for a {@link #joined} one} */
    public Path directory() {
        return directory;
    }

    /** {@return every model the ground truth lists, in file order} */
    public List<Model> models() {
        return models;
    }

    /** {@return the true parent to child edges, as [parent, child] name pairs; a merge's child has several} */
    public List<List<String>> edges() {
        return edges;
    }

    /** {@return each model's true tree, named by its root (following the last listed parent edge), by model name in file order} */
    public Map<String, String> treeOf() {
        Map<String, String> parent = new HashMap<>();
        for (Model m : models) {
            parent.put(m.name(), m.parent());
        }
        for (List<String> e : edges) {
            parent.put(e.get(1), e.get(0));
        }
        Map<String, String> tree = new LinkedHashMap<>();
        for (Model m : models) {
            String r = m.name();
            int steps = 0;
            while (parent.get(r) != null && steps++ <= models.size()) {
                r = parent.get(r);
            }
            tree.put(m.name(), r);
        }
        return tree;
    }

    /** {@return the names of the models without a parent, in file order} */
    public List<String> roots() {
        Set<String> children = new HashSet<>();
        for (List<String> e : edges) {
            children.add(e.get(1));
        }
        List<String> roots = new ArrayList<>();
        for (Model m : models) {
            if (!children.contains(m.name()) && m.parent() == null) {
                roots.add(m.name());
            }
        }
        return roots;
    }
}
