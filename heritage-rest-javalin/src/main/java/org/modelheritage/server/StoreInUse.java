package org.modelheritage.server;

import org.modelheritage.store.StoreLockedException;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * What the command line says when the lake's embedded store is owned by another process (a
 * running server, say): one line naming the holder and what to do instead, exit status 2. Any
 * other exception goes on to picocli's default handling.
 */
final class StoreInUse {
    private StoreInUse() {
    }

    static int handle(Exception e, CommandLine cmd, ParseResult parsed) throws Exception {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StoreLockedException locked) {
                cmd.getErr().println("heritage-server: " + locked.getMessage() + ". To add models while a server runs "
                        + "on it, use 'ingest --server URL PATH...'; otherwise stop the process holding it first.");
                cmd.getErr().flush();
                return 2;
            }
        }
        throw e;
    }
}
