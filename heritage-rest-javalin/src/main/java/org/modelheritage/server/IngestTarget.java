package org.modelheritage.server;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where {@code ingest} adds models: the lake opened in this process, or a running server through
 * its REST API ({@code ingest --server URL}). The command's progress and summary are the same.
 */
interface IngestTarget extends AutoCloseable {

    /** A model's status and failure reason as the lake reports them ({@code ready}, {@code failed}, ...). */
    record Status(String status, String failure) {
        boolean isFinal() {
            return status.equals("ready") || status.equals("failed");
        }
    }

    /** The same bytes are in the lake already, as {@code existingId}. */
    final class Duplicate extends Exception {
        private static final long serialVersionUID = 1L;
        final String existingId;

        Duplicate(String existingId) {
            super("already model " + existingId);
            this.existingId = existingId;
        }
    }

    /** The lake refused the upload (unreadable weights, too large, ...): the reason. */
    final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String reason) {
            super(reason);
        }
    }

    /** Adds one model (one file, or a directory holding a sharded checkpoint) and returns its id. */
    String add(String name, Path path) throws IOException, Duplicate, Rejected;

    Optional<Status> status(String modelId) throws IOException;

    /** Waits a little for processing to move on (at most {@code timeout}). */
    void awaitProgress(Duration timeout) throws IOException, InterruptedException;

    /** How many models and families the lake now has. */
    long[] totals() throws IOException;

    @Override
    void close() throws IOException;
}
