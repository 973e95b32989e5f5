package org.modelheritage.server.access;

/** Checks a JWT bearer token (signature, issuer, audience, expiry) and reads the caller's role from it. */
public interface JwtVerifier {
    /**
     * A JWT that passed every check: its subject and the role its claim names.
     *
     * @param subject the token's {@code sub} claim
     * @param role    the role the role claim names; null when it names none of ours
     */
    record Verified(String subject, Role role) {
    }

    /**
     * Verifies a JWT.
     *
     * @param jwt the compact serialisation (three base64url parts separated by dots)
     * @return the verified caller
     * @throws AccessDeniedException 401 saying what is wrong: malformed, bad signature, wrong issuer
     *     or audience, expired, or the issuer unreachable
     */
    Verified verify(String jwt);
}
