package org.modelheritage.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lineage.PairDistance;
import org.modelheritage.read.TensorInfo;
import org.modelheritage.read.WeightFile;
import org.modelheritage.server.TestWeights;
import org.modelheritage.store.JobState;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;

/**
 * Removing a model whose job is running stops its worker between tensors: the worker drops its
 * temporary files, keeps nothing of the model, and goes on with the next job.
 */
class CancelRunningJobTest {
    @TempDir
    Path dir;

    /**
     * The standard engine, except that the first signature reads one tensor, says so, waits for
     * {@code go}, then reads the rest (where the removal must stop it); what it ended with is kept.
     */
    static LineageAdapter pausingAfterFirstTensor(CountDownLatch reading, CountDownLatch go,
                                                  AtomicReference<Throwable> ended) {
        LineageAdapter real = LineageAdapters.standard();
        AtomicInteger calls = new AtomicInteger();
        return new ForwardingLineageAdapter(real) {
            @Override
            public Signature signature(WeightFile file) throws IOException {
                if (calls.getAndIncrement() > 0) {
                    return real.signature(file);
                }
                try {
                    List<TensorInfo> tensors = file.tensors();
                    file.read(tensors.get(0).name(), (values, length) -> { });
                    reading.countDown();
                    if (!go.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("the test never let the job go on");
                    }
                    for (TensorInfo t : tensors.subList(1, tensors.size())) {
                        file.read(t.name(), (values, length) -> { });
                    }
                    Signature s = real.signature(file);
                    ended.set(new AssertionError("the job read the whole model"));
                    return s;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                } catch (RuntimeException | Error e) {
                    ended.set(e);
                    throw e;
                }
            }
        };
    }

    static Set<String> files(Path root) throws IOException {
        if (!Files.exists(root)) {
            return Set.of();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return new java.util.TreeSet<>(walk.filter(p -> !Files.isDirectory(p))
                    .map(p -> root.relativize(p).toString()).toList());
        }
    }

    @Test
    void removingAModelWhileItsJobRunsStopsTheJobAndKeepsNothingOfIt() throws Exception {
        Path data = dir.resolve("lake");
        Files.createDirectories(data);
        Path work = dir.resolve("work");
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch go = new CountDownLatch(1);
        AtomicReference<Throwable> ended = new AtomicReference<>();
        LakeOptions options = LakeOptions.defaults().withWorkers(1).withWorkDir(work);
        try (ModelLake lake = ModelLake.open(ModelLake.defaultStoreUri(data), ModelLake.defaultBlobUri(data), options,
                pausingAfterFirstTensor(reading, go, ended))) {
            // A sharded model (two shards and an index), so that its job lays out a temporary view.
            Map<String, float[]> all = TestWeights.random(4, 16, 41);
            Map<String, float[]> first = new LinkedHashMap<>();
            Map<String, float[]> second = new LinkedHashMap<>();
            all.forEach((k, v) -> (first.size() < all.size() / 2 ? first : second).put(k, v));
            StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
            List<String> entries = new ArrayList<>();
            first.keySet().forEach(k -> entries.add("\"" + k + "\": \"model-00001-of-00002.safetensors\""));
            second.keySet().forEach(k -> entries.add("\"" + k + "\": \"model-00002-of-00002.safetensors\""));
            index.append(String.join(", ", entries)).append("}}");
            Path sharded = Files.createDirectories(dir.resolve("in"));
            Files.write(sharded.resolve("model-00001-of-00002.safetensors"), TestWeights.safetensors(first));
            Files.write(sharded.resolve("model-00002-of-00002.safetensors"), TestWeights.safetensors(second));
            Files.writeString(sharded.resolve("model.safetensors.index.json"), index.toString());
            Model doomed = lake.add("doomed", null, List.of(sharded));

            assertTrue(reading.await(60, TimeUnit.SECONDS), "the job never started");
            assertEquals(JobState.RUNNING, lake.store().job(doomed.id()).orElseThrow().state());
            assertEquals(3, files(work).stream().filter(f -> f.contains("model-")).count(),
                    "the running job's view: " + files(work));

            assertTrue(lake.remove(doomed.id()));
            go.countDown();
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));

            assertTrue(ended.get() instanceof CancellableWeightFile.JobCancelledException,
                    "the job stopped at the next tensor: " + ended.get());
            assertTrue(lake.model(doomed.id()).isEmpty());
            assertTrue(lake.store().job(doomed.id()).isEmpty(), "no job left");
            assertTrue(lake.store().jobs(JobState.RUNNING).isEmpty());
            assertTrue(lake.store().statistics(doomed.id(), lake.lineage().statisticsVersion()).isEmpty());
            assertEquals(0, lake.groups().cachedModels(), "no family group's engine took it in");
            assertEquals(0, lake.stats().models());
            assertEquals(Set.of(), files(data.resolve("blobs").resolve("sha256")), "its blobs are gone");
            assertEquals(Set.of(), files(work).stream().filter(f -> f.contains("model-"))
                    .collect(java.util.stream.Collectors.toSet()), "its temporary view is gone");

            // The worker carries on: the next models are processed, and nothing of the removed one
            // shows up among their distances or edges.
            Model a = lake.add("a", null, "a.safetensors", new ByteArrayInputStream(TestWeights.safetensors(all)));
            Model b = lake.add("b", null, "b.safetensors",
                    new ByteArrayInputStream(TestWeights.safetensors(TestWeights.child(all, 0.01, 42))));
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));
            assertEquals(ModelStatus.READY, lake.model(a.id()).orElseThrow().status());
            assertEquals(ModelStatus.READY, lake.model(b.id()).orElseThrow().status());
            for (String metric : lake.lineage().distanceMetrics()) {
                for (PairDistance d : lake.store().distances(List.of(a.id(), b.id(), doomed.id()), metric)) {
                    assertFalse(d.modelA().equals(doomed.id()) || d.modelB().equals(doomed.id()), d.toString());
                }
            }
            String family = lake.model(a.id()).orElseThrow().familyId();
            lake.store().lineage(family).forEach(e -> assertFalse(
                    e.parentId().equals(doomed.id()) || e.childId().equals(doomed.id()), e.toString()));
        }
    }
}
