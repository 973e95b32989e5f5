package org.modelheritage.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.modelheritage.server.access.AccessControl;
import org.modelheritage.server.access.Caller;
import org.modelheritage.server.access.Role;
import org.modelheritage.server.access.Tokens;
import org.modelheritage.store.ApiToken;
import org.modelheritage.store.AuditEntry;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.Page;

/** /api/me, /api/tokens and /api/audit: who is calling, tokens, and the audit log (read only). */
final class AccessHandlers {
    private final MetadataStore store;
    private final Tokens tokens;
    private final Clock clock;

    AccessHandlers(MetadataStore store, Tokens tokens, Clock clock) {
        this.store = store;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** Who the caller is and what it may do: what the web pages show and hide. */
    void me(Context ctx) {
        Caller c = caller(ctx);
        Json.render(ctx, new MeView(c.kind(), c.name(), c.kind().equals("token") ? c.actor() : null,
                c.role() == null ? null : c.role().label(), c.may(Role.READER), c.may(Role.CONTRIBUTOR),
                c.may(Role.ADMIN)));
    }

    void listTokens(Context ctx) {
        Instant now = clock.instant();
        Json.render(ctx, new TokenListView(tokens.list().stream().map(t -> TokenView.of(t, now)).toList()));
    }

    /** Body: {"name": "ci-bot", "role": "contributor", "expires": "90d"} (expires optional). */
    void createToken(Context ctx) throws IOException {
        JsonNode body;
        try {
            body = Json.mapper().readTree(ctx.bodyInputStream());
        } catch (IOException e) {
            throw new BadRequestResponse("expected a JSON body {\"name\", \"role\", \"expires\"}: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new BadRequestResponse("expected a JSON body {\"name\", \"role\", \"expires\"}");
        }
        String name = body.path("name").asText("").strip();
        if (name.isEmpty() || name.length() > 200) {
            throw new BadRequestResponse("name is required (at most 200 characters)");
        }
        Role role;
        Duration validFor;
        try {
            role = Role.parse(body.path("role").asText(""));
            validFor = Tokens.parseValidity(body.path("expires").isMissingNode() || body.path("expires").isNull()
                    ? null : body.path("expires").asText());
        } catch (IllegalArgumentException e) {
            throw new BadRequestResponse(e.getMessage());
        }
        Caller c = caller(ctx);
        Tokens.Issued issued = tokens.create(name, role, validFor, c.actor(), c.address());
        Json.render(ctx.status(HttpStatus.CREATED), new IssuedView(TokenView.of(issued.token(), clock.instant()), issued.secret()));
    }

    void revokeToken(Context ctx) {
        String id = ctx.pathParam("id");
        Caller c = caller(ctx);
        if (!id.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}") || !tokens.revoke(id, c.actor(), c.address())) {
            throw new NotFoundResponse("no token with id " + id);
        }
        ctx.status(HttpStatus.NO_CONTENT);
    }

    void audit(Context ctx) {
        Paging paging = Paging.of(ctx);
        Page<AuditEntry> page = store.audit(paging.offset(), paging.limit());
        Json.render(ctx, new AuditPageView(page.items().stream().map(AuditView::of).toList(), page.total(), page.offset(),
                page.limit()));
    }

    private static Caller caller(Context ctx) {
        return AccessControl.caller(ctx).orElseThrow();
    }

    record MeView(String kind, String name, String tokenId, String role, boolean canRead, boolean canUpload,
                  boolean canAdmin) {
    }

    record TokenView(String id, String name, String role, String status, String createdAt, String expiresAt,
                     String revokedAt, String createdBy) {
        static TokenView of(ApiToken t, Instant now) {
            String status = t.revokedAt() != null ? "revoked" : t.validAt(now) ? "active" : "expired";
            return new TokenView(t.id(), t.name(), t.role(), status, Views.time(t.createdAt()),
                    Views.time(t.expiresAt()), Views.time(t.revokedAt()), t.createdBy());
        }
    }

    record TokenListView(List<TokenView> tokens) {
    }

    /** The only answer that ever carries a token's secret. */
    record IssuedView(TokenView token, String secret) {
    }

    record AuditView(String id, String at, String actor, String action, String target, String client, String detail) {
        static AuditView of(AuditEntry e) {
            return new AuditView(e.id(), Views.time(e.at()), e.actor(), e.action(), e.target(), e.client(), e.detail());
        }
    }

    record AuditPageView(List<AuditView> entries, long total, int offset, int limit) {
    }
}
