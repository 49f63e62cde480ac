package dev.pgbridge.server.ui;

import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.openmetadata.Fqn;
import dev.pgbridge.metadata.openmetadata.Requests;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * A table's lineage laid out for an SVG drawn server-side ({@code metadata/lineage.jte}): layers of tables, the table
 * itself in the middle, what it is made from in columns to the left (one column per edge away) and what is made from
 * it to the right; edges are cubic curves from a node's right side to the next node's left side. Inside a column the
 * nodes are ordered by the mean position of their neighbours nearer the middle (one barycentre pass), which keeps the
 * crossings few on the graphs a table page shows. Only coordinates and text here: the template escapes every label.
 */
public record LineageGraph(String title, String description, int width, int height, List<Node> nodes,
                           List<Edge> edges) {
    static final int NODE_WIDTH = 230;
    static final int NODE_HEIGHT = 40;
    static final int GAP_X = 90;
    static final int GAP_Y = 18;
    static final int PAD = 16;
    /** Characters of a label that fit in a node at the stylesheet's font size; longer ones end in an ellipsis. */
    static final int LABEL_CHARS = 28;

    public LineageGraph {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /** A table in the graph: its FQN (the node's tooltip), a short label, the link to its page, its box. */
    public record Node(String fqn, String label, String href, int x, int y, int width, int height, boolean center) {
        public int textX() {
            return x + width / 2;
        }

        public int textY() {
            return y + height / 2 + 5;
        }
    }

    /** An edge: its end tables, the SVG path, where it came from (ViewLineage, …) and its column edges as text. */
    public record Edge(String from, String to, String fromHref, String toHref, String path, String source,
                       List<String> columns) {
        public Edge {
            columns = List.copyOf(columns);
        }
    }

    public boolean isEmpty() {
        return edges.isEmpty();
    }

    public String viewBox() {
        return "0 0 " + width + " " + height;
    }

    /**
     * Lays out the walk from {@code center}: its upstream hops to the left, downstream hops to the right.
     *
     * @param href the link of a table's page
     */
    public static LineageGraph layout(String center, List<CatalogStore.LineageHop> upstream,
                                      List<CatalogStore.LineageHop> downstream, Function<String, String> href) {
        requireNonNull(center, "center is null");
        Map<String, Integer> layer = new LinkedHashMap<>();
        layer.put(center, 0);
        Map<String, CatalogStore.LineageEdge> edges = new LinkedHashMap<>();
        for (CatalogStore.LineageHop hop : upstream) {
            layer.putIfAbsent(hop.edge().from(), -hop.depth());
            edges.putIfAbsent(hop.edge().from() + "\u0000" + hop.edge().to(), hop.edge());
        }
        for (CatalogStore.LineageHop hop : downstream) {
            layer.putIfAbsent(hop.edge().to(), hop.depth());
            edges.putIfAbsent(hop.edge().from() + "\u0000" + hop.edge().to(), hop.edge());
        }

        // order each column by its nodes' neighbours in the column nearer the middle
        TreeMap<Integer, List<String>> columns = new TreeMap<>();
        layer.forEach((fqn, l) -> columns.computeIfAbsent(l, k -> new ArrayList<>()).add(fqn));
        Map<String, Integer> position = new HashMap<>(Map.of(center, 0));
        order(columns, position, edges.values(), layer, -1, -1);
        order(columns, position, edges.values(), layer, 1, 1);

        int tallest = 0;
        for (List<String> column : columns.values()) {
            tallest = Math.max(tallest, column.size());
        }
        int innerHeight = tallest * NODE_HEIGHT + (tallest - 1) * GAP_Y;
        int first = columns.firstKey();
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (Map.Entry<Integer, List<String>> column : columns.entrySet()) {
            List<String> names = column.getValue();
            int x = PAD + (column.getKey() - first) * (NODE_WIDTH + GAP_X);
            int height = names.size() * NODE_HEIGHT + (names.size() - 1) * GAP_Y;
            int y = PAD + (innerHeight - height) / 2;
            for (String fqn : names) {
                nodes.put(fqn, new Node(fqn, label(fqn), href.apply(fqn), x, y, NODE_WIDTH, NODE_HEIGHT,
                        fqn.equals(center)));
                y += NODE_HEIGHT + GAP_Y;
            }
        }
        // each edge leaves and enters at its own point of the node's side, ordered by the other end's height
        Map<String, List<CatalogStore.LineageEdge>> out = new HashMap<>();
        Map<String, List<CatalogStore.LineageEdge>> in = new HashMap<>();
        for (CatalogStore.LineageEdge e : edges.values()) {
            out.computeIfAbsent(e.from(), k -> new ArrayList<>()).add(e);
            in.computeIfAbsent(e.to(), k -> new ArrayList<>()).add(e);
        }
        out.values().forEach(list -> list.sort(Comparator.comparingInt(e -> nodes.get(e.to()).y())));
        in.values().forEach(list -> list.sort(Comparator.comparingInt(e -> nodes.get(e.from()).y())));
        List<Edge> drawn = new ArrayList<>();
        for (CatalogStore.LineageEdge e : edges.values()) {
            Node from = nodes.get(e.from());
            Node to = nodes.get(e.to());
            int y1 = port(from, out.get(e.from()).indexOf(e), out.get(e.from()).size());
            int y2 = port(to, in.get(e.to()).indexOf(e), in.get(e.to()).size());
            List<String> columnEdges = new ArrayList<>();
            for (Requests.ColumnLineage c : e.columns()) {
                columnEdges.add(String.join(", ", c.fromColumns().stream().map(LineageGraph::columnName).toList())
                        + " → " + columnName(c.toColumn()));
            }
            drawn.add(new Edge(e.from(), e.to(), from.href(), to.href(), path(from, y1, to, y2), e.source(), columnEdges));
        }
        int width = 2 * PAD + columns.size() * NODE_WIDTH + (columns.size() - 1) * GAP_X;
        int height = 2 * PAD + innerHeight;
        int up = (int) layer.values().stream().filter(l -> l < 0).count();
        int down = (int) layer.values().stream().filter(l -> l > 0).count();
        String title = "Lineage of " + center;
        String description = title + ": " + up + " upstream and " + down + " downstream table" + (up + down == 1 ? "" : "s")
                + ", " + drawn.size() + " edge" + (drawn.size() == 1 ? "" : "s") + "; the list below names each edge";
        return new LineageGraph(title, description, width, height, List.copyOf(nodes.values()), drawn);
    }

    private static void order(TreeMap<Integer, List<String>> columns, Map<String, Integer> position,
                              Iterable<CatalogStore.LineageEdge> edges, Map<String, Integer> layer, int start, int step) {
        for (int l = start; columns.containsKey(l); l += step) {
            int nearer = l - step;
            Map<String, Double> weight = new HashMap<>();
            for (String fqn : columns.get(l)) {
                double sum = 0;
                int n = 0;
                for (CatalogStore.LineageEdge e : edges) {
                    String other = e.from().equals(fqn) ? e.to() : e.to().equals(fqn) ? e.from() : null;
                    if (other != null && layer.get(other) == nearer && position.containsKey(other)) {
                        sum += position.get(other);
                        n++;
                    }
                }
                weight.put(fqn, n == 0 ? Double.MAX_VALUE : sum / n);
            }
            List<String> column = columns.get(l);
            column.sort(Comparator.<String>comparingDouble(weight::get).thenComparing(Comparator.naturalOrder()));
            for (int i = 0; i < column.size(); i++) {
                position.put(column.get(i), i);
            }
        }
    }

    /** A cubic curve from {@code from}'s right side to {@code to}'s left side, ending where the arrowhead starts. */
    private static String path(Node from, int y1, Node to, int y2) {
        int x1 = from.x() + from.width();
        int x2 = to.x() - 2;
        int bend = Math.max(40, Math.abs(x2 - x1) / 2);
        return "M" + x1 + "," + y1 + " C" + (x1 + bend) + "," + y1 + " " + (x2 - bend) + "," + y2 + " " + x2 + "," + y2;
    }

    /** The height at which the {@code i}-th of {@code n} edges meets a side of {@code node}: spread over its middle half. */
    private static int port(Node node, int i, int n) {
        return node.y() + node.height() / 4 + node.height() / 2 * (i + 1) / (n + 1);
    }

    /** {@code schema.table} of a table FQN, shortened to fit a node. */
    static String label(String fqn) {
        String shortName;
        try {
            List<String> parts = Fqn.split(fqn);
            shortName = parts.size() >= 2 ? Fqn.build(parts.get(parts.size() - 2), parts.get(parts.size() - 1)) : fqn;
        }
        catch (IllegalArgumentException e) {
            shortName = fqn;
        }
        return shortName.codePointCount(0, shortName.length()) <= LABEL_CHARS ? shortName
                : shortName.substring(0, shortName.offsetByCodePoints(0, LABEL_CHARS - 1)) + "…";
    }

    /** {@code table.column} of a column FQN. */
    static String columnName(String columnFqn) {
        try {
            List<String> parts = Fqn.split(columnFqn);
            return parts.size() >= 2 ? Fqn.build(parts.get(parts.size() - 2), parts.get(parts.size() - 1)) : columnFqn;
        }
        catch (IllegalArgumentException e) {
            return columnFqn;
        }
    }
}
