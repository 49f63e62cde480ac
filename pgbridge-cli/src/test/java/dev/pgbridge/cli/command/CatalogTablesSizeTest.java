package dev.pgbridge.cli.command;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The table form of {@code pgbridge tables} shows sizes as pg_size_pretty does. */
class CatalogTablesSizeTest {
    @Test
    void sizesReadLikePgSizePretty() {
        assertThat(TablesCommand.prettySize(null)).isNull();
        assertThat(TablesCommand.prettySize(0L)).isEqualTo("0 bytes");
        assertThat(TablesCommand.prettySize(8192L)).isEqualTo("8192 bytes");
        assertThat(TablesCommand.prettySize(10L * 1024 - 1)).isEqualTo("10239 bytes");
        assertThat(TablesCommand.prettySize(10L * 1024)).isEqualTo("10 kB");
        assertThat(TablesCommand.prettySize(10L * 1024 + 512)).isEqualTo("11 kB");
        assertThat(TablesCommand.prettySize(24L * 1024 * 1024)).isEqualTo("24 MB");
        assertThat(TablesCommand.prettySize(5L * 1024 * 1024 * 1024 * 1024)).isEqualTo("5120 GB");
    }
}
