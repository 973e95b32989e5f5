package org.modelheritage.server.access;

/**
 * Who is calling, once authenticated.
 *
 * @param actor   what the audit log records: a token id, an OIDC subject ("oidc:SUB"), "local" (the
 *                zero-set-up loopback user) or "anonymous"
 * @param name    a token's name or the OIDC subject; null for anonymous callers
 * @param role    what it may do; null when it may do nothing that needs a role
 * @param kind    how it authenticated: "token", "oidc", "local" or "anonymous"
 * @param address the client's address, as the socket saw it
 */
public record Caller(String actor, String name, Role role, String kind, String address) {
    /** {@return whether the caller sent no credential (the loopback user included)} */
    public boolean anonymous() {
        return kind.equals("anonymous") || kind.equals("local");
    }

    /**
     * Whether the caller may do what a role may.
     *
     * @param needed the role a route needs
     * @return true when the caller has a role and it includes {@code needed}
     */
    public boolean may(Role needed) {
        return role != null && role.includes(needed);
    }
}
