package org.modelheritage.store;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;

/**
 * Run in a child JVM by {@link MetadataStoreContract}: two threads write multi-row change sets in a
 * loop, each printing "committed T N" after its batch N, until the JVM is killed. With two writers,
 * a kill that follows one thread's acknowledgment lands at an arbitrary point of the other's batch.
 *
 * <p>Batch {@code i} of thread {@code t} inserts group {@code (t, i)} (three models with files, a
 * family, its lineage, a distance, statistics and a job), records {@code i} in the thread's marker
 * model, and when {@code i} is odd deletes group {@code (t, i-1)} entirely, so a batch both adds
 * and removes rows. Each thread resumes after the batch its marker records.
 */
public final class CrashWriter {
    static final int THREADS = 2;

    private CrashWriter() {
    }

    public static void main(String[] args) throws Exception {
        URI uri = URI.create(args[0]);
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            options.put(kv[0], kv[1]);
        }
        MetadataStore store = Stores.openMetadata(uri, options);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            Thread writer = new Thread(() -> write(store, thread), "crash-writer-" + t);
            writer.start();
            threads.add(writer);
        }
        for (Thread writer : threads) {
            writer.join();
        }
    }

    private static void write(MetadataStore store, int t) {
        if (store.model(marker(t)).isEmpty()) {
            store.insertModel(TestModels.model(marker(t), "marker " + t));
        }
        Model marker = store.model(marker(t)).orElseThrow();
        for (int i = committed(store, t) + 1; ; i++) {
            store.apply(batch(marker, t, i));
            synchronized (System.out) {
                System.out.println("committed " + t + " " + i);
                System.out.flush();
            }
        }
    }

    static String marker(int t) {
        return "marker-" + t;
    }

    /** The last batch of thread t that the store holds, -1 if none. */
    static int committed(MetadataStore store, int t) {
        return store.model(marker(t)).map(Model::description).map(Integer::parseInt).orElse(-1);
    }

    static ChangeSet batch(Model marker, int t, int i) {
        ChangeSet.Builder b = ChangeSet.builder();
        for (Model m : group(t, i)) {
            b.insertModel(m);
        }
        String a = id(t, i, "a");
        b.putFamily(family(t, i), "struct-" + i, a);
        b.replaceLineage(family(t, i), edges(t, i));
        b.putDistance(a, id(t, i, "b"), "l2", i + 0.5);
        b.putStatistics(a, "v1", statistics(t, i));
        b.enqueueJob(a, TestModels.T0.plusSeconds(i));
        b.updateModel(marker.toBuilder().description(Integer.toString(i)).build());
        if (i % 2 == 1) {
            for (Model m : group(t, i - 1)) {
                b.deleteModel(m.id());
            }
            b.deleteFamily(family(t, i - 1));
        }
        return b.build();
    }

    static String id(int t, int group, String member) {
        return "t" + t + "g" + group + "-" + member;
    }

    static String family(int t, int group) {
        return "t" + t + "f" + group;
    }

    static List<Model> group(int t, int i) {
        List<Model> models = new ArrayList<>();
        for (String member : List.of("a", "b", "c")) {
            Model base = TestModels.full(id(t, i, member), "group " + t + " " + i + " " + member, null, null);
            models.add(base.toBuilder().structuralHash("struct-" + i).build());
        }
        return models;
    }

    static List<LineageEdge> edges(int t, int i) {
        return List.of(new LineageEdge(id(t, i, "a"), id(t, i, "b"), 0.5 + i * 1e-6, EdgeKind.FINE_TUNE),
                new LineageEdge(id(t, i, "a"), id(t, i, "c"), 0.25, EdgeKind.DUPLICATE));
    }

    static byte[] statistics(int t, int i) {
        return TestModels.bytes(64 * 1024, t * 100_000 + i);
    }
}
