package dev.pgbridge.metadata.ingest;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class FilterPatternTest {
    @Test
    void excludesWinOverIncludes() {
        FilterPattern f = new FilterPattern(List.of(Pattern.compile("sales.*")), List.of(Pattern.compile(".*_tmp$")));
        assertThat(f.filters("sales")).isFalse();
        assertThat(f.filters("sales_tmp")).isTrue();
        assertThat(f.filters("inventory")).isTrue();
    }

    @Test
    void matchesFromTheStartLikePythonReMatch() {
        FilterPattern f = new FilterPattern(List.of(Pattern.compile("orders")), List.of());
        assertThat(f.filters("orders_2024")).as("re.match does not anchor the end").isFalse();
        assertThat(f.filters("old_orders")).as("re.match anchors the start").isTrue();
    }

    @Test
    void matchesIgnoringCaseAsOpenMetadata() {
        // includes: ['^sales$'] skipped schema Sales, which OpenMetadata (re.IGNORECASE) ingests
        FilterPattern f = new FilterPattern(List.of(Pattern.compile("^sales$")), List.of(Pattern.compile(".*_TMP$")));
        assertThat(f.filters("Sales")).isFalse();
        assertThat(f.filters("SALES")).isFalse();
        assertThat(f.filters("sales2")).isTrue();
        assertThat(f.filters("Sales_tmp")).isTrue();
        assertThat(new FilterPattern(List.of(), List.of(Pattern.compile("^straße$"))).filters("STRAßE"))
                .as("Unicode case too, as Python 3's re").isTrue();
        assertThat(new FilterPattern(List.of(Pattern.compile("orders")), List.of(Pattern.compile(".*_tmp$")))
                .filters("orders_TMP")).as("excludes still win").isTrue();
    }

    @Test
    void noPatternsFilterNothing() {
        assertThat(FilterPattern.NONE.filters("anything")).isFalse();
        assertThat(new FilterPattern(List.of(), List.of(Pattern.compile("x"))).filters("y")).isFalse();
    }
}
