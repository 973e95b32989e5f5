package org.modelheritage.server;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.modelheritage.server.maintenance.LakeBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code restore --from DIR --data D}: a backup made by {@code backup} into a new data directory. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore a backup into a new data directory (SQLite and blobs, each blob checked against its hash); then serve it with --data.")
final class RestoreCommand implements Callable<Integer> {
    @Option(names = "--from", required = true, paramLabel = "DIR", description = "A directory written by 'backup'.")
    Path from;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "The new data directory; it must not hold a lake yet.")
    Path data;

    @Override
    public Integer call() throws Exception {
        LakeBackup.Result r;
        try {
            r = LakeBackup.restore(from, data);
        } catch (LakeBackup.BackupException e) {
            System.err.println("heritage-server: " + e.getMessage());
            return 2;
        }
        System.out.printf("restored %d models and %d blobs (%d bytes) into %s%n", r.models(), r.blobsCopied(),
                r.bytesCopied(), data);
        return 0;
    }
}
