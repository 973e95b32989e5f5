package org.modelheritage.server.api;

import java.util.List;

/**
 * How the HTTP server listens and whom it lets call it from a browser.
 *
 * @param host        interface to bind ("0.0.0.0" for all, "127.0.0.1" for loopback only)
 * @param port        TCP port; 0 picks a free one (tests)
 * @param corsOrigins origins allowed to call the API from a browser; "*" allows any
 */
public record ServerOptions(String host, int port, List<String> corsOrigins) {
    public static final int DEFAULT_PORT = 5001;

    public ServerOptions {
        corsOrigins = List.copyOf(corsOrigins);
    }

    /** Loopback only, on a free port, any origin: what tests use. */
    public static ServerOptions ephemeral() {
        return new ServerOptions("127.0.0.1", 0, List.of("*"));
    }
}
