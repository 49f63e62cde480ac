package dev.pgbridge.connection;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PythonJsonTest {
    @Test
    void dumpsUsesPythonSeparatorsAndAsciiEscapes() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", "é日🔑\"\\\n\u007f/");
        map.put("list", List.of(1, 2.5, true));
        map.put("none", null);
        assertThat(PythonJson.dumps(map)).isEqualTo(
                "{\"a\": \"\\u00e9\\u65e5\\ud83d\\udd11\\\"\\\\\\n\\u007f/\", \"list\": [1, 2.5, true], \"none\": null}");
    }

    // Python: repr(float) / json.dumps(float)
    @ParameterizedTest
    @CsvSource({
            "1.5, 1.5", "1.0, 1.0", "100000.0, 100000.0", "1e16, 1e+16", "1e15, 1000000000000000.0",
            "0.0001, 0.0001", "0.00001, 1e-05", "1.5e300, 1.5e+300", "-0.0, -0.0", "123456789012345678.0, 1.2345678901234568e+17",
            "0.1, 0.1", "-2.5e-7, -2.5e-07"})
    void floatsAreWrittenAsPythonRepr(double value, String python) {
        assertThat(PythonJson.floatText(value)).isEqualTo(python);
    }

    @Test
    void nonFiniteFloatsAreWrittenAsPythonDoes() {
        assertThat(PythonJson.dumps(List.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)))
                .isEqualTo("[NaN, Infinity, -Infinity]");
    }

    @Test
    void loadsKeepsIntegersAndFloatsApartAndOrder() {
        Object parsed = PythonJson.loads(" {\"b\": 1, \"a\": 1.0, \"big\": 12345678901234567890, \"l\": 4000000000} ");
        assertThat(parsed).isInstanceOf(LinkedHashMap.class);
        Map<?, ?> map = (Map<?, ?>) parsed;
        assertThat(List.copyOf(map.keySet())).isEqualTo(List.of("b", "a", "big", "l"));
        assertThat(map.get("b")).isEqualTo(1);
        assertThat(map.get("a")).isEqualTo(1.0);
        assertThat(map.get("big")).isEqualTo(new BigInteger("12345678901234567890"));
        assertThat(map.get("l")).isEqualTo(4000000000L);
    }

    @Test
    void repeatedKeyKeepsFirstPositionAndLastValue() {
        assertThat(PythonJson.dumps(PythonJson.loads("{\"a\": 1, \"b\": 2, \"a\": 3}"))).isEqualTo("{\"a\": 3, \"b\": 2}");
    }

    @Test
    void loadsAcceptsPythonSpecialNumbersAndSurrogateEscapes() {
        assertThat(PythonJson.loads("[NaN, -Infinity]")).isEqualTo(List.of(Double.NaN, Double.NEGATIVE_INFINITY));
        assertThat(PythonJson.loads("\"\\ud83d\\udd11\"")).isEqualTo("🔑");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "01", "1.", "[1,]", "{\"a\":1,}", "'a'", "\"a\u0001\"", "tru", "{a:1}", "1 2", "-"})
    void loadsRejectsWhatPythonRejects(String text) {
        assertThatThrownBy(() -> PythonJson.loads(text)).isInstanceOf(PythonJson.DecodeException.class);
    }

    @Test
    void loadsOrKeepReadsQueryValuesAsAirflowDoes() {
        assertThat(PythonJson.loadsOrKeep("123")).isEqualTo(123);
        assertThat(PythonJson.loadsOrKeep("true")).isEqualTo(true);
        assertThat(PythonJson.loadsOrKeep("null")).isNull();
        assertThat(PythonJson.loadsOrKeep("kube namespace")).isEqualTo("kube namespace");
        assertThat(PythonJson.loadsOrKeep("")).isEqualTo("");
    }
}
