package org.modelheritage.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.server.TestWeights;
import org.modelheritage.store.JobState;
import org.modelheritage.store.Model;
import org.slf4j.LoggerFactory;

/** A worker's log lines carry the model id (MDC), and listeners hear of each job's outcome. */
class WorkerLogContextTest {
    @TempDir
    Path dir;

    @Test
    void aFailingJobLogsWithTheModelIdAndIsReportedFailedThenTheNextDone() throws Exception {
        Path data = Files.createDirectories(dir.resolve("lake"));
        Logger lakeLogger = (Logger) LoggerFactory.getLogger(ModelLake.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        lakeLogger.addAppender(lines);
        List<String> events = new ArrayList<>();
        LakeListener listener = new LakeListener() {
            @Override
            public synchronized void jobFinished(JobState outcome, Duration duration) {
                events.add("job " + outcome);
            }

            @Override
            public synchronized void uploadEnded(boolean accepted, long bytes, Duration duration) {
                events.add("upload " + accepted + " " + bytes);
            }
        };
        try (ModelLake lake = ModelLake.open(ModelLake.defaultStoreUri(data), ModelLake.defaultBlobUri(data),
                LakeOptions.defaults().withWorkers(1).withWorkDir(dir.resolve("work")),
                PoisonJobTest.throwingFirst(1, () -> new java.io.IOException("disk gone")))) {
            lake.addListener(listener);
            byte[] bytes = TestWeights.safetensors(TestWeights.random(2, 8, 21));
            Model m = lake.add("first", null, "f.safetensors", new ByteArrayInputStream(bytes));
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));
            Model next = lake.add("second", null, "s.safetensors",
                    new ByteArrayInputStream(TestWeights.safetensors(TestWeights.random(2, 8, 22))));
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));

            ILoggingEvent failure = lines.list.stream()
                    .filter(e -> e.getFormattedMessage().startsWith("processing model " + m.id())).findFirst()
                    .orElseThrow(() -> new AssertionError(lines.list.toString()));
            assertEquals(m.id(), failure.getMDCPropertyMap().get("modelId"));
            assertTrue(failure.getThreadName().startsWith("heritage-worker-"), failure.getThreadName());
            synchronized (listener) {
                assertEquals(List.of("upload true " + bytes.length, "job FAILED",
                        "upload true " + next.byteSize(), "job DONE"), events);
            }
        } finally {
            lakeLogger.detachAppender(lines);
        }
    }
}
