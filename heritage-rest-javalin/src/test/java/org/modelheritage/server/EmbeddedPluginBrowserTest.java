package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.lake.LakeOptions;
import org.modelheritage.lake.ModelLake;
import org.modelheritage.server.api.HeritagePlugin;
import org.modelheritage.store.Model;
import org.modelheritage.store.ModelStatus;
import org.openqa.selenium.By;

/**
 * The API and pages mounted under /heritage in a plain Javalin app of the user's: the API answers
 * there with its own JSON and errors, the host app's routes and errors stay its own, and a page
 * works under the base path in headless Chromium.
 */
class EmbeddedPluginBrowserTest extends BrowserPageTest {
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    ModelLake lake;
    Javalin app;
    String host;
    Model model;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        lake = ModelLake.open(dir.resolve("lake"), LakeOptions.defaults().withWorkDir(dir.resolve("work")));
        model = lake.whenProcessed(lake.add("embedded-model", "in a host app", "m.safetensors",
                new ByteArrayInputStream(TestWeights.safetensors(TestWeights.random(2, 8, 7)))).id()).get(60, TimeUnit.SECONDS);
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = "127.0.0.1";
            config.jetty.port = 0;
            config.registerPlugin(new HeritagePlugin(heritage -> {
                heritage.lake = lake;
                heritage.basePath = "/heritage";
            }));
            config.routes.get("/", ctx -> ctx.result("the host app"));
            config.routes.get("/boom", ctx -> {
                throw new IllegalStateException("the host app's own failure");
            });
        }).start();
        host = "http://127.0.0.1:" + app.port();
        if (Browser.installed()) {
            b = Browser.start(WebPagesBrowserTest.SCREENSHOTS.resolve("embedded"));
        }
    }

    @AfterAll
    void stopApp() {
        if (app != null) {
            app.stop();
        }
        if (lake != null) {
            lake.close();
        }
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(host + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApiAnswersUnderTheBasePathWithItsOwnJsonAndErrors() throws Exception {
        assertEquals(ModelStatus.READY, model.status());
        HttpResponse<String> one = get("/heritage/api/models/" + model.id());
        assertEquals(200, one.statusCode(), one.body());
        JsonNode m = TestServer.JSON.readTree(one.body());
        assertEquals("embedded-model", m.get("name").asText());
        assertEquals(128, m.get("parameter_count").asLong(), "snake_case: the API's mapper, not the host's");
        assertEquals(model.familyId(), m.get("family_id").asText());
        assertEquals("nosniff", one.headers().firstValue("X-Content-Type-Options").orElse(null));

        JsonNode list = TestServer.JSON.readTree(get("/heritage/api/models").body());
        assertEquals(1, list.get("total").asInt());

        HttpResponse<String> missing = get("/heritage/api/models/nope");
        assertEquals(404, missing.statusCode());
        assertEquals("application/json", missing.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertTrue(TestServer.JSON.readTree(missing.body()).get("error").asText().contains("nope"), missing.body());
        HttpResponse<String> noRoute = get("/heritage/api/no-such-route");
        assertEquals(404, noRoute.statusCode());
        assertEquals("not found: GET /heritage/api/no-such-route", TestServer.JSON.readTree(noRoute.body()).get("error").asText());

        assertEquals(200, get("/heritage/openapi.json").statusCode());
        assertEquals("ok", TestServer.JSON.readTree(get("/heritage/health").body()).get("status").asText());
        HttpResponse<String> bare = get("/heritage");
        assertEquals(301, bare.statusCode());
        assertEquals("/heritage/", bare.headers().firstValue("Location").orElse(null));
    }

    @Test
    void theHostAppKeepsItsOwnRoutesAndErrors() throws Exception {
        HttpResponse<String> root = get("/");
        assertEquals(200, root.statusCode());
        assertEquals("the host app", root.body());
        assertNull(root.headers().firstValue("X-Frame-Options").orElse(null), "the plugin screens its own paths only");
        HttpResponse<String> boom = get("/boom");
        assertEquals(500, boom.statusCode());
        assertFalse(boom.body().contains("internal error (reference"), boom.body());
        assertFalse(get("/api/models").body().contains("embedded-model"), "nothing mounted at the root");
    }

    @Test
    void aPageWorksUnderTheBasePath() {
        b.open(host + "/heritage/models.html");
        b.waitUntil(d -> ((List<?>) b.js("return [...document.querySelectorAll('#model-list .model-card h3 a')]"
                + ".map(a => a.textContent.trim());")).contains("embedded-model") ? true : null);
        String link = b.find(By.cssSelector("#model-list .model-card h3 a")).getAttribute("href");
        assertEquals(host + "/heritage/model.html?id=" + model.id(), link);
        assertEquals(host + "/heritage/dashboard.html",
                b.find(By.cssSelector(".navbar a[href='dashboard.html']")).getAttribute("href"));
        b.open(link);
        b.waitUntil(d -> "ready".equals(b.find(By.id("model-view")).getAttribute("data-status")) ? true : null);
        assertEquals("embedded-model", b.find(By.id("model-name")).getText());
    }
}
