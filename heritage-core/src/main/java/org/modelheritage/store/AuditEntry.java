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
    /**
     * Checks the components; truncates {@code at} to milliseconds and {@code detail} to 2,000 characters.
     *
     * @param id     checked by {@link Ids#requireId}
     * @param at     not null
     * @param actor  non-blank, at most 200 characters
     * @param action non-blank, at most 100 characters
     * @param target null, or non-blank and at most 200 characters
     * @param client non-blank, at most 200 characters
     * @param detail any text, or null; cut after 2,000 characters
     * @throws IllegalArgumentException when a component breaks its rule
     * @throws NullPointerException when {@code at} is null
     */
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
