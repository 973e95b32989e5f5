package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The identify and compare pages in headless Chromium against the real server, at desktop width
 * and on a 375 px phone: a dropped file is identified with links into the catalog, "Add to the
 * lake" uploads it for real, and the model page's "Compare with parent" opens the heatmap and a
 * sortable table. Screenshots in target/screenshots/identify/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IdentifyBrowserTest extends BrowserPageTest {
    static final Path SCREENSHOTS = WebPagesBrowserTest.SCREENSHOTS.resolve("identify");

    String rootId;
    String childId;
    Path childFile;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        if (!Browser.installed()) {
            return; // each test skips (fails under CI=true) in requireBrowser
        }
        s = new TestServer(dir.resolve("lake"));
        base = "http://127.0.0.1:" + s.server.port();
        TestServer.Reply up = s.upload("base-model", "base.safetensors", TestWeights.safetensors(TestWeights.random(3, 16, 1)));
        assertEquals(201, up.status(), up.body());
        rootId = up.json().get("id").asText();
        s.awaitFinal(rootId, Duration.ofSeconds(90));
        childFile = dir.resolve("tuned.safetensors");
        Files.write(childFile, TestWeights.safetensors(TestWeights.child(TestWeights.random(3, 16, 1), 0.05, 4)));
        b = Browser.start(SCREENSHOTS);
    }

    private void identify() {
        b.find(By.id("file-input")).sendKeys(childFile.toAbsolutePath().toString());
        b.waitUntil(d -> b.findAll(By.cssSelector("#file-list li")).size() == 1 ? true : null);
        b.find(By.id("submit")).click();
        b.visible(By.id("answer-parents"));
    }

    private void noSidewaysScroll(String page) {
        assertEquals(Boolean.FALSE, b.js("return document.documentElement.scrollWidth > window.innerWidth;"),
                page + " scrolls sideways at " + b.js("return window.innerWidth;") + " px");
    }

    @Test
    @Order(1)
    void aDroppedFileIsIdentifiedAtBothWidths() {
        for (Browser.Dimension size : List.of(Browser.DESKTOP, Browser.PHONE)) {
            b.viewport(size);
            b.open(base + "/identify.html");
            assertEquals("page", b.find(By.cssSelector(".navbar a[href='identify.html']")).getAttribute("aria-current"));
            identify();
            WebElement parents = b.find(By.id("answer-parents"));
            WebElement link = parents.findElement(By.cssSelector("a[data-model-id]"));
            assertEquals(rootId, link.getAttribute("data-model-id"));
            assertEquals("base-model", link.getText());
            assertTrue(link.getAttribute("href").endsWith("model.html?id=" + rootId), link.getAttribute("href"));
            assertTrue(parents.getText().contains("fine-tune"), parents.getText());
            assertTrue(b.find(By.id("answer-family")).getText().startsWith("Joins the family of base-model (1 model)"),
                    b.find(By.id("answer-family")).getText());
            assertEquals(rootId, b.find(By.cssSelector("#answer-nearest a")).getAttribute("data-model-id"));
            noSidewaysScroll("identify.html");
        }
        b.screenshotsAsIs("identify-answer");
        assertEquals(1, s.get("/api/stats").json().get("models").asInt(), "identifying added nothing");
    }

    @Test
    @Order(2)
    void addToTheLakeUploadsTheSameFile() throws Exception {
        b.open(base + "/identify.html");
        identify();
        WebElement name = b.visible(By.id("name"));
        assertEquals("tuned", name.getAttribute("value"));
        b.find(By.id("add-to-lake")).click();
        b.waitUntil(d -> d.getCurrentUrl().contains("/model.html?id=") ? true : null);
        childId = b.driver().getCurrentUrl().substring(b.driver().getCurrentUrl().indexOf("id=") + 3);
        assertEquals("tuned", s.get("/api/models/" + childId).json().get("name").asText());
        assertEquals("ready", s.awaitFinal(childId, Duration.ofSeconds(90)).get("status").asText());
        assertEquals(2, s.get("/api/stats").json().get("models").asInt());
    }

    @Test
    @Order(3)
    void theModelPageLinksToACompareWithItsParent() throws IOException {
        for (Browser.Dimension size : List.of(Browser.DESKTOP, Browser.PHONE)) {
            b.viewport(size);
            b.open(base + "/model.html?id=" + childId);
            WebElement compare = b.visible(By.id("compare-parent"));
            assertTrue(compare.getAttribute("href").endsWith("compare.html?a=" + rootId + "&b=" + childId), compare.getAttribute("href"));
            compare.click();
            b.waitUntil(d -> "true".equals(b.find(By.id("heatmap")).getAttribute("data-drawn")) ? true : null);
            assertEquals(1, b.find(By.id("heatmap")).findElements(By.tagName("canvas")).size());
            assertEquals("looks like: full fine-tune", b.find(By.id("compare-summary")).getText());
            assertEquals("base-model → tuned", b.find(By.id("compare-title")).getText());
            List<WebElement> rows = b.findAll(By.cssSelector("#tensor-table tbody tr"));
            assertEquals(3, rows.size());
            // sorted by relative change, largest first; then by name when its header is pressed
            b.find(By.cssSelector("button.sort[data-key='name']")).click();
            assertEquals("ascending", b.find(By.cssSelector("th:has(button[data-key='name'])")).getAttribute("aria-sort"));
            assertEquals(List.of("layer.0.weight", "layer.1.weight", "layer.2.weight"), b.findAll(By.cssSelector(
                    "#tensor-table tbody td.tensor-name")).stream().map(WebElement::getText).toList());
            b.find(By.cssSelector("button.sort[data-key='name']")).click();
            assertEquals("layer.2.weight", b.find(By.cssSelector("#tensor-table tbody td.tensor-name")).getText());
            noSidewaysScroll("compare.html");
        }
        b.screenshotsAsIs("compare");
    }
}
