package org.modelheritage.server.access;

/** Checks a JWT bearer token (signature, issuer, audience, expiry) and reads the caller's role from it. */
public interface JwtVerifier {
    /** A JWT that passed every check: its subject and the role its claim names. */
    record Verified(String subject, Role role) {
    }

    /** The verified caller, or an {@link AccessDeniedException} (401) saying what is wrong. */
    Verified verify(String jwt);
}
