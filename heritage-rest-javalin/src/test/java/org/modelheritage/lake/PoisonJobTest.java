package org.modelheritage.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.read.WeightFile;
import org.modelheritage.server.TestWeights;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;

/** A job that throws an Error (as a hostile file could) fails that model; the worker carries on. */
class PoisonJobTest {
    @TempDir
    Path dir;

    /** The standard engine, except that its first {@code errors} signatures throw StackOverflowError. */
    static LineageAdapter throwingFirst(int errors) {
        return throwingFirst(errors, () -> new StackOverflowError("hostile recursion"));
    }

    /** The standard engine, except that its first {@code errors} signatures throw what {@code error} makes. */
    static LineageAdapter throwingFirst(int errors, java.util.function.Supplier<Throwable> error) {
        LineageAdapter real = LineageAdapters.standard();
        AtomicInteger left = new AtomicInteger(errors);
        return new ForwardingLineageAdapter(real) {
            @Override
            public Signature signature(WeightFile file) throws IOException {
                if (left.getAndDecrement() > 0) {
                    Throwable t = error.get();
                    if (t instanceof Error err) {
                        throw err;
                    }
                    if (t instanceof IOException io) {
                        throw io;
                    }
                    throw (RuntimeException) t;
                }
                return real.signature(file);
            }
        };
    }

    @Test
    void anErrorInOneJobFailsThatModelAndTheOnlyWorkerGoesOn() throws Exception {
        Path data = dir.resolve("lake");
        java.nio.file.Files.createDirectories(data);
        LakeOptions options = LakeOptions.defaults().withWorkers(1).withWorkDir(dir.resolve("work"));
        try (ModelLake lake = ModelLake.open(ModelLake.defaultStoreUri(data), ModelLake.defaultBlobUri(data),
                options, throwingFirst(1))) {
            Model poison = lake.add("poison", null, "p.safetensors",
                    new ByteArrayInputStream(TestWeights.safetensors(TestWeights.random(2, 8, 11))));
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));
            Model failed = lake.model(poison.id()).orElseThrow();
            assertEquals(ModelStatus.FAILED, failed.status());
            assertTrue(failed.failureMessage().contains("StackOverflowError"), failed.failureMessage());
            assertEquals(1, lake.liveWorkers());

            Model next = lake.add("next", null, "n.safetensors",
                    new ByteArrayInputStream(TestWeights.safetensors(TestWeights.random(2, 8, 12))));
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));
            assertEquals(ModelStatus.READY, lake.model(next.id()).orElseThrow().status());
            assertEquals(1, lake.liveWorkers());
        }
    }

    @Test
    void anIoFailureIsReportedWithoutServerPaths() throws Exception {
        Path data = dir.resolve("lake");
        java.nio.file.Files.createDirectories(data);
        LakeOptions options = LakeOptions.defaults().withWorkers(1).withWorkDir(dir.resolve("work"));
        try (ModelLake lake = ModelLake.open(ModelLake.defaultStoreUri(data), ModelLake.defaultBlobUri(data),
                options, throwingFirst(1, () -> new java.nio.file.NoSuchFileException("/srv/secret/blobs/ab/cd")))) {
            Model m = lake.add("io", null, "p.safetensors",
                    new ByteArrayInputStream(TestWeights.safetensors(TestWeights.random(2, 8, 13))));
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));
            String reason = lake.model(m.id()).orElseThrow().failureMessage();
            assertTrue(reason.matches("processing failed \\(NoSuchFileException\\); reference [0-9a-f]{8} in the server log"), reason);
        }
    }
}
