package org.modelheritage.server;

import java.time.Duration;
import org.modelheritage.server.api.ConnectionLimits;
import picocli.CommandLine.Option;

/** What one client may hold of the server (see {@link ConnectionLimits}): options of {@code serve}. */
final class ConnectionArgs {
    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "${env:HERITAGE_IDLE_TIMEOUT:-30}",
            description = "Close a connection that sends and receives nothing for this long (env HERITAGE_IDLE_TIMEOUT; default: ${DEFAULT-VALUE}).")
    long idleTimeoutSeconds;

    @Option(names = "--min-upload-rate", paramLabel = "SIZE", defaultValue = "${env:HERITAGE_MIN_UPLOAD_RATE:-1KiB}",
            converter = ByteSize.class,
            description = "Slowest average rate, per second, at which a request body may arrive; slower ends it with 408; 0 for no minimum (env HERITAGE_MIN_UPLOAD_RATE; default: ${DEFAULT-VALUE}).")
    long minUploadRate;

    @Option(names = "--max-concurrent-uploads", paramLabel = "N", defaultValue = "${env:HERITAGE_MAX_CONCURRENT_UPLOADS:-" + ConnectionLimits.DEFAULT_MAX_CONCURRENT_UPLOADS + "}",
            description = "Uploads streaming at once; one more gets 503 with Retry-After; 0 for no bound (env HERITAGE_MAX_CONCURRENT_UPLOADS; default: ${DEFAULT-VALUE}).")
    int maxConcurrentUploads;

    ConnectionLimits limits() {
        if (idleTimeoutSeconds < 1) {
            throw new IllegalArgumentException("--idle-timeout must be at least 1 second, got " + idleTimeoutSeconds);
        }
        return new ConnectionLimits(Duration.ofSeconds(idleTimeoutSeconds), minUploadRate, maxConcurrentUploads);
    }
}
