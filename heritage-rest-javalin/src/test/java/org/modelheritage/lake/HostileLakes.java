package org.modelheritage.lake;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * For tests over HTTP: a lake whose signature pass fails the way a hostile file can make the
 * readers fail (an Error included), which no file of the corpus does: the readers bound what a
 * file can make them do.
 */
public final class HostileLakes {
    private HostileLakes() {
    }

    /**
     * A lake (SQLite and blobs under {@code dataDir}) whose first {@code failures} signature passes,
     * uploads' and identify's alike, throw what {@code failure} makes; the standard engine after.
     */
    public static ModelLake signatureFailing(Path dataDir, LakeOptions options, int failures, Supplier<Throwable> failure)
            throws IOException {
        Files.createDirectories(dataDir);
        return ModelLake.open(ModelLake.defaultStoreUri(dataDir), ModelLake.defaultBlobUri(dataDir), options,
                PoisonJobTest.throwingFirst(failures, failure));
    }
}
