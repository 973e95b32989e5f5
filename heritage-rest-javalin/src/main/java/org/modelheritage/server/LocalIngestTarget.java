package org.modelheritage.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.modelheritage.lake.DuplicateModelException;
import org.modelheritage.lake.LakeException;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.store.LakeTotals;

/** {@code ingest} into a lake this process opens (and so owns, when its store is embedded). */
final class LocalIngestTarget implements IngestTarget {
    private final ModelLake lake;

    LocalIngestTarget(ModelLake lake) {
        this.lake = lake;
    }

    @Override
    public String add(String name, Path path) throws IOException, Duplicate, Rejected {
        try {
            return lake.add(name, null, List.of(path)).id();
        } catch (DuplicateModelException e) {
            throw new Duplicate(e.existingId());
        } catch (LakeException e) {
            throw new Rejected(e.getMessage());
        }
    }

    @Override
    public Optional<Status> status(String modelId) {
        return lake.model(modelId).map(m -> new Status(m.status().name().toLowerCase(Locale.ROOT), m.failureMessage()));
    }

    @Override
    public void awaitProgress(Duration timeout) throws InterruptedException {
        lake.awaitIdle(timeout);
    }

    @Override
    public long[] totals() {
        LakeTotals t = lake.stats();
        return new long[] {t.models(), t.families()};
    }

    @Override
    public void close() {
        lake.close();
    }
}
