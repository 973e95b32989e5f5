package org.modelheritage.server;

import java.net.BindException;

/**
 * Why a command could not start (a port in use, a lake that cannot be opened): {@link Main} prints
 * the message as one line and exits 2, with no stack trace.
 */
final class StartupFailure extends RuntimeException {
    StartupFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** Binds host:port and lets go again: a {@link java.net.BindException} when it is taken. Port 0 is always free. */
    static void checkPortFree(String host, int port) throws java.io.IOException {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true); // as Jetty does: a port left in TIME_WAIT is free
            probe.bind(new java.net.InetSocketAddress(host, port));
        }
    }

    /** What starting the HTTP server on host:port threw, said in one line. */
    static StartupFailure listening(String host, int port, Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return new StartupFailure("cannot listen on " + host + ":" + port + ": " + t.getMessage()
                        + " (another server on that port? choose one with --port or HERITAGE_PORT)", e);
            }
        }
        return new StartupFailure("cannot start the HTTP server on " + host + ":" + port + ": " + e, e);
    }
}
