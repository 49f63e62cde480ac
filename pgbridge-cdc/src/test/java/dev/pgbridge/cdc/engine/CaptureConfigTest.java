package dev.pgbridge.cdc.engine;

import dev.pgbridge.cdc.event.TableId;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class CaptureConfigTest {
    @Test
    void estuaryNamesAndDefaults() {
        CaptureConfig c = CaptureConfig.parse("""
                address: db.example.com:6543
                database: shop
                user: capture
                password: "s3cr@t é"
                bindings:
                  - {namespace: public, stream: orders}
                  - {namespace: Sales, stream: "Line Items"}
                sink: {type: jsonl, dir: /tmp/out}
                """);
        assertThat(c.host()).isEqualTo("db.example.com");
        assertThat(c.port()).isEqualTo(6543);
        assertThat(c.slotName()).isEqualTo("flow_slot");
        assertThat(c.publicationName()).isEqualTo("flow_publication");
        assertThat(c.watermarksTable()).isEqualTo(new TableId("public", "flow_watermarks"));
        assertThat(c.backfillChunkSize()).isEqualTo(4096);
        assertThat(c.sslMode()).isEqualTo("prefer");
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.name()).isEqualTo("flow_slot");
        assertThat(c.bindings()).containsExactly(new TableId("public", "orders"), new TableId("Sales", "Line Items"));
        assertThat(c.sink().dir()).isEqualTo(Path.of("/tmp/out"));
        assertThat(c.password().reveal()).isEqualTo("s3cr@t é");
        assertThat(c.toString()).doesNotContain("s3cr@t").contains("password=****");
        assertThat(c.sourceConnection().orElseThrow().extraValue("sslmode")).isEqualTo("prefer");
    }

    @Test
    void advancedKeysAndConnectionId() {
        CaptureConfig c = CaptureConfig.parse("""
                connection: shop_prod
                database: shop
                advanced:
                  slotName: my_slot
                  publicationName: my_pub
                  watermarksTable: meta.marks
                  backfill_chunk_size: 100
                  skip_backfills: public.a, public.b
                  sslmode: verify-full
                  heartbeat_interval: 5
                sink: {type: stdout}
                """);
        assertThat(c.connection()).isEqualTo("shop_prod");
        assertThat(c.sourceConnection()).isEmpty();
        assertThat(c.slotName()).isEqualTo("my_slot");
        assertThat(c.skipBackfills()).containsExactly(new TableId("public", "a"), new TableId("public", "b"));
        assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.sink().type()).isEqualTo("stdout");
    }

    @Test
    void everyProblemIsReportedAtOnceWithTheValidChoices() {
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> CaptureConfig.parse("""
                address: "db:99999"
                user: capture
                password: hunter2
                colour: blue
                advanced:
                  slotName: Bad-Slot
                  sslmode: maybe
                  backfill_chunk_size: lots
                  heartbeat_interval: -1
                  watermarksTable: nodot
                  slotname: typo
                bindings:
                  - {namespace: public}
                  - {namespace: public, stream: t, extra: 1}
                sink: {type: kafak, dir: /x}
                """));
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIG);
        assertThat(e.getMessage())
                .contains("has 12 problems")
                .contains("unknown key 'colour'; valid keys: name, address, database, user, password, connection, "
                        + "bindings, advanced, sink")
                .contains("unknown key 'advanced.slotname'; valid keys under advanced: slotName, publicationName")
                .contains("port 99999; allowed: 1 to 65535")
                .contains("database is missing")
                .contains("advanced.slotName 'Bad-Slot' is not a valid slot name; allowed: 1 to 63 of a-z, 0-9 and _")
                .contains("advanced.sslmode is 'maybe'; allowed: disable, allow, prefer, require, verify-ca, verify-full")
                .contains("advanced.backfill_chunk_size is 'lots', not a whole number; allowed: 1 to 1000000")
                .contains("advanced.heartbeat_interval is -1; allowed: 0 to 86400")
                .contains("advanced.watermarksTable has 'nodot'; write schema.table")
                .contains("bindings[0] needs both namespace (the schema) and stream (the table)")
                .contains("unknown key 'bindings[1].extra'")
                .contains("sink.type is 'kafak'; allowed: jsonl, stdout, kafka, postgres")
                .doesNotContain("hunter2");
    }

    @Test
    void aMisspelledKeyIsReportedOnceWithTheNearestKeyNotAsTheKeysItLeftMissing() {
        // a typo ("adress") used to add "address is missing" as a second problem it caused
        PgBridgeException e = catchThrowableOfType(PgBridgeException.class, () -> CaptureConfig.parse("""
                adress: db:5432
                database: shop
                usr: capture
                bindings: [{namespce: public, stream: orders}]
                sink: {type: jsonl, dri: /tmp/out}
                """));
        assertThat(e.getMessage()).isEqualTo("""
                the capture config has 4 problems:
                  - unknown key 'adress': did you mean address?
                  - unknown key 'usr': did you mean user?
                  - unknown key 'sink.dri': did you mean dir?
                  - unknown key 'bindings[0].namespce': did you mean namespace?""");

        PgBridgeException kafka = catchThrowableOfType(PgBridgeException.class, () -> CaptureConfig.parse(
                "address: h\ndatabase: d\nuser: u\nsink: {type: kafak, bootstrapServers: b:9092, topicPrefx: p}\n"));
        assertThat(kafka.getMessage()).contains("sink.type is 'kafak'; allowed: jsonl, stdout, kafka, postgres; did you "
                + "mean kafka?").doesNotContain("sink.dir is missing");

        PgBridgeException prefix = catchThrowableOfType(PgBridgeException.class, () -> CaptureConfig.parse(
                "address: h\ndatabase: d\nuser: u\nsink: {type: kafka, bootstrapServers: b:9092, topicPrefx: p}\n"));
        assertThat(prefix.getMessage()).contains("unknown key 'sink.topicPrefx': did you mean topicPrefix?")
                .doesNotContain("sink.topicPrefix is missing");
    }

    @Test
    void missingSinkAndMissingDirAreNamed() {
        assertThatThrownBy(() -> CaptureConfig.parse("address: h\ndatabase: d\nuser: u\n"))
                .hasMessageContaining("sink is missing: add sink: {type: jsonl, dir: DIR} or sink: {type: stdout}");
        assertThatThrownBy(() -> CaptureConfig.parse("address: h\ndatabase: d\nuser: u\nsink: {type: jsonl}\n"))
                .hasMessageContaining("sink.dir is missing");
        assertThatThrownBy(() -> CaptureConfig.parse("connection: c\naddress: h\nsink: {type: stdout}\n"))
                .hasMessageContaining("address cannot be combined with connection");
        assertThatThrownBy(() -> CaptureConfig.parse("- a\n- b\n")).hasMessageContaining("must be a YAML map");
    }
}
