package org.modelheritage.server;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.access.AccessControl;
import org.modelheritage.server.access.Anonymous;
import org.modelheritage.server.access.OidcVerifier;
import org.modelheritage.server.access.RateLimits;
import org.modelheritage.server.api.HeritageServer;
import org.modelheritage.server.api.ServerOptions;
import org.modelheritage.server.ops.LakeMetrics;
import org.modelheritage.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code serve}: the REST API and the web pages, on one port, until stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the server (the default command): REST API, OpenAPI document and web pages.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    LakeArgs lake = new LakeArgs();

    @Mixin
    ConnectionArgs connection = new ConnectionArgs();

    @Option(names = "--lineage-warm-up", negatable = true, defaultValue = "${env:HERITAGE_LINEAGE_WARM_UP:-true}",
            fallbackValue = "true", description = "Once open, load the largest family groups into the lineage cache in "
                    + "the background, so that the first upload or identify after a start does not wait for its group "
                    + "to be read (env HERITAGE_LINEAGE_WARM_UP; default: ${DEFAULT-VALUE}).")
    boolean lineageWarmUp;

    @Option(names = "--port", defaultValue = "${env:HERITAGE_PORT:-5001}",
            description = "TCP port (env HERITAGE_PORT; default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "${env:HERITAGE_HOST:-127.0.0.1}",
            description = "Interface to listen on; 0.0.0.0 exposes the server to the network (env HERITAGE_HOST; default: ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--cors-origins", paramLabel = "ORIGINS", defaultValue = "${env:HERITAGE_CORS_ORIGINS:-}",
            description = "Comma-separated origins allowed to call the API from browsers, '*' for any (env HERITAGE_CORS_ORIGINS; default: none).")
    String corsOrigins;

    @Option(names = "--anonymous", paramLabel = "none|read", defaultValue = "${env:HERITAGE_ANONYMOUS:-read}",
            description = "What callers without a token may do: 'read' or 'none'. Never more than read beyond loopback; on loopback with no token created yet, everything (env HERITAGE_ANONYMOUS; default: ${DEFAULT-VALUE}).")
    String anonymous;

    @Option(names = "--rate-limit-reads", paramLabel = "N", defaultValue = "${env:HERITAGE_RATE_LIMIT_READS:-" + RateLimits.DEFAULT_READS_PER_MINUTE + "}",
            description = "API requests a minute per identity and per client address, 0 for no limit (env HERITAGE_RATE_LIMIT_READS; default: ${DEFAULT-VALUE}).")
    long readsPerMinute;

    @Option(names = "--rate-limit-uploads", paramLabel = "N", defaultValue = "${env:HERITAGE_RATE_LIMIT_UPLOADS:-" + RateLimits.DEFAULT_UPLOADS_PER_MINUTE + "}",
            description = "Uploads a minute per identity and per client address, 0 for no limit (env HERITAGE_RATE_LIMIT_UPLOADS; default: ${DEFAULT-VALUE}).")
    long uploadsPerMinute;

    @Option(names = "--oidc-issuer", paramLabel = "URL", defaultValue = "${env:HERITAGE_OIDC_ISSUER}",
            description = "Also accept JWTs from this OpenID Connect issuer (keys from its JWKS) (env HERITAGE_OIDC_ISSUER; default: none).")
    String oidcIssuer;

    @Option(names = "--oidc-audience", paramLabel = "AUD", defaultValue = "${env:HERITAGE_OIDC_AUDIENCE}",
            description = "The audience a JWT must name; required with --oidc-issuer (env HERITAGE_OIDC_AUDIENCE).")
    String oidcAudience;

    @Option(names = "--oidc-role-claim", paramLabel = "CLAIM", defaultValue = "${env:HERITAGE_OIDC_ROLE_CLAIM:-roles}",
            description = "The claim holding the role (reader, contributor, admin), a dotted path such as realm_access.roles (env HERITAGE_OIDC_ROLE_CLAIM; default: ${DEFAULT-VALUE}).")
    String oidcRoleClaim;

    /** The server's options as the command line gives them. */
    ServerOptions serverOptions() {
        List<String> origins = Arrays.stream(corsOrigins.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        OidcVerifier oidc = oidcIssuer == null || oidcIssuer.isBlank() ? null
                : new OidcVerifier(oidcIssuer, oidcAudience, oidcRoleClaim);
        return new ServerOptions(host, port, origins, Anonymous.parse(anonymous),
                new RateLimits(readsPerMinute, uploadsPerMinute), oidc, connection.limits());
    }

    @Override
    public Integer call() throws Exception {
        ServerOptions options;
        try {
            options = serverOptions();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
        }
        try {
            lake.configureLogging();
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), e.getMessage());
        }
        try {
            // Before the lake opens (and logs), so that a port in use is one line, not Javalin's logged failure.
            StartupFailure.checkPortFree(host, port);
        } catch (IOException e) {
            throw StartupFailure.listening(host, port, e);
        }
        LakeMetrics metrics = new LakeMetrics();
        ModelLake modelLake;
        try {
            lake.lineageWarmUp = lineageWarmUp;
            modelLake = lake.open(metrics);
        } catch (IOException | StoreException | IllegalArgumentException | java.io.UncheckedIOException e) {
            metrics.close();
            throw new StartupFailure("cannot open the lake (store " + lake.storeUri() + ", blobs " + lake.blobUri()
                    + "): " + e.getMessage(), e);
        }
        HeritageServer server;
        try {
            server = new HeritageServer(modelLake, options, java.time.Clock.systemUTC(), metrics).start();
        } catch (RuntimeException e) {
            modelLake.close();
            metrics.close();
            throw StartupFailure.listening(host, port, e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } finally {
                modelLake.close();
                stopped.countDown();
            }
        }, "heritage-shutdown"));
        boolean loopback = AccessControl.isLoopback(host);
        System.out.printf("Model Heritage is listening on http://%s:%d/ (store %s, blobs %s)%n",
                host.equals("0.0.0.0") || host.equals("::") ? "localhost" : host.contains(":") ? "[" + host + "]" : host,
                server.port(), lake.storeUri(), lake.blobUri());
        boolean tokens = !modelLake.metadata().tokens().isEmpty();
        if (!loopback) {
            System.out.printf("Listening beyond this machine on %s: anonymous callers may %s; writing needs a token "
                    + "(heritage-server token create --role contributor --name NAME)%n", host,
                    options.anonymous() == Anonymous.READ ? "read" : "do nothing");
        } else if (!tokens) {
            System.out.println("No API token yet: whoever uses this machine may do everything; "
                    + "the first 'token create' ends that.");
        }
        System.out.flush();
        stopped.await();
        return 0;
    }
}
