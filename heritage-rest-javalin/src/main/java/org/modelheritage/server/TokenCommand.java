package org.modelheritage.server;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.modelheritage.server.access.Role;
import org.modelheritage.server.access.Tokens;
import org.modelheritage.store.ApiToken;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.Stores;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code token create|list|revoke}: API tokens, straight in the metadata store (no server needed;
 * with SQLite or PostgreSQL a running server sees the change at once, a file store must be
 * stopped first). Each change is written to the audit log as done by "cli".
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Create, list and revoke API tokens.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: create, list or revoke");
    }

    static MetadataStore open(LakeArgs lake) throws java.io.IOException {
        Files.createDirectories(lake.data);
        return Stores.openMetadata(lake.storeUri());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Make a token and print its secret, once: it is stored only as a hash.")
    static final class Create implements Callable<Integer> {
        @Mixin
        LakeArgs lake = new LakeArgs();

        @Option(names = "--role", required = true, paramLabel = "ROLE",
                description = "reader (browse, export), contributor (also upload) or admin (also delete, tokens, audit log).")
        String role;

        @Option(names = "--name", required = true, paramLabel = "NAME", description = "What the token is for, e.g. ci-bot.")
        String name;

        @Option(names = "--expires", paramLabel = "PERIOD", defaultValue = "never",
                description = "How long it is valid: 90d, 12h, 2w, 30m, P90D or never (default: ${DEFAULT-VALUE}).")
        String expires;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Role r;
            Duration validFor;
            try {
                r = Role.parse(role);
                validFor = Tokens.parseValidity(expires);
                if (name.isBlank() || name.length() > 200) {
                    throw new IllegalArgumentException("--name must be 1 to 200 characters");
                }
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
            try (MetadataStore store = open(lake)) {
                Tokens.Issued issued = new Tokens(store, Clock.systemUTC()).create(name, r, validFor, "cli", "cli");
                ApiToken t = issued.token();
                System.out.printf("Created token %s (%s, role %s, %s).%n", t.id(), t.name(), t.role(),
                        t.expiresAt() == null ? "does not expire" : "expires " + t.expiresAt());
                System.out.println("Its secret, shown only now (send it as 'Authorization: Bearer <secret>'):");
                System.out.println(issued.secret());
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tokens (never their secrets).")
    static final class ListTokens implements Callable<Integer> {
        @Mixin
        LakeArgs lake = new LakeArgs();

        @Override
        public Integer call() throws Exception {
            try (MetadataStore store = open(lake)) {
                List<ApiToken> tokens = store.tokens();
                if (tokens.isEmpty()) {
                    System.out.println("No tokens.");
                    return 0;
                }
                System.out.printf("%-20s  %-11s  %-8s  %-24s  %-24s  %s%n", "ID", "ROLE", "STATUS", "CREATED", "EXPIRES", "NAME");
                java.time.Instant now = java.time.Instant.now();
                for (ApiToken t : tokens) {
                    String status = t.revokedAt() != null ? "revoked" : t.validAt(now) ? "active" : "expired";
                    System.out.printf("%-20s  %-11s  %-8s  %-24s  %-24s  %s%n", t.id(), t.role(), status, t.createdAt(),
                            t.expiresAt() == null ? "never" : t.expiresAt(), t.name());
                }
            }
            return 0;
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a token: it stops working at once.")
    static final class Revoke implements Callable<Integer> {
        @Mixin
        LakeArgs lake = new LakeArgs();

        @Parameters(paramLabel = "ID", description = "The token's id, as 'token list' shows it.")
        String id;

        @Override
        public Integer call() throws Exception {
            try (MetadataStore store = open(lake)) {
                if (!id.matches("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
                        || !new Tokens(store, Clock.systemUTC()).revoke(id, "cli", "cli")) {
                    System.err.println("No token with id " + id + ".");
                    return 2;
                }
                System.out.println("Revoked token " + id + ".");
            }
            return 0;
        }
    }
}
