package dev.pgbridge.error;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SuggestionsTest {
    @Test
    void distanceIsLevenshteinCutOffAtTheLimit() {
        assertThat(Suggestions.distance("orders", "orders", 3)).isZero();
        assertThat(Suggestions.distance("ordrs", "orders", 3)).isEqualTo(1);
        assertThat(Suggestions.distance("kitten", "sitting", 5)).isEqualTo(3);
        assertThat(Suggestions.distance("", "abc", 5)).isEqualTo(3);
        assertThat(Suggestions.distance("abcdef", "uvwxyz", 2)).isEqualTo(3);
    }

    @Test
    void aSwapOfTwoNeighboursIsOneEdit() {
        assertThat(Suggestions.distance("dri", "dir", 3)).isEqualTo(1);
        assertThat(Suggestions.distance("tabels", "tables", 3)).isEqualTo(1);
        assertThat(Suggestions.closest("dri", List.of("type", "dir", "max_file_bytes"))).containsExactly("dir");
    }

    @Test
    void closestIgnoresCaseKeepsTheNearestAndLeavesFarWordsOut() {
        assertThat(Suggestions.closest("reed", List.of("read", "write", "cdc", "usage"))).containsExactly("read");
        assertThat(Suggestions.closest("TABLSE", List.of("tables", "columns", "schemas"))).containsExactly("tables");
        assertThat(Suggestions.closest("adress", List.of("address", "database", "user"))).containsExactly("address");
        assertThat(Suggestions.closest("zzz", List.of("read", "write"))).isEmpty();
    }

    @Test
    void aPrefixOfThreeOrMoreCharactersCountsAsNear() {
        assertThat(Suggestions.closest("capt", List.of("capture", "copy", "conn"))).containsExactly("capture");
        assertThat(Suggestions.closest("co", List.of("columns", "conn"))).isEmpty();
    }

    @Test
    void didYouMeanListsAtMostThree() {
        assertThat(Suggestions.didYouMean(List.of())).isNull();
        assertThat(Suggestions.didYouMean(List.of("a"))).isEqualTo("did you mean a?");
        assertThat(Suggestions.didYouMean("t0", List.of("t1", "t2", "t3", "t4"))).isEqualTo("did you mean t1, t2 or t3?");
    }
}
