package dev.pgbridge.copy;

import dev.pgbridge.pgtype.BinaryCopy;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadBinaryEncoderTest {
    /** The binary COPY field (length and bytes) for one value in a column of {@code type}. */
    private static ByteBuffer field(BinaryCopy.Type type, String text) {
        byte[] value = text.getBytes(StandardCharsets.UTF_8);
        LoadTextBuffer out = new LoadTextBuffer(8);
        new LoadBinaryEncoder(type).row(value, new int[] {0}, new int[] {value.length}, 1, out);
        ByteBuffer b = ByteBuffer.wrap(out.array(), 0, out.size());
        assertThat(b.getShort()).as("field count").isEqualTo((short) 1);
        int length = b.getInt();
        assertThat(b.remaining()).as("length word").isEqualTo(length);
        return b.slice();
    }

    /** Reads numeric's binary form back as a decimal with its display scale. */
    private static String numeric(String text) {
        ByteBuffer b = field(BinaryCopy.Type.NUMERIC, text);
        int ndigits = b.getShort();
        int weight = b.getShort();
        int sign = b.getShort() & 0xFFFF;
        int dscale = b.getShort();
        if (sign == 0xC000) {
            return "NaN";
        }
        BigDecimal value = BigDecimal.ZERO;
        for (int i = 0; i < ndigits; i++) {
            int digit = b.getShort();
            assertThat(digit).isBetween(0, 9999);
            if (i == 0 || i == ndigits - 1) {
                assertThat(digit).as("no leading or trailing zero group").isNotZero();
            }
            value = value.add(BigDecimal.valueOf(digit).scaleByPowerOfTen(4 * (weight - i)));
        }
        value = value.setScale(dscale);
        return (sign == 0x4000 ? "-" : "") + value.toPlainString();
    }

    @Test
    void numericDigitGroupsAlignOnTheDecimalPointAndKeepTheScale() {
        for (String text : new String[] {"0", "1", "12345678901234567890.123456789012345678901234567890", "1.50", "0.0001",
                "0.00001", "10000", "9999.9999", "123.4", "1000000.000100", "0.000000"}) {
            assertThat(numeric(text)).as(text).isEqualTo(new BigDecimal(text).toPlainString());
        }
        assertThat(numeric("-0.01")).isEqualTo("-0.01");
        assertThat(numeric("007.50")).isEqualTo("7.50");
        assertThat(numeric("-0.00")).as("zero has no sign").isEqualTo("0.00");
        assertThat(numeric("NaN")).isEqualTo("NaN");
    }

    @Test
    void numericZeroHasNoDigitGroups() {
        ByteBuffer b = field(BinaryCopy.Type.NUMERIC, "0.000");
        assertThat(b.getShort()).isZero();
        assertThat(b.getShort()).isZero();
        assertThat(b.getShort()).isZero();
        assertThat(b.getShort()).isEqualTo((short) 3);
    }

    @Test
    void integersInRange() {
        assertThat(field(BinaryCopy.Type.INT4, "-2147483648").getInt()).isEqualTo(Integer.MIN_VALUE);
        assertThat(field(BinaryCopy.Type.INT8, "-9223372036854775808").getLong()).isEqualTo(Long.MIN_VALUE);
        assertThat(field(BinaryCopy.Type.INT8, "9223372036854775807").getLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(field(BinaryCopy.Type.INT2, "007").getShort()).isEqualTo((short) 7);
    }

    @Test
    void timestampsAreMicrosecondsSince2000() {
        long micros = field(BinaryCopy.Type.TIMESTAMPTZ, "2024-01-02T03:04:05.123456+05:30").getLong();
        Instant expected = Instant.parse("2024-01-01T21:34:05.123456Z");
        assertThat(micros).isEqualTo(ChronoUnit.MICROS.between(Instant.parse("2000-01-01T00:00:00Z"), expected));
        assertThat(field(BinaryCopy.Type.TIMESTAMPTZ, "1999-12-31 23:59:59.5Z").getLong()).isEqualTo(-500_000L);
        assertThat(field(BinaryCopy.Type.TIMESTAMPTZ, "2000-01-01 01:00:00+01").getLong()).isZero();
        assertThat(field(BinaryCopy.Type.TIMESTAMPTZ, "2000-01-01 00:00:00-0130").getLong()).isEqualTo(5_400_000_000L);
        assertThat(field(BinaryCopy.Type.TIMESTAMP, "2000-01-02 00:00:00.1").getLong()).isEqualTo(86_400_100_000L);
        assertThat(field(BinaryCopy.Type.TIMESTAMPTZ, "infinity").getLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(field(BinaryCopy.Type.TIMESTAMP, "-infinity").getLong()).isEqualTo(Long.MIN_VALUE);
        assertThat(field(BinaryCopy.Type.DATE, "1999-12-31").getInt()).isEqualTo(-1);
        assertThat(field(BinaryCopy.Type.DATE, "0001-01-01").getInt()).isEqualTo(-730119);
        assertThat(field(BinaryCopy.Type.DATE, "infinity").getInt()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void uuidByteaBoolAndJsonb() {
        ByteBuffer uuid = field(BinaryCopy.Type.UUID, "A0EEBC99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assertThat(new BigInteger(1, uuid.array(), uuid.arrayOffset(), 16).toString(16)).isEqualTo("a0eebc999c0b4ef8bb6d6bb9bd380a11");
        ByteBuffer bytea = field(BinaryCopy.Type.BYTEA, "\\x00fF5c");
        assertThat(bytea.remaining()).isEqualTo(3);
        assertThat(new byte[] {bytea.get(), bytea.get(), bytea.get()}).containsExactly(0, 0xff, 0x5c);
        assertThat(field(BinaryCopy.Type.BOOL, "true").get()).isEqualTo((byte) 1);
        assertThat(field(BinaryCopy.Type.BOOL, "f").get()).isZero();
        ByteBuffer jsonb = field(BinaryCopy.Type.JSONB, "{}");
        assertThat(jsonb.remaining()).isEqualTo(3);
        assertThat(jsonb.get()).as("jsonb version").isEqualTo((byte) 1);
    }

    @Test
    void aValueWithoutACanonicalFormIsLeftToTextFormat() {
        String[][] cases = {
                {"INT4", "2147483648"}, {"INT4", " 1"}, {"INT4", "+1"}, {"INT4", "1_000"}, {"INT2", "40000"},
                {"INT8", "9223372036854775808"}, {"INT4", ""}, {"INT4", "-"},
                {"NUMERIC", "1e3"}, {"NUMERIC", ".5"}, {"NUMERIC", "1."}, {"NUMERIC", "Infinity"}, {"NUMERIC", " 1"},
                {"BOOL", "yes"}, {"BOOL", "TRUE"},
                {"DATE", "2024-02-30"}, {"DATE", "0000-01-01"}, {"DATE", "24-01-01"}, {"DATE", "2024-01-01 BC"},
                {"TIMESTAMPTZ", "2024-01-02 03:04:05"}, {"TIMESTAMPTZ", "2024-01-02 03:04:05.1234567Z"},
                {"TIMESTAMPTZ", "2024-01-02 03:04Z"}, {"TIMESTAMPTZ", "2024-01-02 23:59:60Z"},
                {"TIMESTAMPTZ", "2024-01-02 03:04:05 Europe/Paris"}, {"TIMESTAMP", "2024-01-02 03:04:05+02"},
                {"UUID", "a0eebc999c0b4ef8bb6d6bb9bd380a11"}, {"UUID", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1g"},
                {"UUID", "a0-ebc999-0b-4ef8-bb6d-6bb9bd380a11"},
                {"BYTEA", "\\x0"}, {"BYTEA", "abc"}, {"BYTEA", "\\x0g"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> field(BinaryCopy.Type.valueOf(c[0]), c[1])).as(c[0] + " " + c[1])
                    .isSameAs(BinaryCopy.NOT_BINARY);
        }
    }
}
