package org.modelheritage.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.server.TestWeights;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;
import org.modelheritage.store.NoSuchRecordException;

class ModelFutureTest {
    @TempDir
    Path dir;

    ModelLake open(LineageAdapter engine) throws Exception {
        Path data = dir.resolve("lake");
        Files.createDirectories(data);
        return ModelLake.open(ModelLake.defaultStoreUri(data), ModelLake.defaultBlobUri(data),
                LakeOptions.defaults().withWorkers(1).withWorkDir(dir.resolve("work")), engine);
    }

    static Model add(ModelLake lake, String name, long seed) throws Exception {
        return lake.add(name, null, name + ".safetensors",
                new ByteArrayInputStream(TestWeights.safetensors(TestWeights.random(2, 8, seed))));
    }

    @Test
    void aFutureCompletesWithTheReadyModelAndListenersHearOfIt() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        try (ModelLake lake = open(LineageAdapters.standard())) {
            LakeListener listener = new LakeListener() {
                @Override
                public void modelProcessed(Model m) {
                    heard.add(m.name() + " " + m.status());
                }
            };
            lake.addListener(listener);
            Model pending = add(lake, "first", 1);
            Model ready = lake.whenProcessed(pending.id()).get(60, TimeUnit.SECONDS);
            assertEquals(ModelStatus.READY, ready.status());
            assertEquals(128L, ready.parameterCount());
            assertEquals(lake.model(pending.id()).orElseThrow(), ready);

            // already processed: complete at once, with the stored model
            CompletableFuture<Model> again = lake.whenProcessed(pending.id());
            assertTrue(again.isDone());
            assertEquals(ready, again.getNow(null));

            lake.removeListener(listener);
            Model second = lake.whenProcessed(add(lake, "second", 2).id()).get(60, TimeUnit.SECONDS);
            assertEquals(ModelStatus.READY, second.status());
        }
        assertEquals(List.of("first READY"), heard, "told once, and not after removal");
    }

    @Test
    void aFailedModelIsAResultNotAnException() throws Exception {
        List<Model> heard = new CopyOnWriteArrayList<>();
        try (ModelLake lake = open(PoisonJobTest.throwingFirst(1, () -> new IllegalStateException("boom")))) {
            lake.addListener(new LakeListener() {
                @Override
                public void modelProcessed(Model m) {
                    heard.add(m);
                }
            });
            lake.addListener(new LakeListener() {
                @Override
                public void modelProcessed(Model m) {
                    throw new IllegalStateException("a listener that fails stops nobody");
                }
            });
            Model failed = lake.whenProcessed(add(lake, "poison", 3).id()).get(60, TimeUnit.SECONDS);
            assertEquals(ModelStatus.FAILED, failed.status());
            assertTrue(failed.failureMessage().startsWith("processing failed (IllegalStateException); reference "),
                    failed.failureMessage());
            Model next = lake.whenProcessed(add(lake, "next", 4).id()).get(60, TimeUnit.SECONDS);
            assertEquals(ModelStatus.READY, next.status());
            assertEquals(List.of(failed, next), heard);
        }
    }

    @Test
    void noSuchModelOrRemovedFailsTheFuture() throws Exception {
        try (ModelLake lake = open(LineageAdapters.standard())) {
            ExecutionException none = assertThrows(ExecutionException.class,
                    () -> lake.whenProcessed("no-such-model").get(10, TimeUnit.SECONDS));
            assertInstanceOf(NoSuchRecordException.class, none.getCause());
            assertEquals("no model with id no-such-model", none.getCause().getMessage());
            assertInstanceOf(NoSuchRecordException.class, assertThrows(ExecutionException.class,
                    () -> lake.whenProcessed("../etc").get(10, TimeUnit.SECONDS)).getCause());

            Model m = add(lake, "gone", 5);
            CompletableFuture<Model> f = lake.whenProcessed(m.id());
            assertTrue(lake.remove(m.id()));
            // removed before or after its processing: either way the future is settled
            try {
                Model processed = f.get(60, TimeUnit.SECONDS);
                assertSame(ModelStatus.READY, processed.status());
            } catch (ExecutionException e) {
                assertInstanceOf(NoSuchRecordException.class, e.getCause());
            }
        }
    }
}
