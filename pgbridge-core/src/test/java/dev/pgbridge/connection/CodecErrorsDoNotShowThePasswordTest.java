package dev.pgbridge.connection;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every codec error built from input that carries a recognisable password: the message and hint point at the bad
 * part and contain neither the password nor its encoded forms nor its distinctive pieces.
 */
class CodecErrorsDoNotShowThePasswordTest {
    private static final String PASSWORD = "Zebra/Quartz#Secret?42";

    @Test
    void noErrorShowsThePassword() {
        String encoded = PercentCoding.encodeAll(PASSWORD);
        Map<String, Executable> cases = Map.ofEntries(
                // unencoded '/': Airflow then reads "Zebra" as the port (Airflow: invalid literal for int())
                Map.entry("airflow slash", () -> AirflowUri.parse("postgresql://user:" + PASSWORD + "@db:5432/app")),
                Map.entry("airflow hash", () -> AirflowUri.parse("postgresql://user:Zebra#Quartz@db/app")),
                Map.entry("airflow question", () -> AirflowUri.parse("postgresql://user:Zebra?Quartz@db/app")),
                Map.entry("airflow port range", () -> AirflowUri.parse("postgresql://user:99999/Zebra@db/app")),
                Map.entry("airflow bad extra", () -> AirflowUri.parse("postgresql://u:" + encoded + "@db/app?__extra__="
                        + encoded)),
                Map.entry("airflow 3 schemes", () -> AirflowUri.parse("a://b://user:" + PASSWORD + "://c")),
                Map.entry("airflow inner protocol", () -> AirflowUri.parse("t://user:" + encoded + "@p://h")),
                Map.entry("libpq slash", () -> LibpqConnectionString.parse("postgresql://user:" + PASSWORD + "@db/app")),
                Map.entry("libpq bad escape", () -> LibpqConnectionString.parse("postgresql://user:Zebra%ZZQuartz@db")),
                Map.entry("libpq query piece", () -> LibpqConnectionString.parse("postgresql://u@h/db?Zebra=Quartz&x")),
                Map.entry("libpq stray =", () -> LibpqConnectionString.parse("postgresql://u@h/db?password=Zebra=Quartz")),
                Map.entry("libpq unknown encoded", () -> LibpqConnectionString.parse("postgresql://u@h/db?"
                        + encoded + "=1")),
                Map.entry("libpq unquoted space", () -> LibpqConnectionString.parse("user=u password=Zebra Quartz")),
                Map.entry("libpq unterminated", () -> LibpqConnectionString.parse("password='" + PASSWORD)),
                Map.entry("libpq port", () -> LibpqConnectionString.parse("postgresql://user:Zebra/Quartz@db")),
                Map.entry("json port", () -> AirflowJson.parse("{\"password\": \"" + PASSWORD + "\", \"port\": \"x\"}")),
                Map.entry("json bad", () -> AirflowJson.parse("{\"password\": \"" + PASSWORD + "\", \"port\": }")),
                Map.entry("json extra", () -> AirflowJson.parse("{\"password\": \"" + PASSWORD + "\", \"extra\": \""
                        + PASSWORD + "\"}")),
                Map.entry("task nul", () -> TaskUri.build(ConnectionConfig.builder().password(PASSWORD + "\0").build())));
        List<String> checked = new ArrayList<>();
        cases.forEach((name, call) -> {
            PgBridgeException e = thrown(name, call);
            assertThat(e.code()).as(name).isIn(ErrorCode.INVALID_URI, ErrorCode.INVALID_CONFIG);
            String text = e.getMessage() + " " + e.hint();
            for (String form : List.of(PASSWORD, encoded, URLEncoder.encode(PASSWORD, StandardCharsets.UTF_8),
                    "Zebra", "Quartz", "Secret")) {
                assertThat(text).as(name + ": " + text).doesNotContain(form);
            }
            assertThat(e.hint()).as(name).isNotBlank();
            checked.add(name);
        });
        assertThat(checked).hasSize(cases.size());
    }

    @Test
    void unencodedSlashInPasswordSaysThePortIsNotANumberAndHintsToEncode() {
        PgBridgeException e = thrown("slash", () -> AirflowUri.parse(
                "my-conn-type://my-login:my-pa/ssword@my-host:5432/my-schema?param1=val1&param2=val2"));
        assertThat(e.getMessage()).contains("the port is not a number").doesNotContain("my-pa");
        assertThat(e.hint()).contains("percent-encode", "/ as %2F");
    }

    private static PgBridgeException thrown(String name, Executable call) {
        try {
            call.execute();
        }
        catch (PgBridgeException e) {
            return e;
        }
        catch (Throwable t) {
            fail(name + " threw " + t.getClass().getName() + " instead of PgBridgeException", t);
        }
        return fail(name + " did not fail");
    }
}
