package dev.pgbridge.server.ui;

import dev.pgbridge.metadata.catalogstore.CatalogStore;
import dev.pgbridge.metadata.openmetadata.Requests;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class LineageGraphTest {
    private static final Function<String, String> HREF = MetadataPages::href;

    private static CatalogStore.LineageHop hop(int depth, String from, String to) {
        return new CatalogStore.LineageHop(depth, new CatalogStore.LineageEdge(from, to, "ViewLineage", null,
                List.of(new Requests.ColumnLineage(List.of(from + ".id"), to + ".id"))));
    }

    private static Map<String, LineageGraph.Node> nodes(LineageGraph graph) {
        return graph.nodes().stream().collect(Collectors.toMap(LineageGraph.Node::fqn, n -> n));
    }

    @Test
    void upstreamIsLeftByDepthAndDownstreamRight() {
        LineageGraph graph = LineageGraph.layout("s.d.x.mid",
                List.of(hop(1, "s.d.x.a", "s.d.x.mid"), hop(1, "s.d.x.b", "s.d.x.mid"), hop(2, "s.d.x.root", "s.d.x.a")),
                List.of(hop(1, "s.d.x.mid", "s.d.x.out")), HREF);
        Map<String, LineageGraph.Node> n = nodes(graph);
        assertThat(n.get("s.d.x.root").x()).isLessThan(n.get("s.d.x.a").x());
        assertThat(n.get("s.d.x.a").x()).isEqualTo(n.get("s.d.x.b").x()).isLessThan(n.get("s.d.x.mid").x());
        assertThat(n.get("s.d.x.mid").x()).isLessThan(n.get("s.d.x.out").x());
        assertThat(n.get("s.d.x.mid").center()).isTrue();
        assertThat(n.get("s.d.x.a").y()).isNotEqualTo(n.get("s.d.x.b").y());
        assertThat(graph.edges()).hasSize(4);
        assertThat(graph.width()).isEqualTo(2 * LineageGraph.PAD + 4 * LineageGraph.NODE_WIDTH + 3 * LineageGraph.GAP_X);
        for (LineageGraph.Node node : graph.nodes()) {
            assertThat(node.x() + node.width()).isLessThanOrEqualTo(graph.width());
            assertThat(node.y() + node.height()).isLessThanOrEqualTo(graph.height());
        }
        assertThat(graph.description()).contains("3 upstream and 1 downstream tables, 4 edges");
        // the two edges into mid enter at different heights, each curve starts at its source's right side
        LineageGraph.Edge fromA = graph.edges().stream().filter(e -> e.from().equals("s.d.x.a")
                && e.to().equals("s.d.x.mid")).findFirst().orElseThrow();
        LineageGraph.Edge fromB = graph.edges().stream().filter(e -> e.from().equals("s.d.x.b")).findFirst().orElseThrow();
        assertThat(fromA.path()).startsWith("M" + (n.get("s.d.x.a").x() + LineageGraph.NODE_WIDTH) + ",");
        assertThat(end(fromA.path())).isNotEqualTo(end(fromB.path()));
        assertThat(fromA.columns()).containsExactly("a.id → mid.id");
        assertThat(fromA.toHref()).isEqualTo("/metadata/tables/s.d.x.mid");
    }

    @Test
    void aCycleKeepsEachTableOnce() {
        LineageGraph graph = LineageGraph.layout("s.d.x.a", List.of(hop(1, "s.d.x.b", "s.d.x.a")),
                List.of(hop(1, "s.d.x.a", "s.d.x.b")), HREF);
        assertThat(graph.nodes()).extracting(LineageGraph.Node::fqn).containsExactlyInAnyOrder("s.d.x.a", "s.d.x.b");
        assertThat(graph.edges()).hasSize(2);
    }

    @Test
    void noEdgesIsAnEmptyGraph() {
        assertThat(LineageGraph.layout("s.d.x.a", List.of(), List.of(), HREF).isEmpty()).isTrue();
    }

    @Test
    void labelsAreSchemaAndTableShortenedByCodePoints() {
        assertThat(LineageGraph.label("svc.db.sales.\"v2.archive\"")).isEqualTo("sales.\"v2.archive\"");
        String longName = "svc.db.s." + "🔑".repeat(40);
        String label = LineageGraph.label(longName);
        assertThat(label).endsWith("…");
        assertThat(label.codePointCount(0, label.length())).isEqualTo(LineageGraph.LABEL_CHARS);
        assertThat(Character.isLowSurrogate(label.charAt(label.length() - 2))).as("no emoji cut in half").isTrue();
    }

    @Test
    void pathSegmentsKeepDotsAndEncodeQuotesSlashesAndSpaces() {
        assertThat(MetadataPages.pathSegment("svc.db.s.\"a b/c+d\"")).isEqualTo("svc.db.s.%22a%20b%2Fc%2Bd%22");
    }

    private static String end(String path) {
        return path.substring(path.lastIndexOf(' ') + 1);
    }
}
