package org.modelheritage.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.modelheritage.server.maintenance.LakeCheck;
import org.modelheritage.store.BlobStore;
import org.modelheritage.store.MetadataStore;
import org.modelheritage.store.StoreException;
import org.modelheritage.store.Stores;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code check --data D [--repair] [--json]}: blobs against the models that list them, orphans, stuck jobs. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check the lake's integrity: every blob a model lists exists and hashes to its name; orphan blobs; stuck jobs.",
                "Exit status: 0 clean (or everything found repaired), 3 problems remain, 2 the lake cannot be opened."})
final class CheckCommand implements Callable<Integer> {
    static final int NOT_CLEAN = 3;

    @Mixin
    LakeArgs lake = new LakeArgs();

    @Option(names = "--repair", description = "Delete orphan blobs older than --grace and requeue stuck jobs (missing or corrupt blobs need a restore).")
    boolean repair;

    @Option(names = "--json", description = "Print the report as JSON.")
    boolean json;

    @Option(names = "--stuck-after", paramLabel = "DURATION", defaultValue = "PT1H",
            description = "A job running longer than this is stuck (ISO-8601; default: ${DEFAULT-VALUE}).")
    Duration stuckAfter;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "PT10M",
            description = "Orphans younger than this are left alone: perhaps an upload about to commit (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Override
    public Integer call() throws Exception {
        lake.configureLogging();
        LakeCheck.Report report;
        MetadataStore meta;
        try {
            meta = Stores.openMetadata(lake.storeUri());
        } catch (StoreException | IllegalArgumentException e) {
            throw new StartupFailure("cannot open the metadata store " + lake.storeUri() + ": " + e.getMessage(), e);
        }
        try (meta; BlobStore blobs = Stores.openBlobs(lake.blobUri())) {
            report = new LakeCheck(meta, blobs, stuckAfter, grace, Clock.systemUTC()).run(repair);
        }
        PrintStream out = System.out;
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
                    .writeValueAsString(new JsonReport(report.clean(), report)));
        } else {
            out.printf("%s: %d models, %d blobs checked; %d missing, %d corrupt, %d orphans, %d stuck jobs%n",
                    report.clean() ? "clean" : "NOT CLEAN", report.models(), report.blobsChecked(), report.missing().size(),
                    report.corrupt().size(), report.orphans().size(), report.stuckJobs().size());
            print(out, "missing blob", report.missing());
            print(out, "corrupt blob", report.corrupt());
            print(out, "orphan blob", report.orphans());
            print(out, "stuck", report.stuckJobs());
            if (repair) {
                out.printf("repaired: %d orphans deleted, %d jobs requeued%n", report.orphansDeleted(), report.jobsRequeued());
            }
        }
        return report.clean() ? 0 : NOT_CLEAN;
    }

    private static void print(PrintStream out, String what, List<LakeCheck.Problem> problems) {
        problems.forEach(p -> out.println("  " + what + " " + p.id() + ": " + p.detail()));
    }

    record JsonReport(boolean clean, LakeCheck.Report report) {
    }
}
