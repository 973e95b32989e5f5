package org.modelheritage.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of the audit log: who did what, when, to what, from where. Entries are only ever
 * appended ({@link Change.AppendAudit}); nothing in the SPI changes or deletes them, so deleting a
 * model or revoking a token leaves their history in place.
 *
 * @param id     caller-generated, see {@link Ids#requireId}; breaks ties between entries of the same millisecond
 * @param at     when it happened, to the millisecond
 * @param actor  who: a token id, an OIDC subject, "anonymous", "local", "cli"
 * @param action what: "model.upload", "model.delete", "token.create", "token.revoke"
 * @param target the model or token acted on; null when none
 * @param client where from: the client's address, "cli" for the command line
 * @param detail free text (a model's name, a token's role), at most 2,000 characters; null when none
 */
public record AuditEntry(String id, Instant at, String actor, String action, String target, String client,
                         String detail) {
    /** Validates the components. */
    public AuditEntry {
        Ids.requireId(id, "audit entry id");
        at = Model.millis(Objects.requireNonNull(at, "at"));
        Ids.requireLabel(actor, "audit actor", 200);
        Ids.requireLabel(action, "audit action", 100);
        if (target != null) {
            Ids.requireLabel(target, "audit target", 200);
        }
        Ids.requireLabel(client, "audit client", 200);
        if (detail != null && detail.length() > 2000) {
            detail = detail.substring(0, 2000);
        }
    }
}
