package org.modelheritage.server.api;

import io.javalin.http.Handler;
import java.util.concurrent.Semaphore;

/**
 * Bounds the uploads streaming at once ({@link ConnectionLimits#maxConcurrentUploads()}): one more
 * is refused with {@link ServerBusyException} before its body is read, so uploads, however slow,
 * can hold only so many of the server's threads and reads stay served.
 */
final class UploadSlots {
    private final Semaphore slots;
    private final int bound;

    UploadSlots(int bound) {
        this.bound = bound;
        this.slots = bound > 0 ? new Semaphore(bound) : null;
    }

    /** {@code upload} run only while holding a slot. */
    Handler guard(Handler upload) {
        if (slots == null) {
            return upload;
        }
        return ctx -> {
            if (!slots.tryAcquire()) {
                throw new ServerBusyException("the server is taking " + bound + " uploads already; try again later",
                        ConnectionLimits.RETRY_AFTER_SECONDS);
            }
            try {
                upload.handle(ctx);
            } finally {
                slots.release();
            }
        };
    }
}
