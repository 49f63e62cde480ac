package dev.pgbridge.metadata.lineage;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatementTextTest {
    // CREATE USER MAPPING … OPTIONS (password '…') showed the password in warnings and parse errors
    @Test
    void excerptsNeverShowAStringLiteral() {
        assertThat(StatementText.excerpt("CREATE USER MAPPING FOR app SERVER films\n  OPTIONS (user 'app', password 'hunter''2')"))
                .isEqualTo("'CREATE USER MAPPING FOR app SERVER films OPTIONS (user '…', password '…')'");
        assertThat(StatementText.maskLiterals("ALTER ROLE x PASSWORD E'a\\'b' VALID UNTIL 'infinity'"))
                .isEqualTo("ALTER ROLE x PASSWORD '…' VALID UNTIL '…'");
        assertThat(StatementText.maskLiterals("DO $$ BEGIN PERFORM 'x'; END $$; SELECT $q$it's$q$, $1, e, \"it's\""))
                .isEqualTo("DO '…'; SELECT '…', $1, e, \"it's\"");
        assertThat(StatementText.maskLiterals("SELECT 1 -- it's\n, 'secret' /* don't */ FROM t WHERE name = 'a"))
                .isEqualTo("SELECT 1 -- it's\n, '…' /* don't */ FROM t WHERE name = '…'");
        assertThat(StatementText.maskLiterals("SELECT type E'x' FROM t")).as("E alone, not ending a name")
                .isEqualTo("SELECT type '…' FROM t");
        // a literal cut by the 80-character limit is masked before the cut
        assertThat(StatementText.excerpt("SELECT " + "x, ".repeat(22) + "'a-very-long-secret-value'"))
                .doesNotContain("secret").hasSizeLessThanOrEqualTo(83);
    }
}
