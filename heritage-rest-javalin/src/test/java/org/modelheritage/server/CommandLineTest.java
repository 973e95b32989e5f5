package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {

    @Test
    void serveIsTheDefaultCommand() {
        assertArrayEquals(new String[] {"serve"}, Main.withDefaultCommand(new String[0]));
        assertArrayEquals(new String[] {"serve", "--port", "8080"}, Main.withDefaultCommand(new String[] {"--port", "8080"}));
        assertArrayEquals(new String[] {"ingest", "x"}, Main.withDefaultCommand(new String[] {"ingest", "x"}));
        assertArrayEquals(new String[] {"--help"}, Main.withDefaultCommand(new String[] {"--help"}));
    }

    @Test
    void aRunBuildsOnlyTheCommandItNamesAndHelpSeesThemAll() {
        assertEquals(List.of("eval"), new ArrayList<>(Main.commandLine("eval").getSubcommands().keySet()));
        assertEquals(List.of("token"), new ArrayList<>(Main.commandLine("token").getSubcommands().keySet()));
        assertEquals(List.of("create", "list", "revoke"),
                new ArrayList<>(Main.commandLine("token").getSubcommands().get("token").getSubcommands().keySet()));
        List<String> all = List.of("serve", "worker", "ingest", "inspect", "eval", "token", "backup", "restore", "check",
                "healthcheck", "identify", "help");
        for (String first : new String[] {"--help", "help", "evl", "--version"}) {
            assertEquals(all, new ArrayList<>(Main.commandLine(first).getSubcommands().keySet()), first);
        }
        assertEquals(all, new ArrayList<>(Main.commandLine().getSubcommands().keySet()));
    }

    @Test
    void sizesParseInDecimalAndBinaryUnits() {
        assertEquals(5_000_000_000L, ByteSize.parse("5GB"));
        assertEquals(5_000_000_000L, ByteSize.parse("5 gb"));
        assertEquals(2L << 30, ByteSize.parse("2GiB"));
        assertEquals(500_000_000L, ByteSize.parse("500MB"));
        assertEquals(1536, ByteSize.parse("1.5KiB"));
        assertEquals(1048576, ByteSize.parse("1048576"));
        assertThrows(CommandLine.TypeConversionException.class, () -> ByteSize.parse("lots"));
        assertThrows(CommandLine.TypeConversionException.class, () -> ByteSize.parse("0"));
    }

    @Test
    void serveOptionsHaveTheDocumentedDefaults() {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs();
        assertEquals(5001, serve.port);
        assertEquals(Path.of("heritage-data"), serve.lake.data);
        assertEquals(5_000_000_000L, serve.lake.maxUploadSize);
        assertEquals("", serve.corsOrigins, "CORS is off by default");
        assertEquals("127.0.0.1", serve.host, "loopback only by default");
        assertEquals(List.of(), serve.serverOptions().corsOrigins());
        assertEquals(org.modelheritage.server.access.Anonymous.READ, serve.serverOptions().anonymous());
        assertEquals(600, serve.serverOptions().rateLimits().readsPerMinute());
        assertEquals("jdbc:sqlite:" + Path.of("heritage-data").toAbsolutePath().normalize().resolve("heritage.db"),
                serve.lake.storeUri().toString());
        new CommandLine(serve).parseArgs("--port", "7000", "--data", "/tmp/x", "--store", "jdbc:postgresql://db/heritage",
                "--max-upload-size", "1GB", "--workers", "4");
        assertEquals(7000, serve.port);
        assertEquals("jdbc:postgresql://db/heritage", serve.lake.storeUri().toString());
        assertEquals(Path.of("/tmp/x/blobs").toUri(), serve.lake.blobUri());
        assertEquals(1_000_000_000L, serve.lake.maxUploadSize);
        assertEquals(4, serve.lake.workers);
        assertEquals(100_000, serve.lake.maxTensors);
        assertEquals(100_000_000L, serve.lake.maxHeaderSize);
        new CommandLine(serve).parseArgs("--max-tensors", "5000", "--max-header-size", "10MB", "--max-metadata-size", "1MB");
        assertEquals(5000, serve.lake.maxTensors);
        assertEquals(10_000_000L, serve.lake.maxHeaderSize);
        assertEquals(1_000_000L, serve.lake.maxMetadataSize);
    }

    @Test
    void connectionLimitsHaveTheDocumentedDefaultsAndOptions(@TempDir Path dir) {
        ServeCommand serve = new ServeCommand();
        new CommandLine(serve).parseArgs();
        org.modelheritage.server.api.ConnectionLimits limits = serve.serverOptions().connectionLimits();
        assertEquals(java.time.Duration.ofSeconds(30), limits.idleTimeout());
        assertEquals(1024, limits.minRequestDataRate());
        assertEquals(16, limits.maxConcurrentUploads());
        new CommandLine(serve).parseArgs("--idle-timeout", "5", "--min-upload-rate", "10KB", "--max-concurrent-uploads", "0");
        limits = serve.serverOptions().connectionLimits();
        assertEquals(java.time.Duration.ofSeconds(5), limits.idleTimeout());
        assertEquals(10_000, limits.minRequestDataRate());
        assertEquals(0, limits.maxConcurrentUploads(), "no bound");
        Path data = dir.resolve("never-made");
        assertEquals(2, Main.run("serve", "--idle-timeout", "0", "--data", data.toString()));
        assertEquals(2, Main.run("serve", "--max-concurrent-uploads", "-1", "--data", data.toString()));
        assertEquals(false, Files.exists(data), "no lake was opened");
    }

    @Test
    void ingestFindsFilesShardedDirectoriesAndSkipsTheRest(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("a.safetensors"), "x");
        Files.writeString(dir.resolve("b.pt"), "x");
        Files.writeString(dir.resolve("ground_truth.json"), "{}");
        Path sharded = Files.createDirectories(dir.resolve("nested").resolve("c"));
        Files.writeString(sharded.resolve("model.safetensors.index.json"), "{}");
        Files.writeString(sharded.resolve("model-00001-of-00001.safetensors"), "x");
        Files.writeString(dir.resolve("nested").resolve("d.bin"), "x");
        List<IngestCommand.Candidate> found = new ArrayList<>();
        IngestCommand.collect(dir, found);
        assertEquals(List.of("a", "b", "c", "d"), found.stream().map(IngestCommand.Candidate::name).toList());
        assertEquals(sharded, found.get(2).path());
    }

    @Test
    void ingestWaitsForEveryModelAndSummarises(@TempDir Path dir) throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.write(in.resolve("a.safetensors"), TestWeights.safetensors(TestWeights.random(2, 8, 1)));
        Files.write(in.resolve("b.safetensors"), TestWeights.safetensors(TestWeights.random(2, 8, 2)));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        int status;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            status = Main.commandLine().execute("ingest", "--data", dir.resolve("lake").toString(), in.toString());
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, status, printed);
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("added 2, ready 2, failed 0, unfinished 0, duplicates 0, "
                + "rejected 0; the lake now has 2 models in ")), printed);
    }

    @Test
    void badAccessOptionsAreUsageErrorsBeforeAnythingOpens(@TempDir Path dir) {
        Path data = dir.resolve("never-made");
        assertEquals(2, Main.run("serve", "--anonymous", "write", "--data", data.toString()));
        assertEquals(2, Main.run("serve", "--oidc-issuer", "https://sso.example/realms/x", "--data", data.toString()),
                "an issuer without --oidc-audience");
        assertEquals(false, Files.exists(data), "no lake was opened");
    }
}
