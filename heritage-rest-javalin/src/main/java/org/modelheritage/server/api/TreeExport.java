package org.modelheritage.server.api;

import java.util.Locale;
import org.modelheritage.lake.FamilyTree;
import org.modelheritage.lineage.LineageEdge;

/**
 * Writes a family tree as GraphML or Graphviz DOT. Our own few lines rather than JGraphT's
 * jgrapht-io: the graphs are tiny, the attributes fixed, and jgrapht-io would bring ANTLR and
 * commons-text into the server for two string builders.
 */
final class TreeExport {
    private TreeExport() {
    }

    static String graphml(FamilyTree tree) {
        StringBuilder sb = new StringBuilder(256 + 160 * tree.nodes().size());
        sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"")
                .append(" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"")
                .append(" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n")
                .append("  <key id=\"name\" for=\"node\" attr.name=\"name\" attr.type=\"string\"/>\n")
                .append("  <key id=\"root\" for=\"node\" attr.name=\"root\" attr.type=\"boolean\"/>\n")
                .append("  <key id=\"confidence\" for=\"edge\" attr.name=\"confidence\" attr.type=\"double\"/>\n")
                .append("  <key id=\"kind\" for=\"edge\" attr.name=\"kind\" attr.type=\"string\"/>\n")
                .append("  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n")
                .append("  <graph id=\"family-").append(xml(tree.family().id())).append("\" edgedefault=\"directed\">\n");
        for (FamilyTree.Node n : tree.nodes()) {
            sb.append("    <node id=\"").append(xml(n.id())).append("\">")
                    .append("<data key=\"name\">").append(xml(n.name())).append("</data>")
                    .append("<data key=\"root\">").append(n.root()).append("</data></node>\n");
        }
        int i = 0;
        for (LineageEdge e : tree.edges()) {
            sb.append("    <edge id=\"e").append(i++).append("\" source=\"").append(xml(e.parentId()))
                    .append("\" target=\"").append(xml(e.childId())).append("\">")
                    .append("<data key=\"confidence\">").append(number(e.confidence())).append("</data>")
                    .append("<data key=\"kind\">").append(xml(e.kind().label())).append("</data>")
                    .append("<data key=\"weight\">").append(number(e.weight())).append("</data></edge>\n");
        }
        return sb.append("  </graph>\n</graphml>\n").toString();
    }

    static String dot(FamilyTree tree) {
        StringBuilder sb = new StringBuilder(64 + 80 * tree.nodes().size());
        sb.append("digraph ").append(quote("family-" + tree.family().id())).append(" {\n");
        for (FamilyTree.Node n : tree.nodes()) {
            sb.append("  ").append(quote(n.id())).append(" [label=").append(quote(n.name()))
                    .append(n.root() ? ", root=true, shape=doublecircle" : "").append("];\n");
        }
        for (LineageEdge e : tree.edges()) {
            String c = number(e.confidence());
            String w = number(e.weight());
            sb.append("  ").append(quote(e.parentId())).append(" -> ").append(quote(e.childId()))
                    .append(" [label=").append(quote(label(e))).append(", confidence=").append(c)
                    .append(", kind=").append(quote(e.kind().label())).append(", weight=").append(w);
            String style = style(e.kind().label());
            if (style != null) {
                sb.append(", style=").append(style);
            }
            sb.append("];\n");
        }
        return sb.append("}\n").toString();
    }

    /**
     * The edge's label: the confidence for a fine-tune, the kind before it otherwise, and a merge's
     * weight after its kind ({@code merge 0.40, 0.950000}).
     */
    private static String label(LineageEdge e) {
        String c = number(e.confidence());
        if (e.merge()) {
            return String.format(Locale.ROOT, "merge %.2f, %s", e.weight(), c);
        }
        return "fine-tune".equals(e.kind().label()) ? c : e.kind().label() + ", " + c;
    }

    /** Graphviz line style per kind: a copy dashed, a quantisation dotted, a merge bold; the others solid. */
    private static String style(String kind) {
        return switch (kind) {
            case "duplicate" -> "dashed";
            case "quantized" -> "dotted";
            case "merge" -> "bold";
            default -> null;
        };
    }

    private static String number(double d) {
        return String.format(Locale.ROOT, "%.6f", d);
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"', '\\' -> sb.append('\\').append(c);
                case '\n' -> sb.append("\\n");
                case '\r' -> { }
                default -> sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    private static String xml(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                    // XML 1.0 forbids most control characters even escaped: drop them.
                    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
