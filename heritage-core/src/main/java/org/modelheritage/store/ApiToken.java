package org.modelheritage.store;

import java.time.Instant;
import java.util.Objects;

/**
 * An API token as a store keeps it: who it is for and what it may do, never the secret itself.
 * The caller sees the secret once, when it is made; the store holds only its SHA-256, so a copy of
 * the database lets nobody in. A token is valid from {@code createdAt} until it expires or is
 * revoked, whichever comes first.
 *
 * @param id         caller-generated, see {@link Ids#requireId}; shown in listings and the audit log
 * @param name       what it is for ("ci-bot"), at most 200 characters
 * @param role       what it may do ("reader", "contributor", "admin"): a label the store keeps as given
 * @param secretHash SHA-256 of the secret, 64 lowercase hex digits; unique in a store
 * @param expiresAt  null for a token that does not expire
 * @param revokedAt  null until revoked
 * @param createdBy  who made it (a token id, "cli", "local"); null when unknown
 */
public record ApiToken(String id, String name, String role, String secretHash, Instant createdAt, Instant expiresAt,
                       Instant revokedAt, String createdBy) {
    /** Validates the components. */
    public ApiToken {
        Ids.requireId(id, "token id");
        Ids.requireLabel(name, "token name", 200);
        Ids.requireLabel(role, "token role", 50);
        Ids.requireSha256(secretHash, "token secret hash");
        createdAt = Model.millis(Objects.requireNonNull(createdAt, "createdAt"));
        expiresAt = Model.millis(expiresAt);
        revokedAt = Model.millis(revokedAt);
        if (createdBy != null) {
            Ids.requireLabel(createdBy, "token creator", 200);
        }
    }

    /** True when the token may be used at {@code now}: not revoked, not expired. */
    public boolean validAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    /** The same token, revoked at {@code at} (an earlier revocation stands). */
    public ApiToken revoked(Instant at) {
        return revokedAt != null ? this : new ApiToken(id, name, role, secretHash, createdAt, expiresAt, at, createdBy);
    }
}
