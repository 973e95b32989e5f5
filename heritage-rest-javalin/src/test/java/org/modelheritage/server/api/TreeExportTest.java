package org.modelheritage.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.modelheritage.lake.FamilyTree;
import org.modelheritage.store.Family;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class TreeExportTest {
    static final String HASH = "0".repeat(64);

    final FamilyTree tree = new FamilyTree(new Family("fam-1", HASH, 3, "a"),
            List.of(new FamilyTree.Node("a", "root <\"base\"> & co", true, 10L),
                    new FamilyTree.Node("b", "child", false, 10L),
                    new FamilyTree.Node("c", "back\\slash", false, 10L)),
            List.of(new FamilyTree.Edge("a", "b", 0.75, false), new FamilyTree.Edge("a", "c", 0.125, true)));

    @Test
    void graphmlIsWellFormedAndComplete() throws Exception {
        String xml = TreeExport.graphml(tree);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        assertEquals("directed", ((Element) doc.getElementsByTagName("graph").item(0)).getAttribute("edgedefault"));
        assertEquals(3, doc.getElementsByTagName("node").getLength());
        Element first = (Element) doc.getElementsByTagName("node").item(0);
        assertEquals("a", first.getAttribute("id"));
        assertEquals("root <\"base\"> & co", first.getElementsByTagName("data").item(0).getTextContent());
        Element edge = (Element) doc.getElementsByTagName("edge").item(1);
        assertEquals("a", edge.getAttribute("source"));
        assertEquals("c", edge.getAttribute("target"));
        assertEquals("0.125000", edge.getElementsByTagName("data").item(0).getTextContent());
    }

    @Test
    void dotQuotesNamesAndLabelsEdgesWithConfidence() {
        assertEquals("""
                digraph "family-fam-1" {
                  "a" [label="root <\\"base\\"> & co", root=true, shape=doublecircle];
                  "b" [label="child"];
                  "c" [label="back\\\\slash"];
                  "a" -> "b" [label="0.750000", confidence=0.750000];
                  "a" -> "c" [label="0.125000", confidence=0.125000];
                }
                """, TreeExport.dot(tree));
    }
}
