package org.modelheritage.store;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Run in a child JVM by {@link MetadataStoreContract}: writes multi-row change sets in a loop and
 * prints "committed N" after each, until it is killed.
 *
 * <p>Batch {@code i} inserts group {@code i} (three models with files, a family, its lineage, a
 * distance, statistics and a job), records {@code i} in the marker model, and when {@code i} is odd
 * deletes group {@code i-1} entirely, so a batch both adds and removes rows.
 */
public final class CrashWriter {
    static final String MARKER = "marker";

    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        int start = Integer.parseInt(args[1]);
        Map<String, String> options = new HashMap<>();
        for (int i = 2; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            options.put(kv[0], kv[1]);
        }
        MetadataStore store = Stores.openMetadata(uri, options);
        if (store.model(MARKER).isEmpty()) {
            store.insertModel(TestModels.model(MARKER, "marker"));
        }
        System.out.println("open");
        System.out.flush();
        for (int i = start; ; i++) {
            store.apply(batch(store.model(MARKER).orElseThrow(), i));
            System.out.println("committed " + i);
            System.out.flush();
        }
    }

    static ChangeSet batch(Model marker, int i) {
        ChangeSet.Builder b = ChangeSet.builder();
        for (Model m : group(i)) {
            b.insertModel(m);
        }
        String a = id(i, "a");
        b.putFamily(family(i), "struct-" + i, a);
        b.replaceLineage(family(i), edges(i));
        b.putDistance(a, id(i, "b"), "l2", i + 0.5);
        b.putStatistics(a, "v1", statistics(i));
        b.enqueueJob(a, TestModels.T0.plusSeconds(i));
        b.updateModel(marker.toBuilder().description(Integer.toString(i)).build());
        if (i % 2 == 1) {
            for (Model m : group(i - 1)) {
                b.deleteModel(m.id());
            }
            b.deleteFamily(family(i - 1));
        }
        return b.build();
    }

    static String id(int group, String member) {
        return "g" + group + "-" + member;
    }

    static String family(int group) {
        return "f" + group;
    }

    static List<Model> group(int i) {
        List<Model> models = new ArrayList<>();
        for (String member : List.of("a", "b", "c")) {
            Model base = TestModels.full(id(i, member), "group " + i + " " + member, null, null);
            models.add(base.toBuilder().structuralHash("struct-" + i).build());
        }
        return models;
    }

    static List<LineageEdge> edges(int i) {
        return List.of(new LineageEdge(id(i, "a"), id(i, "b"), 0.5 + i * 1e-6, EdgeKind.FINE_TUNE),
                new LineageEdge(id(i, "a"), id(i, "c"), 0.25, EdgeKind.DUPLICATE));
    }

    static byte[] statistics(int i) {
        return TestModels.bytes(64 * 1024, i);
    }
}
