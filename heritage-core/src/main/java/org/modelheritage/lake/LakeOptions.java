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
 *                       size, elements read per storage element); beyond them an upload is refused
 *                       with {@link InvalidModelException} (a 400 over HTTP)
 * @param lineageCacheModels the most models whose signatures and cached pair values the lake keeps
 *                       decoded between jobs (in the engines of recently used family groups); a group
 *                       being worked on is loaded whole whatever its size, and the group used last is
 *                       kept even when it alone is larger (so a hub-sized family is not read back from
 *                       the store at every add); 0 keeps none
 * @param jobLease       how long a worker's claim on a job holds unless renewed (renewed every third
 *                       of it while the worker lives); on a store shared by processes, a job whose
 *                       lease ran out (its process died) is taken over by another worker
 * @param lineageWarmUp  whether the lake, once open, loads the largest family groups into its lineage
 *                       cache in the background (up to {@code lineageCacheModels} models), so that
 *                       the first upload or identify after a restart does not wait for its group
 *                       to be read; for a long-running process (a server, a worker)
 */
public record LakeOptions(int workers, long maxUploadBytes, Path workDir, ReadLimits readLimits,
                          int lineageCacheModels, Duration jobLease, boolean lineageWarmUp) {
    /** 5 GB, the default upload limit. */
    public static final long DEFAULT_MAX_UPLOAD_BYTES = 5L * 1000 * 1000 * 1000;
    /** Models kept decoded between jobs by default. */
    public static final int DEFAULT_LINEAGE_CACHE_MODELS = 5_000;
    /** A job's lease by default. */
    public static final Duration DEFAULT_JOB_LEASE = Duration.ofSeconds(60);

    /**
     * Checks the components.
     *
     * @param workers            0 to 256
     * @param maxUploadBytes     at least 1
     * @param workDir            any directory, or null
     * @param readLimits         not null
     * @param lineageCacheModels at least 0
     * @param jobLease           at least 300 ms
     * @param lineageWarmUp      whether the open lake warms its lineage cache
     * @throws IllegalArgumentException when a number is out of its range
     * @throws NullPointerException when {@code readLimits} or {@code jobLease} is null
     */
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

    /**
     * Options without the lineage warm-up.
     *
     * @param workers            processing threads, 0 to 256
     * @param maxUploadBytes     the upload limit in bytes, at least 1
     * @param workDir            the directory for temporary files, or null for the system temp directory
     * @param readLimits         what the readers accept, not null
     * @param lineageCacheModels the most models kept decoded between jobs, at least 0
     * @param jobLease           how long a claim holds without renewal, at least 300 ms
     * @throws IllegalArgumentException when a number is out of its range
     * @throws NullPointerException when {@code readLimits} or {@code jobLease} is null
     */
    public LakeOptions(int workers, long maxUploadBytes, Path workDir, ReadLimits readLimits,
                       int lineageCacheModels, Duration jobLease) {
        this(workers, maxUploadBytes, workDir, readLimits, lineageCacheModels, jobLease, false);
    }

    /**
     * Options with the default lineage cache ({@value #DEFAULT_LINEAGE_CACHE_MODELS} models) and job lease (60 s).
     *
     * @param workers        processing threads, 0 to 256
     * @param maxUploadBytes the upload limit in bytes, at least 1
     * @param workDir        the directory for temporary files, or null for the system temp directory
     * @param readLimits     what the readers accept, not null
     * @throws IllegalArgumentException when a number is out of its range
     */
    public LakeOptions(int workers, long maxUploadBytes, Path workDir, ReadLimits readLimits) {
        this(workers, maxUploadBytes, workDir, readLimits, DEFAULT_LINEAGE_CACHE_MODELS, DEFAULT_JOB_LEASE);
    }

    /**
     * Options with the default read limits, lineage cache and job lease.
     *
     * @param workers        processing threads, 0 to 256
     * @param maxUploadBytes the upload limit in bytes, at least 1
     * @param workDir        the directory for temporary files, or null for the system temp directory
     * @throws IllegalArgumentException when a number is out of its range
     */
    public LakeOptions(int workers, long maxUploadBytes, Path workDir) {
        this(workers, maxUploadBytes, workDir, ReadLimits.defaults());
    }

    /** {@return two workers, 5 GB uploads, the system temp directory, and the other defaults} */
    public static LakeOptions defaults() {
        return new LakeOptions(2, DEFAULT_MAX_UPLOAD_BYTES, null);
    }

    /**
     * These options with another number of processing workers.
     *
     * @param n processing threads, 0 (a lake that only takes uploads) to 256
     * @return new options; these are unchanged
     * @throws IllegalArgumentException when {@code n} is out of range
     */
    public LakeOptions withWorkers(int n) {
        return new LakeOptions(n, maxUploadBytes, workDir, readLimits, lineageCacheModels, jobLease, lineageWarmUp);
    }

    /**
     * These options with another upload limit.
     *
     * @param n the most bytes one upload's files may hold together, at least 1
     * @return new options; these are unchanged
     * @throws IllegalArgumentException when {@code n} is below 1
     */
    public LakeOptions withMaxUploadBytes(long n) {
        return new LakeOptions(workers, n, workDir, readLimits, lineageCacheModels, jobLease, lineageWarmUp);
    }

    /**
     * These options with a directory for temporary files.
     *
     * @param dir the directory, not null; the lake claims a subdirectory of its own in it
     * @return new options; these are unchanged
     * @throws NullPointerException when {@code dir} is null
     */
    public LakeOptions withWorkDir(Path dir) {
        return new LakeOptions(workers, maxUploadBytes, Objects.requireNonNull(dir, "dir"), readLimits, lineageCacheModels, jobLease, lineageWarmUp);
    }

    /**
     * These options with other read limits for weight files.
     *
     * @param limits what the readers accept from one model, not null
     * @return new options; these are unchanged
     * @throws NullPointerException when {@code limits} is null
     */
    public LakeOptions withReadLimits(ReadLimits limits) {
        return new LakeOptions(workers, maxUploadBytes, workDir, limits, lineageCacheModels, jobLease, lineageWarmUp);
    }

    /**
     * These options with another lineage cache size.
     *
     * @param n the most models kept decoded between jobs, at least 0 (0 keeps none: each job loads its group)
     * @return new options; these are unchanged
     * @throws IllegalArgumentException when {@code n} is negative
     */
    public LakeOptions withLineageCacheModels(int n) {
        return new LakeOptions(workers, maxUploadBytes, workDir, readLimits, n, jobLease, lineageWarmUp);
    }

    /**
     * These options with another job lease.
     *
     * @param lease how long a claim holds without renewal, at least 300 ms
     * @return new options; these are unchanged
     * @throws IllegalArgumentException when {@code lease} is shorter than 300 ms
     * @throws NullPointerException when {@code lease} is null
     */
    public LakeOptions withJobLease(Duration lease) {
        return new LakeOptions(workers, maxUploadBytes, workDir, readLimits, lineageCacheModels, lease, lineageWarmUp);
    }

    /**
     * These options with the lineage warm-up on or off.
     *
     * @param on whether the open lake loads the largest family groups into its lineage cache in the background
     * @return new options; these are unchanged
     */
    public LakeOptions withLineageWarmUp(boolean on) {
        return new LakeOptions(workers, maxUploadBytes, workDir, readLimits, lineageCacheModels, jobLease, on);
    }
}
