package org.modelheritage.lake;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.modelheritage.read.ReadLimits;

/**
 * How a {@link ModelLake} runs.
 *
 * @param workers        background threads that process uploads (signature, family, lineage); 0 for
 *                       a lake that only takes uploads, on a store other processes' workers share
 * @param maxUploadBytes the most bytes one upload (all its files together) may have
 * @param workDir        where processing lays out temporary views of multi-file models; null for
 *                       the system temp directory
 * @param readLimits     what the readers accept from one model (tensors, header and metadata
 *                       size, elements read per storage element); beyond them an upload is a 400
 * @param lineageCacheModels the most models whose signatures and cached pair values the lake keeps
 *                       decoded between jobs (in the engines of recently used family groups); a group
 *                       being worked on is loaded whole whatever its size, and the group used last is
 *                       kept even when it alone is larger (so a hub-sized family is not read back from
 *                       the store at every add); 0 keeps none
 * @param jobLease       how long a worker's claim on a job holds unless renewed (renewed every third
 *                       of it while the worker lives); on a store shared by processes, a job whose
 *                       lease ran out (its process died) is taken over by another worker
 */
public record LakeOptions(int workers, long maxUploadBytes, Path workDir, ReadLimits readLimits,
                          int lineageCacheModels, Duration jobLease) {
    /** 5 GB, the default upload limit. */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 5L * 1000 * 1000 * 1000;
    /** Models kept decoded between jobs by default. */
    public static final int DEFAULT_LINEAGE_CACHE_MODELS = 5_000;
    /** A job's lease by default. */
    public static final Duration DEFAULT_JOB_LEASE = Duration.ofSeconds(60);

    /** Validates the components. */
    public LakeOptions {
        if (workers < 0 || workers > 256) {
            throw new IllegalArgumentException("workers must be 0 to 256, got " + workers);
        }
        if (maxUploadBytes < 1) {
            throw new IllegalArgumentException("maxUploadBytes must be positive, got " + maxUploadBytes);
        }
        Objects.requireNonNull(readLimits, "readLimits");
        if (lineageCacheModels < 0) {
            throw new IllegalArgumentException("lineageCacheModels must be >= 0, got " + lineageCacheModels);
        }
        Objects.requireNonNull(jobLease, "jobLease");
        if (jobLease.toMillis() < 300) {
            throw new IllegalArgumentException("jobLease must be at least 300 ms, got " + jobLease);
        }
    }

    public LakeOptions(int workers, long maxUploadBytes, Path workDir, ReadLimits readLimits) {
        this(workers, maxUploadBytes, workDir, readLimits, DEFAULT_LINEAGE_CACHE_MODELS, DEFAULT_JOB_LEASE);
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
        return new LakeOptions(n, maxUploadBytes, workDir, readLimits, lineageCacheModels, jobLease);
    }

    /** These options with an upload limit of {@code n} bytes. */
    public LakeOptions withMaxUploadBytes(long n) {
        return new LakeOptions(workers, n, workDir, readLimits, lineageCacheModels, jobLease);
    }

    /** These options with {@code dir} for temporary files. */
    public LakeOptions withWorkDir(Path dir) {
        return new LakeOptions(workers, maxUploadBytes, Objects.requireNonNull(dir, "dir"), readLimits, lineageCacheModels, jobLease);
    }

    /** These options with other read limits for weight files. */
    public LakeOptions withReadLimits(ReadLimits limits) {
        return new LakeOptions(workers, maxUploadBytes, workDir, limits, lineageCacheModels, jobLease);
    }

    public LakeOptions withLineageCacheModels(int n) {
        return new LakeOptions(workers, maxUploadBytes, workDir, readLimits, n, jobLease);
    }

    public LakeOptions withJobLease(Duration lease) {
        return new LakeOptions(workers, maxUploadBytes, workDir, readLimits, lineageCacheModels, lease);
    }
}
