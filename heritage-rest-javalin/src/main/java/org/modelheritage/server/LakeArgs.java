package org.modelheritage.server;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.read.ReadLimits;
import org.modelheritage.server.ops.LakeMetrics;
import org.modelheritage.server.ops.LogFormat;
import org.modelheritage.store.BlobStore;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.Stores;
import picocli.CommandLine.Option;

/** Where the lake lives and how it processes: shared by {@code serve}, {@code worker} and {@code ingest}. */
final class LakeArgs {
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:HERITAGE_DATA:-heritage-data}",
            description = "Data directory: SQLite database and blobs when --store/--blobs are not given (env HERITAGE_DATA; default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--store", paramLabel = "URI", defaultValue = "${env:HERITAGE_STORE}",
            description = "Metadata store URI: jdbc:sqlite:PATH, jdbc:postgresql://HOST/DB?user=..., file:DIR (env HERITAGE_STORE; default: jdbc:sqlite:DATA/heritage.db).")
    String store;

    @Option(names = "--blobs", paramLabel = "URI", defaultValue = "${env:HERITAGE_BLOBS}",
            description = "Blob store URI, e.g. file:DIR (env HERITAGE_BLOBS; default: file:DATA/blobs).")
    String blobs;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "${env:HERITAGE_WORKERS:-2}",
            description = "Background processing threads (env HERITAGE_WORKERS; default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--max-upload-size", paramLabel = "SIZE", defaultValue = "${env:HERITAGE_MAX_UPLOAD_SIZE:-5GB}",
            converter = ByteSize.class,
            description = "Largest upload, all files together: 5GB, 500MB, 2GiB, 1048576... (env HERITAGE_MAX_UPLOAD_SIZE; default: ${DEFAULT-VALUE}).")
    long maxUploadSize;

    @Option(names = "--max-tensors", paramLabel = "N", defaultValue = "${env:HERITAGE_MAX_TENSORS:-100000}",
            description = "Most tensors one model may hold (env HERITAGE_MAX_TENSORS; default: ${DEFAULT-VALUE}).")
    int maxTensors;

    @Option(names = "--max-header-size", paramLabel = "SIZE", defaultValue = "${env:HERITAGE_MAX_HEADER_SIZE:-100MB}",
            converter = ByteSize.class,
            description = "Largest safetensors header, per file, at most 100MB (env HERITAGE_MAX_HEADER_SIZE; default: ${DEFAULT-VALUE}).")
    long maxHeaderSize;

    @Option(names = "--max-metadata-size", paramLabel = "SIZE", defaultValue = "${env:HERITAGE_MAX_METADATA_SIZE:-10MB}",
            converter = ByteSize.class,
            description = "Largest safetensors __metadata__, in characters (env HERITAGE_MAX_METADATA_SIZE; default: ${DEFAULT-VALUE}).")
    long maxMetadataSize;

    @Option(names = "--lineage-cache", paramLabel = "N", defaultValue = "${env:HERITAGE_LINEAGE_CACHE:-5000}",
            description = "Most models whose signatures and pair values stay decoded between jobs; 0 loads each "
                    + "family group from the store every time (env HERITAGE_LINEAGE_CACHE; default: ${DEFAULT-VALUE}).")
    int lineageCache;

    @Option(names = "--job-lease", paramLabel = "DURATION", defaultValue = "${env:HERITAGE_JOB_LEASE:-PT60S}",
            description = "How long a worker's claim on a job lasts unless renewed; on a shared store a job whose "
                    + "process died is taken over after it (ISO-8601; env HERITAGE_JOB_LEASE; default: ${DEFAULT-VALUE}).")
    java.time.Duration jobLease;

    /** Set by the long-running commands ({@code serve}, {@code worker}) from their --lineage-warm-up. */
    boolean lineageWarmUp;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "${env:HERITAGE_LOG_FORMAT:-text}",
            description = "Log lines on stderr: dated text, or one JSON object a line for log shippers (env HERITAGE_LOG_FORMAT; default: ${DEFAULT-VALUE}).")
    String logFormat;

    /** Switches logging to --log-format; an unknown format is an {@link IllegalArgumentException}. */
    void configureLogging() {
        LogFormat.parse(logFormat).apply();
    }

    URI storeUri() {
        return store == null || store.isBlank() ? ModelLake.defaultStoreUri(data) : URI.create(store.strip());
    }

    URI blobUri() {
        return blobs == null || blobs.isBlank() ? ModelLake.defaultBlobUri(data) : URI.create(blobs.strip());
    }

    LakeOptions lakeOptions() {
        return LakeOptions.defaults().withWorkers(workers).withMaxUploadBytes(maxUploadSize)
                .withWorkDir(data.toAbsolutePath().resolve("work"))
                .withReadLimits(ReadLimits.defaults().withMaxTensors(maxTensors)
                        .withMaxHeaderBytes(maxHeaderSize).withMaxMetadataBytes(maxMetadataSize))
                .withLineageCacheModels(lineageCache).withJobLease(jobLease).withLineageWarmUp(lineageWarmUp);
    }

    ModelLake open() throws IOException {
        configureLogging();
        java.nio.file.Files.createDirectories(data);
        return ModelLake.open(storeUri(), blobUri(), lakeOptions());
    }

    /** The lake with its store calls timed into {@code metrics}. */
    ModelLake open(LakeMetrics metrics) throws IOException {
        configureLogging();
        java.nio.file.Files.createDirectories(data);
        LakeOptions options = lakeOptions();
        MetadataStore meta = Stores.openMetadata(storeUri());
        BlobStore blobs;
        try {
            blobs = Stores.openBlobs(blobUri());
        } catch (RuntimeException e) {
            meta.close();
            throw e;
        }
        return ModelLake.open(metrics.timed(meta), metrics.timed(blobs), options);
    }
}
