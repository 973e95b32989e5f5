package org.modelheritage.server.access;

import java.util.Locale;

/**
 * What a caller without a token may do ({@code --anonymous}). Whatever it says, a server bound
 * beyond loopback never lets anonymous callers write; one bound to loopback with no token ever
 * created lets the local user do everything (see {@link AccessControl}).
 */
public enum Anonymous {
    /** Nothing but the pages, {@code /health}, {@code /openapi.json} and {@code /api/me}. */
    NONE,
    /** Read as a {@link Role#READER}. */
    READ;

    /**
     * Parses the {@code --anonymous} option.
     *
     * @param label {@code none} or {@code read}, any case, surrounding blanks ignored
     * @return the setting
     * @throws IllegalArgumentException for any other label, null included
     */
    public static Anonymous parse(String label) {
        try {
            return valueOf(label.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("--anonymous must be 'none' or 'read', not '" + label + "'");
        }
    }
}
