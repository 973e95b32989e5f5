package org.modelheritage.server;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.modelheritage.lake.ModelLake;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

    @Option(names = "--lineage-warm-up", negatable = true, defaultValue = "${env:HERITAGE_LINEAGE_WARM_UP:-true}",
            fallbackValue = "true", description = "Once open, load the largest family groups into the lineage cache in "
                    + "the background, so that the first upload or identify after a start does not wait for its group "
                    + "to be read (env HERITAGE_LINEAGE_WARM_UP; default: ${DEFAULT-VALUE}).")
    boolean lineageWarmUp;

    @Override
    public Integer call() throws Exception {
        lake.lineageWarmUp = lineageWarmUp;
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
