package org.modelheritage.lake;

import java.nio.file.Path;
import java.util.Objects;
import org.modelheritage.read.ReadLimits;

/**
 * How a {@link ModelLake} runs.
 *
 * @param workers        background threads that process uploads (signature, family, lineage)
 * @param maxUploadBytes the most bytes one upload (all its files together) may have
 * @param workDir        where processing lays out temporary views of multi-file models; null for
 *                       the system temp directory
 * @param readLimits     what the readers accept from one model (tensors, header and metadata
 *                       size, elements read per storage element); beyond them an upload is a 400
 */
public record LakeOptions(int workers, long maxUploadBytes, Path workDir, ReadLimits readLimits) {
    /** 5 GB, the default upload limit. */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 5L * 1000 * 1000 * 1000;

    /** Validates the components. */
    public LakeOptions {
        if (workers < 1 || workers > 256) {
            throw new IllegalArgumentException("workers must be 1 to 256, got " + workers);
        }
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException("maxUploadBytes must be positive, got " + maxUploadBytes);
        }
        Objects.requireNonNull(readLimits, "readLimits");
    }

    /** Options with the default read limits. */
    public LakeOptions(int workers, long maxUploadBytes, Path workDir) {
        this(workers, maxUploadBytes, workDir, ReadLimits.defaults());
    }

    /** Two workers, 5 GB uploads, the system temp directory. */
    public static LakeOptions defaults() {
        return new LakeOptions(2, DEFAULT_MAX_UPLOAD_BYTES, null);
    }

    /** These options with {@code n} processing workers. */
    public LakeOptions withWorkers(int n) {
        return new LakeOptions(n, maxUploadBytes, workDir, readLimits);
    }

    /** These options with an upload limit of {@code n} bytes. */
    public LakeOptions withMaxUploadBytes(long n) {
        return new LakeOptions(workers, n, workDir, readLimits);
    }

    /** These options with {@code dir} for temporary files. */
    public LakeOptions withWorkDir(Path dir) {
        return new LakeOptions(workers, maxUploadBytes, Objects.requireNonNull(dir, "dir"), readLimits);
    }

    /** These options with other read limits for weight files. */
    public LakeOptions withReadLimits(ReadLimits limits) {
        return new LakeOptions(workers, maxUploadBytes, workDir, limits);
    }
}
