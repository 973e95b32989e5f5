package org.modelheritage.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.modelheritage.lake.DuplicateModelException;
import org.modelheritage.lake.FamilyTree;
import org.modelheritage.lake.InvalidModelException;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.lineage.LineageGraph;
import org.modelheritage.store.Family;
import org.modelheritage.store.Model;

/** What the examples share: adding a directory to a lake, and printing its families as trees. */
public final class LakeIngest {
    private LakeIngest() {
    }

    /**
     * Adds every entry of {@code dir} to the lake, in name order: each file as a model (files the
     * readers cannot open, such as a README, are skipped with a note), each sub-directory as one
     * sharded checkpoint. A model is named after its file without the extension.
     *
     * @return the models added, by name
     */
    public static Map<String, Model> addDirectory(ModelLake lake, Path dir, PrintStream out) throws IOException {
        List<Path> entries;
        try (Stream<Path> list = Files.list(dir)) {
            entries = list.sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
        }
        Map<String, Model> added = new LinkedHashMap<>();
        for (Path p : entries) {
            String name = stem(p);
            try {
                added.put(name, lake.add(name, null, List.of(p)));
            } catch (DuplicateModelException e) {
                out.println("  skipped " + p.getFileName() + ": the lake already holds these bytes as " + e.getMessage());
            } catch (InvalidModelException e) {
                out.println("  skipped " + p.getFileName() + ": " + e.getMessage());
            }
        }
        return added;
    }

    /** Every family of the lake with its tree. */
    public static List<FamilyTree> families(ModelLake lake) {
        List<FamilyTree> trees = new ArrayList<>();
        for (int offset = 0; ; offset += 100) {
            List<Family> page = lake.families(offset, 100).items();
            for (Family f : page) {
                lake.tree(f.id()).ifPresent(trees::add);
            }
            if (page.size() < 100) {
                return trees;
            }
        }
    }

    /**
     * Prints every family of the lake as an indented tree from its root(s), with edge confidences:
     * one line per step of the family graph's depth-first walk (a merge appears under each parent,
     * its subtree under the main one).
     */
    public static List<FamilyTree> printFamilies(ModelLake lake, PrintStream out) {
        List<FamilyTree> trees = families(lake);
        out.println(trees.size() + " famil" + (trees.size() == 1 ? "y" : "ies") + ":");
        for (FamilyTree tree : trees) {
            out.println("family " + tree.family().id() + " (" + tree.nodes().size() + " model"
                    + (tree.nodes().size() == 1 ? "" : "s") + ")");
            for (LineageGraph.Step step : tree.graph().depthFirst()) {
                String name = tree.node(step.modelId()).orElseThrow().name();
                out.println("  " + "   ".repeat(step.depth()) + (step.via() == null ? name + "  (root)" : line(name, step.via())));
            }
        }
        return trees;
    }

    private static String line(String name, LineageEdge e) {
        String kind = e.duplicate() ? "duplicate of parent, "
                : e.merge() ? String.format("merge, weight %.2f, ", e.weight())
                : e.kind() == EdgeKind.FINE_TUNE ? "" : e.kind().label() + ", ";
        return "└─ " + name + String.format("  (%sconfidence %.2f)", kind, e.confidence());
    }

    static String stem(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return Files.isDirectory(p) || dot <= 0 ? name : name.substring(0, dot);
    }
}
