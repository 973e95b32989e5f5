package org.modelheritage.server.access;

import io.javalin.security.RouteRole;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a caller may do. Each role includes the ones before it: a contributor may do what a reader
 * may, an admin what a contributor may. Routes name the least role they need.
 */
public enum Role implements RouteRole {
    /** Browse models, families and trees; export trees. */
    READER,
    /** Also upload models. */
    CONTRIBUTOR,
    /** Also delete models, manage tokens and read the audit log. */
    ADMIN;

    /** {@return "reader", "contributor" or "admin": how roles are written in tokens, options and JSON} */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether this role may do what another may.
     *
     * @param needed the role a route needs
     * @return true when this role is {@code needed} or above it
     */
    public boolean includes(Role needed) {
        return compareTo(needed) >= 0;
    }

    /**
     * The role with a label.
     *
     * @param label "reader", "contributor" or "admin", any case, surrounding blanks ignored
     * @return the role
     * @throws IllegalArgumentException for any other label (null included), naming the choices
     */
    public static Role parse(String label) {
        for (Role r : values()) {
            if (r.label().equalsIgnoreCase(label == null ? "" : label.strip())) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown role '" + label + "': expected one of "
                + Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", ")));
    }
}
