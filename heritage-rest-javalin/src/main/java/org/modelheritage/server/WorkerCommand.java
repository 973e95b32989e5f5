package org.modelheritage.server;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.modelheritage.lake.ModelLake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code worker}: processing only, no HTTP. On a lake that processes share (PostgreSQL and a
 * shared blob store) it takes jobs beside the servers' own workers, until stopped; more workers
 * process more uploads at once.
 */
@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Process uploads (signature, family, lineage) without serving: for a shared lake, "
                + "e.g. --store jdbc:postgresql://... --blobs s3://...; runs until stopped.")
final class WorkerCommand implements Callable<Integer> {
    @Mixin
    LakeArgs lake = new LakeArgs();

    @Override
    public Integer call() throws Exception {
        ModelLake modelLake = lake.open();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                modelLake.close();
            } finally {
                stopped.countDown();
            }
        }, "heritage-shutdown"));
        System.out.printf("Model Heritage worker: %d processing threads (store %s, blobs %s)%n", lake.workers,
                lake.storeUri(), lake.blobUri());
        if (!modelLake.metadata().sharedByProcesses()) {
            System.out.println("The store is embedded: this worker owns it; servers cannot open it while it runs.");
        }
        System.out.flush();
        stopped.await();
        return 0;
    }
}
