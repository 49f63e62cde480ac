package dev.pgbridge.catalog;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CatalogNameSuggestionsTest {
    private static NameSuggestions.Candidate c(String key, String display, int order) {
        return new NameSuggestions.Candidate(key, display, order);
    }

    @Test
    void aCaseOnlyDifferenceComesBeforeATypoAndFarNamesAreLeftOut() {
        List<NameSuggestions.Candidate> candidates = List.of(
                c("orderz", "orderz", 0), c("Orders", "\"Orders\"", 0), c("customers", "customers", 0));
        assertThat(NameSuggestions.closest("ORDERS", candidates)).containsExactly("\"Orders\"", "orderz");
    }

    @Test
    void amongEquallyNearNamesTheCaseAsTypedThenTheOrderDecide() {
        List<NameSuggestions.Candidate> schemas = List.of(c("Sales", "\"Sales\"", 0), c("sales", "sales", 0));
        assertThat(NameSuggestions.closest("sale", schemas)).containsExactly("sales", "\"Sales\"");
        assertThat(NameSuggestions.closest("SALES", schemas)).containsExactly("\"Sales\"", "sales");
        List<NameSuggestions.Candidate> tables = List.of(c("orders", "sales.orders", 1), c("orders", "orders", 0));
        assertThat(NameSuggestions.closest("ordrs", tables)).containsExactly("orders", "sales.orders");
    }

    @Test
    void atMostThreeDistinctSuggestions() {
        List<NameSuggestions.Candidate> candidates = List.of(c("t1", "t1", 0), c("t2", "t2", 0), c("t3", "t3", 0),
                c("t4", "t4", 0), c("t1", "t1", 1));
        assertThat(NameSuggestions.closest("t0", candidates)).containsExactly("t1", "t2", "t3");
    }

    @Test
    void shortNamesAllowOneEditLongOnesUpToThree() {
        assertThat(NameSuggestions.closest("ab", List.of(c("xy", "xy", 0)))).isEmpty();
        assertThat(NameSuggestions.closest("ab", List.of(c("ax", "ax", 0)))).containsExactly("ax");
        assertThat(NameSuggestions.closest("customer_addresses", List.of(c("customer_adresss", "customer_adresss", 0))))
                .containsExactly("customer_adresss");
        assertThat(NameSuggestions.closest("customer_addresses", List.of(c("customer_ad", "customer_ad", 0)))).isEmpty();
    }

    @Test
    void hintListsTheNamesAndExplainsQuotingOnlyWhenOneIsQuoted() {
        assertThat(NameSuggestions.hint(List.of("sales.orders"), "fallback")).isEqualTo("did you mean sales.orders?");
        assertThat(NameSuggestions.hint(List.of("a", "b"), "fallback")).isEqualTo("did you mean a or b?");
        assertThat(NameSuggestions.hint(List.of("a", "b", "c"), "fallback")).isEqualTo("did you mean a, b or c?");
        assertThat(NameSuggestions.hint(List.of(), "fallback")).isEqualTo("fallback");
        assertThat(NameSuggestions.hint(List.of("\"Sales\".\"Orders\""), "fallback")).isEqualTo(
                "did you mean \"Sales\".\"Orders\"? (double quotes keep the case of a name; in a shell, put the whole"
                        + " name in single quotes: '\"Sales\".\"Orders\"')");
        assertThat(NameSuggestions.hint(List.of("\"it's\""), "f")).endsWith("'\"it'\\''s\"')");
    }
}
