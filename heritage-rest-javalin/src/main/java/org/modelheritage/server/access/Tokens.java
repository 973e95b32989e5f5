package org.modelheritage.server.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.modelheritage.store.ApiToken;
import org.modelheritage.store.ChangeSet;
import org.modelheritage.store.MetadataStore;

/**
 * API tokens: made with 256 random bits, shown once, kept only as a SHA-256 of the secret, found
 * again by that hash. A fast hash is enough here (unlike for passwords): the secret is random and
 * long, so there is nothing to guess from a stolen hash. Every creation and revocation is written
 * to the audit log in the same change set.
 */
public final class Tokens {
    /** "mh_" and 43 characters of unpadded base64url: 32 random bytes. */
    public static final Pattern SECRET = Pattern.compile("mh_[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MetadataStore store;
    private final AuditTrail audit;
    private final Clock clock;

    /**
     * Tokens kept in a metadata store.
     *
     * @param store the lake's metadata store, which keeps the tokens and the audit log
     * @param clock gives creation, expiry and revocation times
     */
    public Tokens(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.audit = new AuditTrail(store, clock);
    }

    /**
     * A token just made, with its secret: the only time the secret exists outside the caller's hands.
     *
     * @param token  the token as stored (its secret's hash only)
     * @param secret the secret to hand to the user: "mh_" and 43 characters; not kept anywhere
     */
    public record Issued(ApiToken token, String secret) {
    }

    /**
     * Makes a token and writes its creation to the audit log, in one change set.
     *
     * @param name     what it is for ("ci-bot"); stripped, then non-blank, at most 200 characters
     * @param role     what it may do
     * @param validFor null for a token that never expires
     * @param actor    who makes it (audit log): a token id, "cli", "local"
     * @param client   from where (audit log): an address, "cli"
     * @return the stored token and its secret
     * @throws IllegalArgumentException when {@code validFor} is zero or negative, or the name is blank or too long
     */
    public Issued create(String name, Role role, Duration validFor, String actor, String client) {
        if (validFor != null && (validFor.isNegative() || validFor.isZero())) {
            throw new IllegalArgumentException("a token must be valid for some time, not " + validFor);
        }
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String secret = "mh_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Instant now = clock.instant();
        byte[] idBytes = new byte[8];
        RANDOM.nextBytes(idBytes);
        String id = "tok_" + HexFormat.of().formatHex(idBytes);
        ApiToken token = new ApiToken(id, name.strip(), role.label(), hash(secret), now,
                validFor == null ? null : now.plus(validFor), null, actor);
        store.apply(ChangeSet.builder().putToken(token)
                .appendAudit(audit.entry(actor, AuditTrail.TOKEN_CREATE, id, client,
                        "name " + token.name() + ", role " + token.role()
                                + (token.expiresAt() == null ? "" : ", expires " + token.expiresAt())))
                .build());
        return new Issued(store.token(id).orElse(token), secret);
    }

    /**
     * Revokes a token and writes the revocation to the audit log. Revoking twice keeps the first time.
     *
     * @param id     the token's id
     * @param actor  who revokes it (audit log)
     * @param client from where (audit log)
     * @return true when the token exists (now revoked), false when there is none with this id
     */
    public boolean revoke(String id, String actor, String client) {
        Optional<ApiToken> token = store.token(id);
        if (token.isEmpty()) {
            return false;
        }
        store.apply(ChangeSet.builder().revokeToken(id, clock.instant())
                .appendAudit(audit.entry(actor, AuditTrail.TOKEN_REVOKE, id, client, "name " + token.get().name()))
                .build());
        return true;
    }

    /** {@return every token, revoked and expired ones included, oldest first} */
    public List<ApiToken> list() {
        return store.tokens();
    }

    /**
     * The token with this id, if there is one.
     *
     * @param id the token's id ("tok_" and 16 hex digits)
     * @return the token, revoked or expired ones included, or empty
     */
    public Optional<ApiToken> find(String id) {
        return store.token(id);
    }

    /** {@return whether any token was ever made: from then on the loopback user is no longer implicitly an admin} */
    public boolean anyEverCreated() {
        return !store.tokens().isEmpty();
    }

    /**
     * The stored token of a secret, found by the secret's hash.
     *
     * @param secret what the caller presented
     * @return the token (valid or not: the caller checks), or empty for an unknown or malformed secret
     */
    public Optional<ApiToken> lookup(String secret) {
        if (secret == null || !SECRET.matcher(secret).matches()) {
            return Optional.empty();
        }
        return store.tokenBySecretHash(hash(secret));
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * A validity period as given to {@code --expires} or the API: {@code 90d}, {@code 12h},
     * {@code 2w}, {@code 30m} (minutes), or ISO-8601 ({@code P90D}).
     *
     * @param text the validity as written; null, blank or "never" for none
     * @return the duration, positive; null for a token that never expires
     * @throws IllegalArgumentException for anything else, a zero or negative period included
     */
    public static Duration parseValidity(String text) {
        if (text == null || text.isBlank() || text.strip().equalsIgnoreCase("never")) {
            return null;
        }
        String t = text.strip();
        var m = Pattern.compile("(\\d{1,6})\\s*([mhdw])").matcher(t.toLowerCase(java.util.Locale.ROOT));
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
            if (!d.isZero()) {
                return d;
            }
        } else {
            try {
                Duration d = Duration.parse(t);
                if (!d.isNegative() && !d.isZero()) {
                    return d;
                }
            } catch (java.time.format.DateTimeParseException e) {
                // fall through to the message below
            }
        }
        throw new IllegalArgumentException("expiry must look like 90d, 12h, 2w, 30m, P90D or never, not '" + text + "'");
    }
}
