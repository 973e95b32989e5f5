package org.modelheritage.read;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A weight file that cannot be read: malformed, truncated, malicious or unsupported. The one
 * exception type every reader throws for bad input; it names the file, the place in it and the
 * reason, so a user can act on the message.
 */
public class WeightFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    /** Where in the file: a byte offset, a zip entry or a tensor name. */
    private final String location;
    /** What was wrong. */
    private final String reason;

    /**
     * Creates the exception for a file: where it went wrong and why.
     *
     * @param file     the file at fault; null for a stream ("&lt;stream&gt;" in the message)
     * @param location where in the file ("byte 1234", "tensor x.weight"); null or empty when it is the whole file
     * @param reason   what was wrong, in words a user can act on
     */
    public WeightFormatException(Path file, String location, String reason) {
        this(file, location, reason, null);
    }

    /**
     * Creates the exception for a file: where it went wrong, why, and the cause.
     *
     * @param file     the file at fault; null for a stream
     * @param location where in the file; null or empty when it is the whole file
     * @param reason   what was wrong, in words a user can act on
     * @param cause    the underlying failure (a JSON or zip error), or null
     */
    public WeightFormatException(Path file, String location, String reason, Throwable cause) {
        super(format(file, location, reason), cause);
        this.file = file;
        this.location = location;
        this.reason = reason;
    }

    private static String format(Path file, String location, String reason) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<stream>" : file.toString());
        if (location != null && !location.isEmpty()) {
            sb.append(" at ").append(location);
        }
        return sb.append(": ").append(reason).toString();
    }

    /** {@return the file that failed (for a sharded checkpoint, the shard or index at fault); null for a stream or after deserialisation} */
    public Path file() {
        return file;
    }

    /** {@return where in the file: "byte 1234", "entry archive/data.pkl", "tensor x.weight"; may be empty or null} */
    public String location() {
        return location;
    }

    /** {@return why it failed, without the file and location} */
    public String reason() {
        return reason;
    }
}
