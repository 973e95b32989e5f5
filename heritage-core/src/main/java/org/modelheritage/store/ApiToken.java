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
 * @param createdAt  when it was made, to the millisecond; it is valid from then
 * @param expiresAt  null for a token that does not expire
 * @param revokedAt  null until revoked
 * @param createdBy  who made it (a token id, "cli", "local"); null when unknown
 */
public record ApiToken(String id, String name, String role, String secretHash, Instant createdAt, Instant expiresAt,
                       Instant revokedAt, String createdBy) {
    /**
     * Checks the components; truncates the timestamps to milliseconds.
     *
     * @param id         checked by {@link Ids#requireId}
     * @param name       non-blank, at most 200 characters
     * @param role       non-blank, at most 50 characters
     * @param secretHash checked by {@link Ids#requireSha256}
     * @param createdAt  not null
     * @param expiresAt  any instant, or null
     * @param revokedAt  any instant, or null
     * @param createdBy  null, or non-blank and at most 200 characters
     * @throws IllegalArgumentException when a component breaks its rule
     * @throws NullPointerException when {@code createdAt} is null
     */
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

    /**
     * Whether the token may be used at an instant.
     *
     * @param now the instant to check, not null
     * @return true when the token is not revoked and {@code now} is before its expiry (if any)
     */
    public boolean validAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }

    /**
     * The same token, revoked.
     *
     * @param at when the revocation takes effect
     * @return a copy revoked at {@code at}, or this token unchanged when it was revoked before
     */
    public ApiToken revoked(Instant at) {
        return revokedAt != null ? this : new ApiToken(id, name, role, secretHash, createdAt, expiresAt, at, createdBy);
    }
}
