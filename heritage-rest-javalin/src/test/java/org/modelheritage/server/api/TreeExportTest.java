package org.modelheritage.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.modelheritage.lake.FamilyTree;
import org.modelheritage.lineage.EdgeKind;
import org.modelheritage.lineage.LineageEdge;
import org.modelheritage.store.Family;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

class TreeExportTest {
    static final String HASH = "0".repeat(64);

    final FamilyTree tree = new FamilyTree(new Family("fam-1", HASH, 3, "a"),
            List.of(new FamilyTree.Node("a", "root <\"base\"> & co", true, 10L),
                    new FamilyTree.Node("b", "child", false, 10L),
                    new FamilyTree.Node("c", "back\\slash", false, 10L)),
            List.of(new LineageEdge("a", "b", 0.75, EdgeKind.FINE_TUNE), new LineageEdge("a", "c", 0.125, EdgeKind.DUPLICATE)));

    /** a → b fine-tune, a → q quantized, m merged from b (0.4) and q (0.6), m → x adapter. */
    final FamilyTree merge = new FamilyTree(new Family("fam-2", HASH, 5, "a"),
            List.of(new FamilyTree.Node("a", "base", true, 10L), new FamilyTree.Node("b", "b", false, 10L),
                    new FamilyTree.Node("m", "merged", false, 10L), new FamilyTree.Node("q", "q8", false, 10L),
                    new FamilyTree.Node("x", "x", false, 10L)),
            List.of(new LineageEdge("a", "b", 0.5, EdgeKind.FINE_TUNE), new LineageEdge("a", "q", 0.875, EdgeKind.QUANTIZED),
                    new LineageEdge("b", "m", 0.9, EdgeKind.MERGE, 0.4), new LineageEdge("m", "x", 0.25, EdgeKind.ADAPTER),
                    new LineageEdge("q", "m", 0.8, EdgeKind.MERGE, 0.6)));

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
        assertEquals("duplicate", edge.getElementsByTagName("data").item(1).getTextContent());
        assertEquals("1.000000", edge.getElementsByTagName("data").item(2).getTextContent());
    }

    @Test
    void graphmlCarriesEveryEdgeOfAMergeWithKindAndWeight() throws Exception {
        String xml = TreeExport.graphml(merge);
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        List<String> keys = new java.util.ArrayList<>();
        for (int i = 0; i < doc.getElementsByTagName("key").getLength(); i++) {
            Element k = (Element) doc.getElementsByTagName("key").item(i);
            keys.add(k.getAttribute("for") + ":" + k.getAttribute("attr.name") + ":" + k.getAttribute("attr.type"));
        }
        assertEquals(List.of("node:name:string", "node:root:boolean", "edge:confidence:double", "edge:kind:string",
                "edge:weight:double"), keys);
        List<String> edges = new java.util.ArrayList<>();
        for (int i = 0; i < doc.getElementsByTagName("edge").getLength(); i++) {
            Element e = (Element) doc.getElementsByTagName("edge").item(i);
            var data = e.getElementsByTagName("data");
            edges.add(e.getAttribute("source") + ">" + e.getAttribute("target") + " " + data.item(1).getTextContent()
                    + " " + data.item(2).getTextContent() + " " + data.item(0).getTextContent());
        }
        assertEquals(List.of("a>b fine-tune 1.000000 0.500000", "a>q quantized 1.000000 0.875000",
                "b>m merge 0.400000 0.900000", "m>x adapter 1.000000 0.250000", "q>m merge 0.600000 0.800000"), edges);
    }

    @Test
    void dotDrawsBothParentsOfAMergeAndStylesEdgesByKind() {
        assertEquals("""
                digraph "family-fam-2" {
                  "a" [label="base", root=true, shape=doublecircle];
                  "b" [label="b"];
                  "m" [label="merged"];
                  "q" [label="q8"];
                  "x" [label="x"];
                  "a" -> "b" [label="0.500000", confidence=0.500000, kind="fine-tune", weight=1.000000];
                  "a" -> "q" [label="quantized, 0.875000", confidence=0.875000, kind="quantized", weight=1.000000, style=dotted];
                  "b" -> "m" [label="merge 0.40, 0.900000", confidence=0.900000, kind="merge", weight=0.400000, style=bold];
                  "m" -> "x" [label="adapter, 0.250000", confidence=0.250000, kind="adapter", weight=1.000000];
                  "q" -> "m" [label="merge 0.60, 0.800000", confidence=0.800000, kind="merge", weight=0.600000, style=bold];
                }
                """, TreeExport.dot(merge));
    }

    @Test
    void dotQuotesNamesAndLabelsEdgesWithConfidence() {
        assertEquals("""
                digraph "family-fam-1" {
                  "a" [label="root <\\"base\\"> & co", root=true, shape=doublecircle];
                  "b" [label="child"];
                  "c" [label="back\\\\slash"];
                  "a" -> "b" [label="0.750000", confidence=0.750000, kind="fine-tune", weight=1.000000];
                  "a" -> "c" [label="duplicate, 0.125000", confidence=0.125000, kind="duplicate", weight=1.000000, style=dashed];
                }
                """, TreeExport.dot(tree));
    }
}
