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

    /** An audit trail that appends to {@code store}'s audit log, with times from {@code clock}. */
    public AuditTrail(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** An entry for now, to append in a change set of the caller's. */
    public AuditEntry entry(String actor, String action, String target, String client, String detail) {
        Instant now = clock.instant();
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        String id = String.format("%012x-%s", now.toEpochMilli(), HexFormat.of().formatHex(random));
        return new AuditEntry(id, now, actor, action, target, client, detail);
    }

    /** Appends an entry on its own. */
    public void record(String actor, String action, String target, String client, String detail) {
        store.apply(ChangeSet.builder().appendAudit(entry(actor, action, target, client, detail)).build());
    }

    /** Appends one entry: who did what to which target, with details. */
    public void record(Caller caller, String action, String target, String detail) {
        record(caller.actor(), action, target, caller.address(), detail);
    }
}
