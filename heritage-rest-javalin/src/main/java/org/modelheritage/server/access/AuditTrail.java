package org.modelheritage.server.access;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import org.modelheritage.store.AuditEntry;
import org.modelheritage.store.ChangeSet;
import org.modelheritage.store.MetadataStore;

/**
 * Writes the audit log: uploads, deletes and token changes, each with who, when, what and from
 * where. Entry ids start with the time in hex, so they sort as the entries happened.
 */
public final class AuditTrail {
    /** Audit action: a model was uploaded. */
    public static final String MODEL_UPLOAD = "model.upload";
    /** Audit action: a model was deleted. */
    public static final String MODEL_DELETE = "model.delete";
    /** Audit action: an API token was created. */
    public static final String TOKEN_CREATE = "token.create";
    /** Audit action: an API token was revoked. */
    public static final String TOKEN_REVOKE = "token.revoke";

    private static final SecureRandom RANDOM = new SecureRandom();
    private final MetadataStore store;
    private final Clock clock;

    /**
     * An audit trail that appends to a metadata store's audit log.
     *
     * @param store the lake's metadata store
     * @param clock gives the entries' times
     */
    public AuditTrail(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * An entry for now, to append in a change set of the caller's (so the entry is kept exactly
     * when the change it records is).
     *
     * @param actor  who: a token id, an OIDC subject, "anonymous", "local", "cli"
     * @param action what: one of this class's constants
     * @param target the model or token acted on, or null
     * @param client where from: the client's address, "cli"
     * @param detail free text, or null; cut after 2,000 characters
     * @return the entry, with a new id that sorts by time
     * @throws IllegalArgumentException when a field breaks {@link AuditEntry}'s rules
     */
    public AuditEntry entry(String actor, String action, String target, String client, String detail) {
        Instant now = clock.instant();
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        String id = String.format("%012x-%s", now.toEpochMilli(), HexFormat.of().formatHex(random));
        return new AuditEntry(id, now, actor, action, target, client, detail);
    }

    /**
     * Appends an entry on its own, in a change set of one.
     *
     * @param actor  who
     * @param action what: one of this class's constants
     * @param target the model or token acted on, or null
     * @param client where from
     * @param detail free text, or null
     * @throws IllegalArgumentException when a field breaks {@link AuditEntry}'s rules
     */
    public void record(String actor, String action, String target, String client, String detail) {
        store.apply(ChangeSet.builder().appendAudit(entry(actor, action, target, client, detail)).build());
    }

    /**
     * Appends one entry for a request's caller: who did what to which target, with details.
     *
     * @param caller the request's caller, for the actor and the client address
     * @param action what: one of this class's constants
     * @param target the model or token acted on, or null
     * @param detail free text, or null
     */
    public void record(Caller caller, String action, String target, String detail) {
        record(caller.actor(), action, target, caller.address(), detail);
    }
}
