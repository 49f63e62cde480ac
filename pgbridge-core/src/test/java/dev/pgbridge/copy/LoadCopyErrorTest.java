package dev.pgbridge.copy;

import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LoadCopyErrorTest {
    /** A server error as pgjdbc receives it: fields of one letter each, NUL-separated. */
    private static SQLException serverError(String state, String message, String where, String column) {
        StringBuilder raw = new StringBuilder("SERROR\0VERROR\0C").append(state).append("\0M").append(message).append('\0');
        if (where != null) {
            raw.append('W').append(where).append('\0');
        }
        if (column != null) {
            raw.append('c').append(column).append('\0');
        }
        return new PSQLException(new ServerErrorMessage(raw.toString()));
    }

    @Test
    void theContextGivesTheCopyLineAndColumn() {
        SQLException e = serverError("22P02", "invalid input syntax for type integer: \"x\"",
                "COPY orders, line 3, column amount: \"x\"", null);
        assertThat(LoadCopyError.of(e, List.of("id", "amount"))).contains(
                new LoadCopyError(3, "amount", "invalid input syntax for type integer: \"x\"", "22P02"));
    }

    @Test
    void aColumnNameWithCommaColonAndSpacesIsFoundAmongTheKnownNames() {
        SQLException e = serverError("22P02", "bad", "COPY t, line 12, column a, b: c: \"v\"", null);
        assertThat(LoadCopyError.of(e, List.of("a", "a, b: c"))).get()
                .extracting(LoadCopyError::copyLine, LoadCopyError::column).containsExactly(12L, "a, b: c");
    }

    @Test
    void aConstraintErrorHasTheLineAndTheColumnTheServerNames() {
        SQLException e = serverError("23502", "null value in column \"id\" of relation \"t\" violates not-null constraint",
                "COPY t, line 7: \"\\N,x\"", "id");
        assertThat(LoadCopyError.of(e, List.of("id", "note"))).get()
                .extracting(LoadCopyError::copyLine, LoadCopyError::column, LoadCopyError::sqlState)
                .containsExactly(7L, "id", "23502");
    }

    @Test
    void aTranslatedContextStillGivesTheLine() {
        SQLException e = serverError("22P02", "ungültige Eingabesyntax", "COPY t, Zeile 42, Spalte n: \"x\"", null);
        assertThat(LoadCopyError.of(e, List.of("n"))).get()
                .extracting(LoadCopyError::copyLine, LoadCopyError::column).containsExactly(42L, "n");
    }

    @Test
    void anErrorWithoutCopyContextHasNoRow() {
        assertThat(LoadCopyError.of(serverError("42P01", "relation does not exist", null, null), List.of())).isEmpty();
        assertThat(LoadCopyError.of(serverError("23503", "fk", "SQL statement \"SELECT 1\"", null), List.of())).isEmpty();
        assertThat(LoadCopyError.of(new SQLException("no server fields"), List.of())).isEmpty();
    }

    @Test
    void describeSaysWhereWhatAndTheState() {
        assertThat(new LoadCopyError(3, "amount", "bad value", "22P02").describe("line 4"))
                .isEqualTo("line 4, column \"amount\": bad value (SQLSTATE 22P02)");
        assertThat(new LoadCopyError(3, null, "dup", "23505").describe("line 4")).isEqualTo("line 4: dup (SQLSTATE 23505)");
    }
}
