package org.modelheritage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.modelheritage.read.DType;
import org.modelheritage.read.SafetensorsWriter;
import org.modelheritage.testing.SharedCorpus;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The web pages, end to end, in headless Chromium against the real server (in-process, free
 * port, empty lake in a temp directory): the empty state, the upload form's checks and the
 * server's own error messages, uploads through the form followed until ready, search, a model's
 * lineage and family graph checked against the API, the family page and its exports, keyboard
 * use, and no console errors anywhere. Screenshots of every page at desktop and phone width go to
 * target/screenshots/.
 *
 * <p>The methods share one lake and run in order: the empty lake first, then synthetic models,
 * then (when ../shared/corpus is there) a real model tree.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebPagesBrowserTest extends BrowserPageTest {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    static final Duration PROCESSING = Duration.ofSeconds(90);

    /**
     * Six models of the first tree of the corpus's vit-ft subset (a root, two children, three
     * grandchildren), in every format: a torch zip .bin, a sharded checkpoint with its index, .pt
     * in the legacy format, .pth, .safetensors.
     */
    static final List<String> VIT_FT_TREE = List.of("vit-r0.bin", "vit-r0-c0", "vit-r0-c0-g0.bin", "vit-r0-c0-g1.safetensors",
            "vit-r0-c1.pth", "vit-r0-c1-g0.pt");

    Path dir;
    final Map<String, String> synthetic = new LinkedHashMap<>(); // name -> id

    @BeforeAll
    void start(@TempDir Path tempDir) throws IOException {
        if (!Browser.installed()) {
            return; // each test skips (fails under CI=true) in requireBrowser, where surefire reports it
        }
        dir = tempDir;
        s = new TestServer(dir.resolve("lake"));
        base = "http://127.0.0.1:" + s.server.port();
        if (Files.isDirectory(SCREENSHOTS)) {
            try (Stream<Path> old = Files.list(SCREENSHOTS)) {
                for (Path png : old.filter(p -> p.toString().endsWith(".png")).toList()) {
                    Files.delete(png); // no stale pictures from an earlier run next to this run's
                }
            }
        }
        b = Browser.start(SCREENSHOTS);
    }

    // ------------------------------------------------------------------ the empty lake

    @Test
    @Order(1)
    void emptyLakeShowsZeroTotalsAndTheWayToTheFirstUpload() {
        b.open(base + "/");
        b.waitUntil(d -> textOf("#stat-models", "0"));
        assertEquals("0", b.find(By.id("stat-families")).getText());
        assertEquals("never", b.find(By.id("stat-last")).getText());
        // Every figure on the home page is a live total: no percentages that read like measurements.
        String home = b.find(By.tagName("main")).getText();
        assertFalse(home.matches("(?s).*\\d\\s*%.*"), home);
        assertFalse(b.find(By.cssSelector(".hero-art")).getAttribute("innerHTML").matches("(?s).*\\d\\s*%.*"));
        assertNavbar();
        b.screenshots("home-empty", () -> b.waitUntil(d -> textOf("#stat-models", "0")));

        b.open(base + "/models.html");
        WebElement empty = b.visible(By.id("empty-lake"));
        assertTrue(empty.getText().contains("No models yet"), empty.getText());
        assertFalse(b.find(By.id("filters")).isDisplayed(), "no filters to show in an empty lake");
        assertEquals(0, b.findAll(By.cssSelector("#model-list li")).size());
        b.screenshots("models-empty", () -> b.visible(By.id("empty-lake")));

        b.find(By.id("first-upload")).click();
        b.waitUntil(d -> d.getCurrentUrl().endsWith("/add.html"));
        assertEquals("Add a model", b.visible(By.tagName("h1")).getText());
    }

    // ------------------------------------------------------------------ the upload form

    @Test
    @Order(2)
    void uploadFormChecksTheFilesAndShowsTheServersErrorAsItIs() throws Exception {
        b.open(base + "/add.html");
        b.screenshots("add", () -> b.visible(By.id("dropzone")));

        // Nothing chosen: both fields say what is missing, nothing is sent.
        b.find(By.id("submit")).click();
        assertEquals("Choose at least one weight file.", b.visible(By.id("files-error")).getText());
        assertEquals("Give the model a name.", b.visible(By.id("name-error")).getText());

        // A text file is refused here, before any byte leaves the browser.
        Path notes = Files.writeString(dir.resolve("notes.txt"), "just some notes");
        chooseFiles(List.of(notes));
        assertTrue(b.visible(By.id("files-error")).getText().startsWith("notes.txt: not a weight file"),
                b.find(By.id("files-error")).getText());
        b.find(By.id("submit")).click();
        assertTrue(b.findAll(By.id("upload-error-alert")).isEmpty());
        b.find(By.cssSelector("#file-list button.remove")).click();
        assertEquals(0, b.findAll(By.cssSelector("#file-list li")).size());

        // Bytes that pass the type check but are no weights: the server's 400 message, verbatim.
        byte[] junk = "this is not a weight file at all, just text".getBytes(StandardCharsets.UTF_8);
        Path junkFile = Files.write(dir.resolve("junk.safetensors"), junk);
        chooseFiles(List.of(junkFile));
        assertEquals("junk", b.find(By.id("name")).getAttribute("value"), "the name is suggested from the file");
        b.find(By.id("submit")).click();
        String shown = b.visible(By.id("server-message")).getText();
        TestServer.Reply direct = s.upload("junk", "junk.safetensors", junk);
        assertEquals(400, direct.status());
        assertEquals(direct.json().get("error").asText(), shown);
        assertTrue(shown.startsWith("unreadable weights in 'junk.safetensors'"), shown);
        assertEquals(0, s.get("/api/stats").json().get("models").asLong(), "a refused upload adds nothing");
        assertEquals("Upload model", b.find(By.id("submit")).getText());
        assertTrue(b.find(By.id("submit")).isEnabled(), "the form can be sent again");
        b.screenshotsAsIs("add-error");

        // The failed POST is the only thing the console may report.
        List<String> console = b.takeConsoleErrors();
        assertFalse(console.isEmpty(), "the 400 answer shows in the console as a failed request");
        console.forEach(line -> assertTrue(line.contains("/api/models") && line.contains("status of 400"), line));

        // A model that does not exist: the page says so with the server's 404 message.
        b.open(base + "/model.html?id=no-such-model");
        WebElement alert = b.visible(By.cssSelector("#model-error .alert"));
        assertEquals(s.get("/api/models/no-such-model").json().get("error").asText(), alert.findElement(By.className("message")).getText());
        assertTrue(alert.getText().startsWith("No such model"), alert.getText());
        b.takeConsoleErrors().forEach(line -> assertTrue(line.contains("/api/models/no-such-model") && line.contains("status of 404"), line));
    }

    @Test
    @Order(3)
    void uploadThroughTheFormShowsProgressAndFollowsTheModelUntilReady() throws Exception {
        Map<String, float[]> root = TestWeights.random(4, 96, 41);
        Path rootFile = writeSafetensors(dir.resolve("tiny-root.safetensors"), root);
        Path childFile = writeSafetensors(dir.resolve("tiny-child.safetensors"), TestWeights.child(root, 0.002, 42));

        // Slow the upload down so that the progress bar has to move through the middle.
        b.throttleUploads(60_000);
        List<Integer> seen = new ArrayList<>();
        String rootId;
        try {
            rootId = uploadThroughForm(List.of(rootFile), "tiny-root", "A synthetic base model <b>not bold</b>", seen);
        } finally {
            b.throttleUploads(-1);
        }
        assertTrue(seen.stream().anyMatch(p -> p > 0 && p < 100), "progress seen while uploading: " + seen);
        synthetic.put("tiny-root", rootId);

        // The model page follows the status by itself until the model is ready.
        b.waitUntil(d -> "ready".equals(b.find(By.id("model-view")).getAttribute("data-status")), PROCESSING);
        JsonNode api = s.get("/api/models/" + rootId).json();
        assertEquals("tiny-root", b.find(By.id("model-name")).getText());
        assertEquals("A synthetic base model <b>not bold</b>", b.find(By.id("model-description")).getText(), "shown as text, not markup");
        assertEquals(sha256(Files.readAllBytes(rootFile)), b.find(By.cssSelector("[data-spec=checksum]")).getText());
        assertEquals(api.get("structural_hash").asText(), b.find(By.cssSelector("[data-spec=structural-hash]")).getText());
        assertTrue(b.find(By.cssSelector("[data-spec=parameters]")).getText()
                .contains(String.format(Locale.US, "%,d", api.get("parameter_count").asLong())));
        assertEquals("safetensors", b.find(By.cssSelector("[data-spec=format]")).getText());
        assertEquals("Ready", b.find(By.cssSelector("#model-status .badge")).getText());
        assertTrue(b.find(By.id("timeline")).getText().contains("Processed"));

        String childId = uploadThroughForm(List.of(childFile), "tiny-child", "", null);
        synthetic.put("tiny-child", childId);
        b.waitUntil(d -> "ready".equals(b.find(By.id("model-view")).getAttribute("data-status")), PROCESSING);

        // The same bytes again: the server's 409 message as it is, and a link to the model it has.
        b.open(base + "/add.html");
        chooseFiles(List.of(childFile));
        b.find(By.id("submit")).click();
        String shown = b.visible(By.id("server-message")).getText();
        TestServer.Reply direct = s.upload("again", "tiny-child.safetensors", Files.readAllBytes(childFile));
        assertEquals(409, direct.status());
        assertEquals(direct.json().get("error").asText(), shown);
        WebElement existing = b.find(By.cssSelector("#upload-error-alert a"));
        assertTrue(existing.getAttribute("href").endsWith("model.html?id=" + childId), existing.getAttribute("href"));
        b.screenshotsAsIs("add-duplicate");
        List<String> console = b.takeConsoleErrors();
        console.forEach(line -> assertTrue(line.contains("/api/models") && line.contains("status of 409"), line));
    }

    @Test
    @Order(4)
    void catalogSearchesAsYouTypeAndFilters() {
        b.open(base + "/models.html");
        b.waitUntil(d -> cardNames().size() == synthetic.size() ? true : null);
        assertEquals(List.of("tiny-child", "tiny-root"), cardNames());
        WebElement card = b.find(By.cssSelector("[data-model-id='" + synthetic.get("tiny-root") + "']"));
        JsonNode api = s.get("/api/models/" + synthetic.get("tiny-root")).json();
        String familyId = api.get("family_id").asText();
        assertTrue(card.getText().contains("Ready"), card.getText());
        String rootName = s.get("/api/models/" + api.get("family").get("root_id").asText()).json().get("name").asText();
        assertTrue(card.getText().contains(rootName + " family"), card.getText());
        assertTrue(card.getText().contains(api.get("layer_count").asInt() + " layers"), card.getText());

        // Case-insensitive, as you type (no Enter), the same answer as the API.
        typeSearch("TINY-R");
        b.waitUntil(d -> cardNames().equals(List.of("tiny-root")) ? true : null);
        assertTrue(b.driver().getCurrentUrl().contains("search=TINY-R"));
        typeSearch("no such model");
        assertTrue(b.visible(By.id("no-match")).getText().contains("No models match"));
        b.find(By.id("clear-from-empty")).click();
        b.waitUntil(d -> cardNames().size() == 2 ? true : null);

        // Filters: by family, by size, by upload date.
        new org.openqa.selenium.support.ui.Select(b.find(By.id("family"))).selectByValue(familyId);
        b.waitUntil(d -> cardNames().size() == 2 ? true : null);
        new org.openqa.selenium.support.ui.Select(b.find(By.id("params"))).selectByValue("1e9-1e10");
        assertTrue(b.visible(By.id("no-match")).isDisplayed());
        new org.openqa.selenium.support.ui.Select(b.find(By.id("params"))).selectByValue("0-1e6");
        new org.openqa.selenium.support.ui.Select(b.find(By.id("uploaded"))).selectByValue("1");
        b.waitUntil(d -> cardNames().size() == 2 ? true : null);
        b.find(By.id("clear-filters")).click();
        b.waitUntil(d -> b.find(By.id("clear-filters")).isDisplayed() ? null : true);
    }

    @Test
    @Order(5)
    void keyboardReachesSearchCardsAndTheFilePicker() {
        b.open(base + "/models.html");
        b.waitUntil(d -> cardNames().size() == synthetic.size() ? true : null);
        WebElement search = tabUntil("search", 9);
        assertNotEquals("none", search.getCssValue("box-shadow"), "a visible focus ring");
        search.sendKeys("tiny-child");
        b.waitUntil(d -> cardNames().equals(List.of("tiny-child")) ? true : null);
        WebElement link = tabUntilMatches("a[href^='model.html?id=']", 8);
        link.sendKeys(Keys.ENTER);
        b.waitUntil(d -> d.getCurrentUrl().endsWith("model.html?id=" + synthetic.get("tiny-child")));
        b.visible(By.id("model-name"));

        b.open(base + "/add.html");
        WebElement pick = tabUntil("pick-files", 10);
        assertEquals("button", pick.getTagName());
        assertNotEquals("none", pick.getCssValue("box-shadow"), "a visible focus ring");
    }

    // ------------------------------------------------------------------ edge kinds and a merge

    /**
     * A family with a fine-tune, a quantisation and a two-parent merge (put in the lake's store as
     * the engine will report it, see {@link MergeLineageApiTest}): the model page lists both parents
     * of the merge with kind and weight, heaviest first, each parent lists the merge as a child,
     * the graph draws both incoming edges styled by kind with a legend, and the family page shows
     * both parents in the members table.
     */
    @Test
    @Order(6)
    void aMergeShowsBothParentsAndEveryEdgeItsKind() throws Exception {
        MergeLineageApiTest.MergeFamily f = MergeLineageApiTest.upload(s);
        synthetic.putAll(f.ids);
        String c1 = f.id("merge-c1");
        String c2 = f.id("merge-c2");
        String m = f.id("merge-m");
        String q = f.id("merge-q");
        String root = f.id("merge-base");

        b.open(base + "/model.html?id=" + m);
        b.waitUntil(d -> "ready".equals(b.find(By.id("model-view")).getAttribute("data-status")));
        assertEquals("PARENTS (2) MERGED, HEAVIEST FIRST", b.find(By.id("parent-label")).getText().toUpperCase(Locale.ROOT));
        assertEquals(List.of(c1 + " merge-c1 merge merge · 0.60 90%", c2 + " merge-c2 merge merge · 0.40 80%"),
                lineageItems("#parent li"));
        assertEquals(List.of("0.6", "0.4"), b.findAll(By.cssSelector("#parent li")).stream()
                .map(li -> li.getAttribute("data-weight")).toList());
        assertTrue(b.find(By.id("children")).getText().startsWith("No model was derived"), b.find(By.id("children")).getText());

        JsonNode tree = s.get("/api/families/" + f.familyId + "/tree").json();
        assertGraphDrawn(tree, m);
        @SuppressWarnings("unchecked")
        List<String> drawn = (List<String>) b.js("return window.heritageGraph.body.data.edges.get()"
                + ".map(e => e.from + '>' + e.to + ' ' + e.kind + ' ' + e.weight + ' ' + JSON.stringify(e.dashes) + ' ' + e.color.color);");
        assertEquals(new TreeSet<>(List.of(
                root + ">" + c1 + " fine-tune 1 false #8390b0", root + ">" + c2 + " fine-tune 1 false #8390b0",
                c1 + ">" + q + " quantized 1 [2,4] #0f7a5c", c1 + ">" + m + " merge 0.6 false #b0205c",
                c2 + ">" + m + " merge 0.4 false #b0205c")), new TreeSet<>(drawn));
        assertEquals(List.of("fine-tune", "quantized", "merge"), b.findAll(By.cssSelector("#edge-legend [data-kind]")).stream()
                .map(e -> e.getAttribute("data-kind")).toList());
        assertTrue(b.find(By.id("edge-legend")).isDisplayed());
        b.screenshots("model-merge", () -> {
            b.waitUntil(d -> "ready".equals(b.find(By.id("model-view")).getAttribute("data-status")));
            waitGraph();
        });

        // the merge's heavier parent: the merge and the quantisation as children, with their kinds
        b.open(base + "/model.html?id=" + c1);
        b.waitUntil(d -> "ready".equals(b.find(By.id("model-view")).getAttribute("data-status")));
        assertEquals(List.of(m + " merge-m merge merge · 0.60 90%", q + " merge-q quantized quantized 50%"),
                lineageItems("#children li"));
        assertEquals(List.of(root + " merge-base fine-tune fine-tune 88%"), lineageItems("#parent li"));
        assertEquals("PARENT", b.find(By.id("parent-label")).getText().toUpperCase(Locale.ROOT));
        // and its lighter one
        b.open(base + "/model.html?id=" + c2);
        b.waitUntil(d -> "ready".equals(b.find(By.id("model-view")).getAttribute("data-status")));
        assertEquals(List.of(m + " merge-m merge merge · 0.40 80%"), lineageItems("#children li"));

        // the family page: both parents of the merge in its row, the main one first, kinds beside them
        b.open(base + "/family.html?id=" + f.familyId);
        assertGraphDrawn(tree, null);
        WebElement row = b.find(By.cssSelector("#members tr[data-model-id='" + m + "']"));
        List<String> parents = row.findElements(By.cssSelector(".parent-link")).stream()
                .map(p -> p.getAttribute("data-kind") + " " + p.findElement(By.tagName("a")).getAttribute("href")
                        .replaceFirst(".*id=", "") + " " + p.findElement(By.className("kind-badge")).getText())
                .toList();
        assertEquals(List.of("merge " + c1 + " merge · 0.60", "merge " + c2 + " merge · 0.40"), parents);
        WebElement quantRow = b.find(By.cssSelector("#members tr[data-model-id='" + q + "']"));
        assertEquals("quantized", quantRow.findElement(By.className("kind-badge")).getText());
        assertEquals(List.of("fine-tune", "quantized", "merge"), b.findAll(By.cssSelector("#edge-legend [data-kind]")).stream()
                .map(e -> e.getAttribute("data-kind")).toList());
        b.screenshots("family-merge", () -> waitGraph());

        // on a phone the lineage links keep name, kind and confidence inside the card
        b.open(base + "/model.html?id=" + m);
        b.viewport(Browser.PHONE);
        try {
            b.open(base + "/model.html?id=" + m);
            b.waitUntil(d -> "ready".equals(b.find(By.id("model-view")).getAttribute("data-status")));
            for (WebElement li : b.findAll(By.cssSelector("#parent li"))) {
                WebElement facts = li.findElement(By.className("link-facts"));
                long liRight = li.getRect().getX() + li.getRect().getWidth();
                long factsRight = facts.getRect().getX() + facts.getRect().getWidth();
                assertTrue(factsRight <= liRight, "kind and confidence inside the item: " + factsRight + " > " + liRight);
                assertTrue(li.findElement(By.tagName("a")).isDisplayed());
            }
            assertEquals(Boolean.FALSE, b.js("return document.documentElement.scrollWidth > window.innerWidth;"),
                    "no sideways scrolling on a phone");
        } finally {
            b.viewport(Browser.DESKTOP);
        }
    }

    // ------------------------------------------------------------------ a graph one can read

    /**
     * The family graph keeps the models' names readable at the panel's width: a deep chain is drawn
     * top-down on a desktop and on a phone (not squeezed into one unreadable row), a wide star
     * across a desktop and down a phone, the panel as tall as the tree needs within the window, and
     * on a phone a wide tree drops the start all its members' names share (the tooltip keeps the
     * whole name). Synthetic trees drawn by the page's own module into a panel of the page's width.
     */
    @Test
    @Order(7)
    void familyGraphsKeepNamesReadableOnADesktopAndAPhone() {
        List<String> chain = new ArrayList<>(List.of("chain-half-b0"));
        for (int i = 1; i < 8; i++) {
            chain.add("chain-half-b0-s" + i);
        }
        Map<String, String> chainParents = new LinkedHashMap<>();
        for (int i = 1; i < chain.size(); i++) {
            chainParents.put(chain.get(i), chain.get(i - 1));
        }
        Map<String, String> star = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            star.put("star-b0-c" + i, "star-b0");
        }
        Map<String, String> wide = new LinkedHashMap<>();
        for (String c : List.of("renamed-b0-c0", "renamed-b0-c1", "renamed-b0-c2", "renamed-b0-copy")) {
            wide.put(c, "renamed-b0");
        }
        wide.put("renamed-b0-c0-bf16", "renamed-b0-c0");
        wide.put("renamed-b0-c0-g0", "renamed-b0-c0");
        try {
            for (Browser.Dimension size : List.of(Browser.DESKTOP, Browser.PHONE)) {
                b.viewport(size);
                b.open(base + "/family.html");
                b.waitUntil(d -> Boolean.TRUE.equals(b.js("return !!(window.vis && window.vis.Network);")) ? true : null);
                boolean phone = size == Browser.PHONE;

                Map<String, Object> drawn = drawTestGraph("chain-half-b0", chainParents);
                assertEquals("UD", drawn.get("direction"), size + ": a chain reads down the page " + drawn);
                assertTrue(scale(drawn) >= 0.75, size + ": " + drawn);
                assertTrue(((Number) drawn.get("height")).doubleValue() <= (phone ? 0.75 : 0.8) * ((Number) drawn.get("window")).doubleValue() + 1,
                        size + ": the panel leaves room to scroll past it " + drawn);
                assertEquals(chain, drawn.get("labels"), "names in full when they fit");

                drawn = drawTestGraph("star-b0", star);
                assertEquals(phone ? "LR" : "UD", drawn.get("direction"), size + ": " + drawn);
                assertTrue(scale(drawn) >= 0.9, size + ": " + drawn);

                drawn = drawTestGraph("renamed-b0", wide);
                List<String> full = new ArrayList<>(List.of("renamed-b0"));
                full.addAll(wide.keySet());
                assertEquals(full, drawn.get("titles"), "the tooltips name every model in full");
                assertEquals(phone
                        ? List.of("renamed-b0", "…c0", "…c1", "…c2", "…copy", "…c0-bf16", "…c0-g0")
                        : full, drawn.get("labels"), size + ": " + drawn);
                assertTrue(scale(drawn) >= (phone ? 0.55 : 0.9), size + ": " + drawn);
            }
        } finally {
            b.viewport(Browser.DESKTOP);
        }
    }

    static double scale(Map<String, Object> drawn) {
        return Double.parseDouble(String.valueOf(drawn.get("scale")));
    }

    /**
     * Draws a tree of {@code child -> parent} names (ids are the names) with graph.js into a panel
     * added to the page's main column and returns how it was drawn: direction, scale, panel height,
     * window height, node labels and the first line of each node's tooltip, in the nodes' order.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> drawTestGraph(String root, Map<String, String> parents) {
        List<Map<String, Object>> nodes = new ArrayList<>();
        nodes.add(Map.of("id", root, "name", root, "status", "ready"));
        List<Map<String, Object>> edges = new ArrayList<>();
        parents.forEach((child, parent) -> {
            nodes.add(Map.of("id", child, "name", child, "status", "ready"));
            edges.add(Map.of("from", parent, "to", child, "kind", "fine-tune", "confidence", 0.9, "weight", 1.0));
        });
        Map<String, Object> tree = Map.of("nodes", nodes, "edges", edges, "rootId", root);
        b.js("""
                window.testGraphDrawn = false;
                import('./js/graph.js').then((m) => {
                  document.getElementById('test-graph')?.remove();
                  const c = document.createElement('div');
                  c.id = 'test-graph';
                  c.className = 'graph';
                  document.querySelector('main').prepend(c);
                  m.drawFamilyGraph(c, arguments[0], null);
                  window.testGraphDrawn = true;
                });""", tree);
        b.waitUntil(d -> Boolean.TRUE.equals(b.js("return window.testGraphDrawn && document.getElementById('test-graph').dataset.drawn === 'true';")) ? true : null);
        return (Map<String, Object>) b.js("""
                const c = document.getElementById('test-graph');
                const nodes = window.heritageGraph.body.data.nodes.get();
                return { direction: c.dataset.direction, scale: c.dataset.scale, height: c.clientHeight, window: window.innerHeight,
                  labels: nodes.map((n) => n.label), titles: nodes.map((n) => n.title.split('\\n')[0]) };""");
    }

    /** Each lineage item as "id name data-kind badge confidence". */
    List<String> lineageItems(String css) {
        List<String> out = new ArrayList<>();
        for (WebElement li : b.findAll(By.cssSelector(css))) {
            WebElement a = li.findElement(By.tagName("a"));
            out.add(a.getAttribute("data-model-id") + " " + a.getText() + " " + li.getAttribute("data-kind") + " "
                    + li.findElement(By.className("kind-badge")).getText() + " "
                    + li.findElement(By.className("confidence")).getText());
        }
        return out;
    }

    // ------------------------------------------------------------------ a real tree (corpus)

    @Test
    @Order(10)
    void realTreeUploadedThroughTheFormShowsItsLineageAndFamilyGraph() throws Exception {
        Path vitFt = SharedCorpus.subset("vit-ft");
        Map<String, String> ids = new LinkedHashMap<>();
        for (String entry : VIT_FT_TREE) {
            Path path = vitFt.resolve(entry);
            List<Path> files = Files.isDirectory(path) ? listFiles(path) : List.of(path);
            String name = entry.replaceFirst("\\.(bin|pt|pth|safetensors)$", "");
            ids.put(name, uploadThroughForm(files, name, "", null));
        }
        for (String id : ids.values()) {
            JsonNode done = s.awaitFinal(id, PROCESSING);
            assertEquals("ready", done.get("status").asText(), done.toString());
        }

        // Search finds them as the API does, case-insensitively, in alphabetical order.
        b.open(base + "/models.html");
        b.waitUntil(d -> cardNames().size() == ids.size() + synthetic.size() ? true : null);
        b.screenshots("models", () -> b.waitUntil(d -> cardNames().size() == ids.size() + synthetic.size() ? true : null));
        typeSearch("VIT-R0-C1");
        List<String> expected = names(s.get("/api/models?search=vit-r0-c1").json().get("models"));
        assertEquals(ids.keySet().stream().filter(n -> n.contains("vit-r0-c1")).sorted().toList(), expected);
        assertTrue(expected.size() >= 2, expected.toString());
        b.waitUntil(d -> cardNames().equals(expected) ? true : null);
        b.screenshots("models-search", () -> b.waitUntil(d -> cardNames().equals(expected) ? true : null));

        // Open, from its card, the model with the most lineage links (a parent and children if any has both).
        String chosen = ids.values().stream()
                .max(java.util.Comparator.comparingInt(id -> links(s.get("/api/models/" + id).json())))
                .orElseThrow();
        JsonNode model = s.get("/api/models/" + chosen).json();
        typeSearch(model.get("name").asText());
        b.waitUntil(d -> cardNames().contains(model.get("name").asText()) ? true : null);
        b.find(By.cssSelector("[data-model-id='" + chosen + "'] h3 a")).click();
        b.waitUntil(d -> d.getCurrentUrl().endsWith("model.html?id=" + chosen));
        b.waitUntil(d -> "ready".equals(b.find(By.id("model-view")).getAttribute("data-status")));

        // Parent and children exactly as the API has them, with their confidence.
        JsonNode parent = model.get("lineage").get("parent");
        if (parent.isNull()) {
            assertTrue(b.find(By.id("parent")).getText().startsWith("None"), b.find(By.id("parent")).getText());
        } else {
            WebElement parentLink = b.find(By.cssSelector("#parent a"));
            assertEquals(parent.get("name").asText(), parentLink.getText());
            assertTrue(parentLink.getAttribute("href").endsWith("model.html?id=" + parent.get("id").asText()));
            assertEquals(percent(parent.get("confidence").asDouble()), b.find(By.cssSelector("#parent .confidence")).getText());
        }
        Map<String, String> apiChildren = new LinkedHashMap<>();
        model.get("lineage").get("children").forEach(c -> apiChildren.put(c.get("id").asText(),
                c.get("name").asText() + " " + percent(c.get("confidence").asDouble())));
        Map<String, String> pageChildren = new LinkedHashMap<>();
        for (WebElement li : b.findAll(By.cssSelector("#children li"))) {
            WebElement a = li.findElement(By.tagName("a"));
            pageChildren.put(a.getAttribute("data-model-id"), a.getText() + " " + li.findElement(By.className("confidence")).getText());
        }
        assertEquals(apiChildren, pageChildren);

        // The family graph: drawn on a canvas, one node per member, this model highlighted.
        String familyId = model.get("family_id").asText();
        JsonNode tree = s.get("/api/families/" + familyId + "/tree").json();
        assertGraphDrawn(tree, chosen);
        b.screenshots("model", () -> waitGraph());

        // Clicking another node in the graph (the parent's, if any) opens that model's page.
        String other = parent.isNull() ? ids.values().stream().filter(id -> !id.equals(chosen)).findFirst().orElseThrow()
                : parent.get("id").asText();
        clickGraphNode(other);
        b.waitUntil(d -> d.getCurrentUrl().endsWith("model.html?id=" + other));
        assertEquals(s.get("/api/models/" + other).json().get("name").asText(), b.visible(By.id("model-name")).getText());
        waitGraph();

        // The family page: the whole tree, its root, members with their parents, exports.
        b.find(By.cssSelector(".graph-foot a")).click();
        b.waitUntil(d -> d.getCurrentUrl().endsWith("family.html?id=" + familyId));
        assertGraphDrawn(tree, null);
        String rootId = tree.get("family").get("root_id").asText();
        assertTrue(b.find(By.id("family-root-link")).getAttribute("href").endsWith("model.html?id=" + rootId));
        assertEquals(tree.get("nodes").size(), b.findAll(By.cssSelector("#members tbody tr")).size());
        Map<String, String> parentOf = new LinkedHashMap<>();
        tree.get("edges").forEach(e -> parentOf.put(e.get("child").asText(), e.get("parent").asText()));
        for (WebElement row : b.findAll(By.cssSelector("#members tbody tr"))) {
            String id = row.getAttribute("data-model-id");
            List<WebElement> cells = row.findElements(By.tagName("td"));
            List<WebElement> parentLinks = cells.get(1).findElements(By.tagName("a"));
            if (parentOf.containsKey(id)) {
                assertTrue(parentLinks.get(0).getAttribute("href").endsWith("model.html?id=" + parentOf.get(id)), row.getText());
            } else {
                assertTrue(parentLinks.isEmpty(), row.getText());
            }
        }
        for (String format : List.of("json", "graphml", "dot")) {
            String href = b.find(By.cssSelector("#exports a[data-format=" + format + "]")).getAttribute("href");
            TestServer.Reply export = s.send(HttpRequest.newBuilder(URI.create(href)).GET());
            assertEquals(200, export.status(), href);
            String body = export.body();
            switch (format) {
                case "json" -> assertEquals(tree.get("nodes").size(), export.json().get("nodes").size());
                case "graphml" -> assertTrue(body.contains("<graphml"), body);
                default -> assertTrue(body.startsWith("digraph"), body);
            }
        }
        b.screenshots("family", () -> waitGraph());

        b.open(base + "/family.html");
        b.waitUntil(d -> b.findAll(By.cssSelector("#family-list li")).size() >= 1 ? true : null);
        assertTrue(b.find(By.cssSelector("[data-family-id='" + familyId + "']")).getText().contains(ids.size() + " models"));
        b.screenshots("families", () -> b.visible(By.cssSelector("#family-list li")));

        // Home: live totals equal to the API's.
        b.open(base + "/");
        JsonNode stats = s.get("/api/stats").json();
        b.waitUntil(d -> textOf("#stat-models", String.valueOf(stats.get("models").asLong())));
        assertEquals(String.valueOf(stats.get("families").asLong()), b.find(By.id("stat-families")).getText());
        b.screenshots("home", () -> b.waitUntil(d -> textOf("#stat-models", String.valueOf(stats.get("models").asLong()))));

        // Last, so that every page check above has run: the pages can only show a lineage the lake found.
        assertEquals(tree.get("nodes").size() - 1, tree.get("edges").size(),
                "the lake recovered " + tree.get("edges").size() + " edges for a family of " + tree.get("nodes").size()
                        + " models, so the parent and children links were checked on an incomplete tree");
        assertTrue(links(model) >= 2, "the model page was checked on a model with only " + links(model) + " lineage links");
    }

    /** How many lineage links a model has: its parent and its children. */
    static int links(JsonNode model) {
        JsonNode lineage = model.get("lineage");
        return (lineage.get("parent").isNull() ? 0 : 1) + lineage.get("children").size();
    }

    // ------------------------------------------------------------------ helpers

    /** Chooses files in the form's file input, as the picker or a drop would. */
    void chooseFiles(List<Path> files) {
        String paths = files.stream().map(p -> p.toAbsolutePath().toString()).collect(Collectors.joining("\n"));
        b.find(By.id("file-input")).sendKeys(paths);
        b.waitUntil(d -> b.findAll(By.cssSelector("#file-list li")).size() >= files.size() ? true : null);
    }

    /**
     * Uploads through add.html and returns the new model's id once the browser is on its page.
     * When {@code progress} is given, the progress bar's values are recorded while it moves.
     */
    String uploadThroughForm(List<Path> files, String name, String description, List<Integer> progress) {
        b.open(base + "/add.html");
        chooseFiles(files);
        Set<String> listed = b.findAll(By.cssSelector("#file-list .fname")).stream().map(WebElement::getText)
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(files.stream().map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new)), listed);
        WebElement nameInput = b.find(By.id("name"));
        nameInput.clear();
        nameInput.sendKeys(name);
        if (!description.isEmpty()) {
            b.find(By.id("description")).sendKeys(description);
        }
        b.find(By.id("submit")).click();
        String url = b.waitUntil(d -> {
            if (progress != null) {
                List<WebElement> bar = d.findElements(By.id("progress-bar"));
                if (!bar.isEmpty()) {
                    String now = bar.get(0).getAttribute("aria-valuenow");
                    if (now != null) {
                        progress.add(Integer.parseInt(now));
                    }
                }
            }
            List<WebElement> error = d.findElements(By.id("server-message"));
            if (!error.isEmpty()) {
                throw new AssertionError("upload of " + name + " refused: " + error.get(0).getText());
            }
            String current = d.getCurrentUrl();
            return current.contains("/model.html?id=") ? current : null;
        }, PROCESSING);
        String id = url.substring(url.indexOf("?id=") + 4);
        assertEquals(name, b.visible(By.id("model-name")).getText());
        return id;
    }

    /** The names on the catalog's cards, read in one go (the list is re-rendered as results arrive). */
    @SuppressWarnings("unchecked")
    List<String> cardNames() {
        return (List<String>) b.js("return [...document.querySelectorAll('#model-list .model-card h3 a')].map(a => a.textContent.trim());");
    }

    void typeSearch(String text) {
        WebElement search = b.find(By.id("search"));
        search.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        search.sendKeys(text);
    }

    Boolean textOf(String css, String expected) {
        List<WebElement> found = b.findAll(By.cssSelector(css));
        return !found.isEmpty() && expected.equals(found.get(0).getText()) ? true : null;
    }

    void assertNavbar() {
        WebElement brand = b.find(By.cssSelector(".navbar .brand"));
        assertTrue(brand.getText().contains("Model Heritage"));
        assertEquals(1, brand.findElements(By.tagName("svg")).size(), "the database icon is inline SVG");
        assertEquals("Models", b.find(By.cssSelector(".navbar a[href='models.html']")).getText());
        assertEquals("Add Model", b.find(By.id("nav-add")).getText());
    }

    WebElement tabUntil(String id, int maxTabs) {
        b.js("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);");
        for (int i = 0; i < maxTabs; i++) {
            new Actions(b.driver()).sendKeys(Keys.TAB).perform();
            WebElement active = b.driver().switchTo().activeElement();
            if (id.equals(active.getAttribute("id"))) {
                return active;
            }
        }
        throw new AssertionError("#" + id + " not reached in " + maxTabs + " presses of Tab");
    }

    WebElement tabUntilMatches(String css, int maxTabs) {
        for (int i = 0; i < maxTabs; i++) {
            new Actions(b.driver()).sendKeys(Keys.TAB).perform();
            WebElement active = b.driver().switchTo().activeElement();
            if (Boolean.TRUE.equals(b.js("return arguments[0].matches(arguments[1]);", active, css))) {
                return active;
            }
        }
        throw new AssertionError(css + " not reached in " + maxTabs + " presses of Tab");
    }

    void waitGraph() {
        b.waitUntil(d -> "true".equals(b.find(By.id("graph")).getAttribute("data-drawn")) ? true : null);
    }

    /** The graph shows every node and edge of the API's tree, on a canvas with something drawn on it. */
    void assertGraphDrawn(JsonNode tree, String highlighted) {
        waitGraph();
        WebElement graph = b.find(By.id("graph"));
        assertEquals(String.valueOf(tree.get("nodes").size()), graph.getAttribute("data-node-count"));
        assertEquals(String.valueOf(tree.get("edges").size()), graph.getAttribute("data-edge-count"));
        Set<String> apiNodes = new TreeSet<>();
        tree.get("nodes").forEach(n -> apiNodes.add(n.get("id").asText()));
        @SuppressWarnings("unchecked")
        List<String> drawnNodes = (List<String>) b.js("return window.heritageGraph.body.data.nodes.getIds();");
        assertEquals(apiNodes, new TreeSet<>(drawnNodes));
        Set<String> apiEdges = new TreeSet<>();
        tree.get("edges").forEach(e -> apiEdges.add(e.get("parent").asText() + ">" + e.get("child").asText()));
        @SuppressWarnings("unchecked")
        List<String> drawnEdges = (List<String>) b.js(
                "return window.heritageGraph.body.data.edges.get().map(e => e.from + '>' + e.to);");
        assertEquals(apiEdges, new TreeSet<>(drawnEdges));
        long inked = ((Number) b.js("""
                const c = document.querySelector('#graph canvas');
                const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 0; i < data.length; i += 4) { if (data[i + 3] > 0) n++; }
                return n;""")).longValue();
        assertTrue(inked > 2000, "pixels drawn on the graph canvas: " + inked);
        if (highlighted != null) {
            assertEquals("#3b4fd8", b.js("return window.heritageGraph.body.data.nodes.get(arguments[0]).color.background;", highlighted));
        }
    }

    void clickGraphNode(String nodeId) {
        @SuppressWarnings("unchecked")
        Map<String, Number> at = (Map<String, Number>) b.js(
                "return window.heritageGraph.canvasToDOM(window.heritageGraph.getPosition(arguments[0]));", nodeId);
        WebElement canvas = b.find(By.cssSelector("#graph canvas"));
        // Pointer actions do not scroll: bring the graph into the viewport first.
        b.js("arguments[0].scrollIntoView({block: 'center'});", canvas);
        int dx = (int) Math.round(at.get("x").doubleValue() - canvas.getSize().getWidth() / 2.0);
        int dy = (int) Math.round(at.get("y").doubleValue() - canvas.getSize().getHeight() / 2.0);
        new Actions(b.driver()).moveToElement(canvas, dx, dy).click().perform();
    }

    /** Square F32 matrices written with the project's own safetensors writer. */
    static Path writeSafetensors(Path file, Map<String, float[]> tensors) throws IOException {
        List<SafetensorsWriter.Tensor> list = new ArrayList<>();
        tensors.forEach((name, values) -> {
            long side = Math.round(Math.sqrt(values.length));
            list.add(new SafetensorsWriter.Tensor(name, DType.F32, new long[] {side, side}, values));
        });
        SafetensorsWriter.write(file, list, Map.of());
        return file;
    }

    static List<Path> listFiles(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static List<String> names(JsonNode models) {
        List<String> out = new ArrayList<>();
        models.forEach(m -> out.add(m.get("name").asText()));
        return out;
    }

    static String percent(double confidence) {
        return Math.round(confidence * 100) + "%";
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
