package org.modelheritage.server;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.modelheritage.server.maintenance.LakeBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code backup --data D --to DIR}: a consistent snapshot of a SQLite lake and its blobs, while it serves. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Back the lake up into a directory while it serves: a consistent SQLite snapshot plus every blob it references.",
                "Incremental: into the same directory, only blobs it lacks are copied. PostgreSQL lakes: see the message (pg_dump and the object store's own copies)."})
final class BackupCommand implements Callable<Integer> {
    @Mixin
    LakeArgs lake = new LakeArgs();

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "The backup directory (created; reused for incremental backups).")
    Path to;

    @Override
    public Integer call() throws Exception {
        lake.configureLogging();
        Path database = LakeBackup.sqliteFile(lake.storeUri());
        if (database == null) {
            System.err.println("heritage-server: backup copies SQLite lakes only; this lake's metadata is in "
                    + schemeOf(lake.storeUri().toString()) + ". Back it up with the database's own tools "
                    + "(PostgreSQL: pg_dump --format=custom, or continuous archiving) and the blob store with its own "
                    + "(object store: versioning or replication); take the database dump first, since blobs are written "
                    + "before the rows that list them. See docs/operations.md.");
            return 2;
        }
        long started = System.nanoTime();
        LakeBackup.Result r;
        try {
            r = LakeBackup.backup(database, lake.blobUri(), to);
        } catch (LakeBackup.BackupException e) {
            System.err.println("heritage-server: " + e.getMessage());
            return 2;
        }
        System.out.printf("backed up %d models to %s: %d blobs, %d copied now (%d bytes), in %.1f s%n", r.models(), to,
                r.blobs(), r.blobsCopied(), r.bytesCopied(), (System.nanoTime() - started) / 1e9);
        return 0;
    }

    /** "jdbc:postgresql", "file": the kind of store, without host, path or credentials. */
    private static String schemeOf(String uri) {
        int colon = uri.indexOf(':');
        if (colon < 0) {
            return "an unknown store";
        }
        if (uri.startsWith("jdbc:")) {
            int second = uri.indexOf(':', colon + 1);
            return second > 0 ? uri.substring(0, second) : uri.substring(0, colon);
        }
        return uri.substring(0, colon);
    }
}
