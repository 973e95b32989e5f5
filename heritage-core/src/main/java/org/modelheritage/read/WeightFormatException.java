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

    /** Creates the exception for {@code file}: where it went wrong and why. */
    public WeightFormatException(Path file, String location, String reason) {
        this(file, location, reason, null);
    }

    /** Creates the exception for {@code file}: where it went wrong, why, and the cause. */
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

    /** The file that failed (for a sharded checkpoint, the shard or index at fault). */
    public Path file() {
        return file;
    }

    /** Where in the file: "byte 1234", "entry archive/data.pkl", "tensor x.weight"... may be empty. */
    public String location() {
        return location;
    }

    /** Why it failed, without the file and location. */
    public String reason() {
        return reason;
    }
}
