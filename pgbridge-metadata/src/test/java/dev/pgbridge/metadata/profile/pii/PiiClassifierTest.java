package dev.pgbridge.metadata.profile.pii;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/** How the name and the sampled values make one tag and one confidence. */
class PiiClassifierTest {
    private final PiiClassifier classifier =
            new PiiClassifier(Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC));

    private static List<String> times(int n, String value) {
        return new ArrayList<>(Collections.nCopies(n, value));
    }

    private static List<String> emails(int n) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            values.add("person" + i + "@example.org");
        }
        return values;
    }

    @Test
    void aStrongNameTagsWithoutSamples() {
        Optional<PiiTag> tag = classifier.classify("email", "text", List.of());
        assertThat(tag).hasValueSatisfying(t -> {
            assertThat(t.tag()).isEqualTo(PiiTag.SENSITIVE);
            assertThat(t.kind()).isEqualTo("EMAIL_ADDRESS");
            assertThat(t.confidence()).isEqualTo(90.0);
        });
    }

    @Test
    void contentAloneTagsWhenNearlyEveryValueValidates() {
        Optional<PiiTag> tag = classifier.classify("contact", "text", emails(50));
        assertThat(tag).hasValueSatisfying(t -> {
            assertThat(t.kind()).isEqualTo("EMAIL_ADDRESS");
            assertThat(t.confidence()).isGreaterThanOrEqualTo(95.0);
        });
    }

    @Test
    void aFewStrayMatchesInFreeTextDoNotTag() {
        List<String> values = times(45, "Package arrived late but intact.");
        values.addAll(emails(5));
        values.add("+44 20 7946 0958");
        assertThat(classifier.classify("notes", "text", values)).isEmpty();
    }

    @Test
    void nameAndContentTogetherAreSurerThanEither() {
        double nameOnly = classifier.classify("mobile", "text", List.of()).map(PiiTag::confidence).orElse(0.0);
        List<String> phones = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            phones.add("07700 9001" + (10 + i));
        }
        PiiTag both = classifier.classify("mobile", "text", phones).orElseThrow();
        assertThat(nameOnly).isLessThan(80);
        assertThat(both.kind()).isEqualTo("PHONE_NUMBER");
        assertThat(both.tag()).isEqualTo(PiiTag.NON_SENSITIVE);
        assertThat(both.confidence()).isGreaterThan(90);
    }

    @Test
    void valuesThatContradictTheNameHalveItsScore() {
        List<String> hashes = times(20, "5d41402abc4b2a76b9719d911017c592");
        assertThat(classifier.classify("email", "text", hashes)).isEmpty();
    }

    @Test
    void nullsBlanksAndPlaceholdersAreSkipped() {
        List<String> values = new ArrayList<>(emails(10));
        values.addAll(Arrays.asList(null, "", "   ", "N/A", "null", "-"));
        values.addAll(Arrays.asList(null, null, null, null, null, null, null, null, null, null));
        PiiTag tag = classifier.classify("contact", "text", values).orElseThrow();
        assertThat(tag.kind()).isEqualTo("EMAIL_ADDRESS");
        assertThat(tag.confidence()).isGreaterThanOrEqualTo(90.0);
    }

    @Test
    void smallSamplesAreDiscounted() {
        double one = classifier.classify("contact", "text", emails(1)).map(PiiTag::confidence).orElse(0.0);
        double fifty = classifier.classify("contact", "text", emails(50)).map(PiiTag::confidence).orElse(0.0);
        assertThat(one).isLessThan(80);
        assertThat(fifty).isGreaterThan(one);
    }

    @Test
    void anInetColumnIsAnIpAddressBySensitiveOpenMetadataRules() {
        PiiTag tag = classifier.classify("source", "inet", List.of("203.0.113.7", "2001:db8::1")).orElseThrow();
        assertThat(tag.kind()).isEqualTo("IP_ADDRESS");
        assertThat(tag.tag()).isEqualTo(PiiTag.SENSITIVE);
    }

    @Test
    void aDateIsABirthDateOnlyWithANameThatSaysSo() {
        List<String> dates = List.of("1984-03-12", "1990-07-01", "1975-11-30", "2001-02-14", "1962-05-05");
        assertThat(classifier.classify("created_on", "date", dates)).isEmpty();
        PiiTag dob = classifier.classify("date_of_birth", "date", dates).orElseThrow();
        assertThat(dob.kind()).isEqualTo("BIRTH_DATE");
        assertThat(dob.tag()).isEqualTo(PiiTag.NON_SENSITIVE);
        assertThat(dob.confidence()).isGreaterThanOrEqualTo(90.0);
        List<String> future = List.of("2030-01-01", "2031-01-01", "2032-01-01", "2033-01-01", "2034-01-01");
        assertThat(classifier.classify("birth", "date", future)).isEmpty();
    }

    @Test
    void typesThatHoldNoPersonalDataAreNeverTagged() {
        assertThat(classifier.classify("email", "boolean", List.of("true"))).isEmpty();
        assertThat(classifier.classify("email", "uuid", List.of())).isEmpty();
        assertThat(classifier.classify("phone", "numeric(12,2)", List.of("12.50"))).isEmpty();
    }

    @Test
    void aPersonListedInTheTextOfTheColumnNeedsBothNames() {
        List<String> full = times(10, "Ann Lee");
        assertThat(classifier.classify("assignee", "text", full)).hasValueSatisfying(
                t -> assertThat(t.kind()).isEqualTo("PERSON"));
        assertThat(classifier.classify("product", "text", times(10, "Jordan Sneakers"))).isEmpty();
        assertThat(classifier.classify("first_name", "text", times(10, "Xiomara"))).hasValueSatisfying(
                t -> assertThat(t.kind()).isEqualTo("PERSON"));
    }

    @Test
    void openMetadatasSplitBetweenSensitiveAndNonSensitive() {
        assertThat(PiiKind.EMAIL_ADDRESS.tag()).isEqualTo(PiiTag.SENSITIVE);
        assertThat(PiiKind.CREDIT_CARD.tag()).isEqualTo(PiiTag.SENSITIVE);
        assertThat(PiiKind.IP_ADDRESS.tag()).isEqualTo(PiiTag.SENSITIVE);
        assertThat(PiiKind.PERSON.tag()).isEqualTo(PiiTag.SENSITIVE);
        assertThat(PiiKind.US_SSN.tag()).isEqualTo(PiiTag.SENSITIVE);
        assertThat(PiiKind.PHONE_NUMBER.tag()).isEqualTo(PiiTag.NON_SENSITIVE);
        assertThat(PiiKind.BIRTH_DATE.tag()).isEqualTo(PiiTag.NON_SENSITIVE);
        assertThat(PiiKind.LOCATION.tag()).isEqualTo(PiiTag.NON_SENSITIVE);
        assertThat(PiiKind.NRP.tag()).isEqualTo(PiiTag.NON_SENSITIVE);
    }

    @Test
    void contentScoreIsZeroUnderThirtyPercentAndFullFromNinety() {
        assertThat(PiiClassifier.contentScore(29, 100)).isZero();
        assertThat(PiiClassifier.contentScore(90, 100)).isCloseTo(100 * 100 / 101.0,
                offset(1e-9));
        assertThat(PiiClassifier.contentScore(0, 0)).isZero();
    }

    @Test
    void randomCodesUnderNeutralNamesAreNeverTagged() {
        // 300 columns of random digit runs (6-20 digits, some with a Visa/Mastercard prefix), hex hashes, UUIDs,
        // alphanumeric codes and ISO timestamps: whatever checksums happen to hold by chance must not add up to a tag.
        Random random = new Random(7);
        List<String> names = List.of("code", "ref", "value", "external_key", "num", "data", "identifier");
        int tagged = 0;
        StringBuilder examples = new StringBuilder();
        for (int column = 0; column < 300; column++) {
            int shape = column % 6;
            int length = 6 + random.nextInt(15);
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                values.add(switch (shape) {
                    case 0 -> digits(random, length);
                    case 1 -> (random.nextBoolean() ? "4" : "5" + (1 + random.nextInt(5))) + digits(random, 14);
                    case 2 -> HexFormat.of().formatHex(bytes(random, random.nextBoolean() ? 16 : 32));
                    case 3 -> new UUID(random.nextLong(), random.nextLong()).toString();
                    case 4 -> Long.toString(random.nextLong() & Long.MAX_VALUE, 36).toUpperCase(Locale.ROOT);
                    default -> Instant.ofEpochSecond(1_600_000_000L + random.nextInt(100_000_000)).toString();
                });
            }
            String name = names.get(column % names.size());
            Optional<PiiTag> tag = classifier.classify(name, "text", values);
            if (tag.isPresent() && tag.get().confidence() >= 80) {
                tagged++;
                examples.append(name).append(' ').append(values.get(0)).append(' ').append(tag.get()).append('\n');
            }
        }
        assertThat(tagged).as("tagged columns:%n%s", examples).isZero();
    }

    private static String digits(Random random, int n) {
        StringBuilder s = new StringBuilder(n);
        s.append(1 + random.nextInt(9));
        for (int i = 1; i < n; i++) {
            s.append(random.nextInt(10));
        }
        return s.toString();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    @Test
    @Timeout(10)
    void hugeValuesAreReadQuickly() {
        String spaces = " ".repeat(1_000_000) + "x";
        String digits = "1".repeat(1_000_000);
        assertThat(classifier.classify("notes", "text", List.of(spaces, digits, "a".repeat(500_000) + "@example.org")))
                .isEmpty();
    }

    @Test
    void nullNameAndTypeAreAllowed() {
        assertThat(classifier.classify(null, null, emails(20))).hasValueSatisfying(
                t -> assertThat(t.kind()).isEqualTo("EMAIL_ADDRESS"));
        assertThat(classifier.classify(null, null, null)).isEmpty();
    }

    // bytea, json and array columns were never tagged, so an emails text[] went out unmasked in the sample
    @Test
    void aColumnWhoseValuesAreNotReadIsTaggedByItsName() {
        PiiTag emails = classifier.classify("emails", "text[]", List.of("{a@example.org}")).orElseThrow();
        assertThat(emails.tag()).isEqualTo(PiiTag.SENSITIVE);
        assertThat(emails.kind()).isEqualTo("EMAIL_ADDRESS");
        assertThat(classifier.classify("payload", "jsonb", List.of("{\"a\": 1}"))).isEmpty();
        assertThat(classifier.classify("thumbnail", "bytea", List.of())).isEmpty();
    }
}
