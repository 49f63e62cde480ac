package dev.pgbridge.cdc.sink;

import dev.pgbridge.cdc.engine.CaptureConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The {@code sink:} section of a capture config, as {@link CaptureConfig} parses it into {@link SinkSettings}. */
class SinkSettingsTest {
    private static final String SOURCE = "address: db:5432\ndatabase: shop\nuser: capture\n";

    private static SinkSettings parse(String sink) {
        return CaptureConfig.parse(SOURCE + sink).sink().settings();
    }

    private static PgBridgeException problems(String sink) {
        return catchThrowableOfType(PgBridgeException.class, () -> CaptureConfig.parse(SOURCE + sink));
    }

    @Test
    void kafka() {
        assertThat(parse("sink: {type: kafka, bootstrapServers: \"k1:9092, [::1]:9093\", topicPrefix: shop}\n"))
                .isEqualTo(new SinkSettings.Kafka("k1:9092, [::1]:9093", "shop"));
    }

    @Test
    void postgresByConnectionIdOrUrl() {
        assertThat(parse("sink: {type: postgres, connection: warehouse, schema: cdc}\n"))
                .isEqualTo(new SinkSettings.Postgres("warehouse", null, "cdc"));
        CaptureConfig byUrl = CaptureConfig.parse(SOURCE
                + "sink: {type: postgres, url: \"postgresql://u:hunter2@wh:5433/dw\", schema: Mirror}\n");
        SinkSettings.Postgres p = (SinkSettings.Postgres) byUrl.sink().settings();
        assertThat(p.url().reveal()).isEqualTo("postgresql://u:hunter2@wh:5433/dw");
        assertThat(p.schema()).isEqualTo("Mirror");
        assertThat(p.toString()).doesNotContain("hunter2");
        assertThat(byUrl.toString()).doesNotContain("hunter2");
    }

    @Test
    void jsonlAndStdoutStillWork() {
        assertThat(parse("sink: {type: jsonl, dir: /tmp/x}\n"))
                .isEqualTo(new SinkSettings.JsonLines(Path.of("/tmp/x"), 128L << 20));
        assertThat(parse("sink: {type: stdout}\n")).isEqualTo(new SinkSettings.Stdout());
    }

    @Test
    void everyKafkaProblemAtOnce() {
        PgBridgeException e = problems("sink: {type: kafka, bootstrapServers: \"k1, k2:x\", topicPrefix: \"a b\", "
                + "dir: /x, schema: s}\n");
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(e.getMessage())
                .contains("has 5 problems")
                .contains("sink.dir is for type jsonl; the kafka sink takes bootstrapServers, topicPrefix")
                .contains("sink.schema is for type postgres; the kafka sink takes bootstrapServers, topicPrefix")
                .contains("sink.bootstrapServers has 'k1'; write host:port, several separated by commas")
                .contains("sink.bootstrapServers has 'k2:x'")
                .contains("sink.topicPrefix 'a b' is not a valid topic name start; allowed: 1 to 200 of ASCII "
                        + "letters, digits, '.', '_' and '-'");
        assertThat(problems("sink: {type: kafka}\n").getMessage())
                .contains("sink.bootstrapServers is missing")
                .contains("sink.topicPrefix is missing");
    }

    @Test
    void everyPostgresProblemAtOnceWithoutTheUrl() {
        PgBridgeException e = problems("sink: {type: postgres, connection: \"bad id!\", url: \"host=h port=x "
                + "password=hunter2\", topicPrefix: t}\n");
        assertThat(e.getMessage())
                .contains("has 5 problems")
                .contains("sink.topicPrefix is for type kafka; the postgres sink takes connection, url, schema")
                .contains("sink.connection and sink.url are both given; keep one of them")
                .contains("sink.connection 'bad id!' is not a connection id")
                .contains("sink.url is not a libpq URL")
                .contains("sink.schema is missing")
                .doesNotContain("hunter2");
        assertThat(problems("sink: {type: postgres, schema: s}\n").getMessage())
                .contains("sink.connection or sink.url is missing");
    }

    @Test
    void anUnknownTypeListsTheFourChoices() {
        assertThat(problems("sink: {type: kafak}\n").getMessage())
                .contains("sink.type is 'kafak'; allowed: jsonl, stdout, kafka, postgres");
        assertThat(problems("sink: {type: postgres, connection: c, schema: s, partitions: 3}\n").getMessage())
                .contains("unknown key 'sink.partitions'; valid keys under sink: type, dir, max_file_bytes, "
                        + "bootstrapServers, topicPrefix, connection, url, schema");
    }
}
