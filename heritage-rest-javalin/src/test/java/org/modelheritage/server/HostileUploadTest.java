package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.read.ReadLimits;

/** A header-heavy upload over the lake's read limits is a 400 JSON error and leaves nothing. */
class HostileUploadTest {
    @TempDir
    Path dir;

    static byte[] headerHeavy(int empties) {
        StringBuilder h = new StringBuilder("{");
        for (int i = 0; i < empties; i++) {
            h.append("\"v_t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},");
        }
        h.append("\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.writeBytes(header);
        out.writeBytes(new byte[4]);
        return out.toByteArray();
    }

    @Test
    void tooManyTensorsIsA400AndTheServerGoesOn() throws Exception {
        LakeOptions options = LakeOptions.defaults().withReadLimits(ReadLimits.defaults().withMaxTensors(50));
        try (TestServer s = new TestServer(dir, options, TestServer.options(), Clock.systemUTC())) {
            TestServer.Reply r = s.upload("heavy", "heavy.safetensors", headerHeavy(100));
            assertEquals(400, r.status(), r.body());
            String error = r.json().get("error").asText();
            assertTrue(error.contains("more than 50 tensors"), error);
            assertFalse(error.contains(dir.toString()), "no server path in " + error);
            assertEquals(0, s.lake.stats().models());
            assertEquals(201, s.upload("light", "light.safetensors", headerHeavy(10)).status());
            assertEquals(200, s.get("/health").status());
        }
    }
}
