package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;

/** {@code heritage-server identify} against a lake directory and against a running server. */
class IdentifyCommandTest {
    @TempDir
    Path dir;

    @Test
    void identifiesFromADataDirectoryAndFromAServer() throws Exception {
        Path data = dir.resolve("data");
        try (ModelLake lake = ModelLake.open(data, LakeOptions.defaults().withWorkers(1).withWorkDir(data.resolve("work")))) {
            lake.add("root", null, "root.safetensors",
                    new ByteArrayInputStream(TestWeights.safetensors(TestWeights.random(3, 16, 1))));
            assertTrue(lake.awaitIdle(Duration.ofSeconds(60)));
        }
        Path child = dir.resolve("child.safetensors");
        Files.write(child, TestWeights.safetensors(TestWeights.child(TestWeights.random(3, 16, 1), 0.05, 4)));
        Path stranger = dir.resolve("stranger.safetensors");
        Files.write(stranger, TestWeights.safetensors(TestWeights.random(3, 16, 9)));
        Path junk = dir.resolve("junk.safetensors");
        Files.write(junk, new byte[] {1, 2, 3});

        InspectCommandTest.Run local = InspectCommandTest.run("identify", "--data", data.toString(), "--json",
                child.toString(), stranger.toString());
        assertEquals(0, local.status(), local.err());
        List<JsonNode> answers = local.json();
        assertEquals(2, answers.size());
        assertEquals("root", answers.get(0).get("parent").get("name").asText());
        assertEquals("fine-tune", answers.get(0).get("parent").get("kind").asText());
        assertEquals("independently-trained", answers.get(1).get("placement").asText());

        InspectCommandTest.Run text = InspectCommandTest.run("identify", "--data", data.toString(), child.toString());
        assertEquals(0, text.status(), text.err());
        assertTrue(text.out().contains("  parent:   root ("), text.out());
        assertTrue(text.out().contains(" fine-tune, confidence "), text.out());
        assertTrue(text.out().contains("  nearest:  root ("), text.out());

        InspectCommandTest.Run bad = InspectCommandTest.run("identify", "--data", data.toString(), junk.toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("junk.safetensors"), bad.err());
        assertEquals(2, InspectCommandTest.run("identify", "--data", data.toString(), dir.resolve("nope").toString()).status());

        try (TestServer s = new TestServer(data, LakeOptions.defaults().withWorkers(1))) {
            String url = "http://127.0.0.1:" + s.server.port();
            InspectCommandTest.Run remote = InspectCommandTest.run("identify", "--server", url, "--json", child.toString());
            assertEquals(0, remote.status(), remote.err());
            JsonNode j = remote.json().get(0);
            assertEquals(answers.get(0).get("parent"), j.get("parent"));
            assertEquals(answers.get(0).get("nearest"), j.get("nearest"));
            InspectCommandTest.Run refused = InspectCommandTest.run("identify", "--server", url, junk.toString());
            assertEquals(2, refused.status());
            assertTrue(refused.err().contains("junk.safetensors: unreadable weights"), refused.err());
            assertEquals(1, s.get("/api/stats").json().get("models").asInt());
        }
    }
}
