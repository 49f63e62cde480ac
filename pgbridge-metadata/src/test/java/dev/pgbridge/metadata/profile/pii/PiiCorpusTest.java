package dev.pgbridge.metadata.profile.pii;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The labelled PII corpus ({@code pii/corpus.txt}, written by {@code pii/generate_corpus.py}: invented but realistic
 * columns, each labelled with the kind expected at OpenMetadata's default confidence 80, or none): prints precision
 * and recall per kind and overall, and holds the floors. The negative half (ids, hashes, UUIDs, order and serial
 * numbers, timestamps, free text, amounts, names that only look like personal data) must give no tag at all.
 */
class PiiCorpusTest {
    static final double THRESHOLD = 80;
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC);

    record Column(String name, String type, String expected, List<String> values) {
    }

    record Outcome(Column column, String predicted, double confidence) {
    }

    static List<Column> corpus;

    @BeforeAll
    static void load() throws IOException {
        corpus = new ArrayList<>();
        try (InputStream in = requireNonNull(PiiCorpusTest.class.getResourceAsStream("/pii/corpus.txt"), "corpus");
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            String[] header = null;
            List<String> values = new ArrayList<>();
            while ((line = reader.readLine()) != null) {
                if (header == null) {
                    if (line.startsWith("@ ")) {
                        header = line.substring(2).split("\t");
                        values = new ArrayList<>();
                    }
                    continue;
                }
                if (line.isEmpty()) {
                    corpus.add(new Column(header[0], header[1], header[2].equals("-") ? null : header[2], values));
                    header = null;
                    continue;
                }
                values.add(line.equals("\\N") ? null : line.equals("\\E") ? "" : line);
            }
        }
    }

    static List<Outcome> run(boolean withSamples) {
        PiiClassifier classifier = new PiiClassifier(CLOCK);
        List<Outcome> outcomes = new ArrayList<>();
        for (Column c : corpus) {
            Optional<PiiTag> tag = classifier.classify(c.name(), c.type(), withSamples ? c.values() : List.of());
            String predicted = tag.filter(t -> t.confidence() >= THRESHOLD).map(PiiTag::kind).orElse(null);
            outcomes.add(new Outcome(c, predicted, tag.map(PiiTag::confidence).orElse(0.0)));
        }
        return outcomes;
    }

    /** Precision and recall per kind (and overall, under "ALL"): {tp, fp, fn}. */
    static Map<String, int[]> score(List<Outcome> outcomes) {
        Map<String, int[]> counts = new TreeMap<>();
        for (Outcome o : outcomes) {
            String expected = o.column().expected();
            String predicted = o.predicted();
            if (expected != null && expected.equals(predicted)) {
                counts.computeIfAbsent(expected, k -> new int[3])[0]++;
                counts.computeIfAbsent("ALL", k -> new int[3])[0]++;
                continue;
            }
            if (predicted != null) {
                counts.computeIfAbsent(predicted, k -> new int[3])[1]++;
                counts.computeIfAbsent("ALL", k -> new int[3])[1]++;
            }
            if (expected != null) {
                counts.computeIfAbsent(expected, k -> new int[3])[2]++;
                counts.computeIfAbsent("ALL", k -> new int[3])[2]++;
            }
        }
        return counts;
    }

    static double precision(int[] c) {
        return c[0] + c[1] == 0 ? 1 : c[0] / (double) (c[0] + c[1]);
    }

    static double recall(int[] c) {
        return c[0] + c[2] == 0 ? 1 : c[0] / (double) (c[0] + c[2]);
    }

    static void print(String title, List<Outcome> outcomes, Map<String, int[]> counts) {
        long negatives = outcomes.stream().filter(o -> o.column().expected() == null).count();
        long falseOnNegatives = outcomes.stream()
                .filter(o -> o.column().expected() == null && o.predicted() != null).count();
        StringBuilder out = new StringBuilder();
        out.append(String.format("%n== PII corpus, %s: %d columns (%d without personal data), confidence >= %.0f%n",
                title, outcomes.size(), negatives, THRESHOLD));
        out.append(String.format("%-16s %4s %4s %4s %9s %7s%n", "kind", "tp", "fp", "fn", "precision", "recall"));
        counts.forEach((kind, c) -> {
            if (!kind.equals("ALL")) {
                out.append(String.format("%-16s %4d %4d %4d %9.3f %7.3f%n", kind, c[0], c[1], c[2], precision(c),
                        recall(c)));
            }
        });
        int[] all = counts.getOrDefault("ALL", new int[3]);
        out.append(String.format("%-16s %4d %4d %4d %9.3f %7.3f%n", "ALL", all[0], all[1], all[2], precision(all),
                recall(all)));
        out.append(String.format("negative set: %d of %d columns tagged (precision on negatives %.3f)%n",
                falseOnNegatives, negatives, 1 - falseOnNegatives / (double) negatives));
        for (Outcome o : outcomes) {
            if (!Objects.equals(o.column().expected(), o.predicted())) {
                out.append(String.format("  miss: %-26s %-30s expected %-14s got %s (%.0f)%n", o.column().name(),
                        o.column().type(), o.column().expected(), o.predicted(), o.confidence()));
            }
        }
        System.out.print(out);
    }

    @Test
    void theCorpusHasManyColumnsOfEveryKindAndNegatives() {
        assertThat(corpus).hasSizeGreaterThanOrEqualTo(120);
        assertThat(corpus.stream().filter(c -> c.expected() == null).count()).isGreaterThanOrEqualTo(50);
        assertThat(corpus.stream().map(Column::expected).filter(Objects::nonNull).distinct())
                .containsAll(List.of("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN",
                        "UK_NINO", "DE_TAX_ID", "NL_BSN", "FR_NIR", "IP_ADDRESS", "BIRTH_DATE", "PERSON"));
    }

    @Test
    void precisionAndRecallWithSampledValues() {
        List<Outcome> outcomes = run(true);
        Map<String, int[]> counts = score(outcomes);
        print("name and sampled values", outcomes, counts);

        assertThat(outcomes).filteredOn(o -> o.column().expected() == null)
                .as("no tag on ids, hashes, UUIDs, codes, timestamps, amounts or free text")
                .allSatisfy(o -> assertThat(o.predicted()).as(o.column().name()).isNull());
        int[] all = counts.get("ALL");
        assertThat(precision(all)).as("overall precision").isGreaterThanOrEqualTo(0.97);
        assertThat(recall(all)).as("overall recall").isGreaterThanOrEqualTo(0.9);
        for (String kind : List.of("EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "UK_NINO",
                "DE_TAX_ID", "NL_BSN", "FR_NIR", "IP_ADDRESS", "BIRTH_DATE")) {
            assertThat(recall(counts.get(kind))).as("recall of %s", kind).isGreaterThanOrEqualTo(0.8);
            assertThat(precision(counts.get(kind))).as("precision of %s", kind).isGreaterThanOrEqualTo(0.9);
        }
        assertThat(recall(counts.get("PERSON"))).as("recall of PERSON").isGreaterThanOrEqualTo(0.75);
        assertThat(precision(counts.get("PERSON"))).as("precision of PERSON").isEqualTo(1.0);
    }

    @Test
    void precisionAndRecallFromTheNameAlone() {
        List<Outcome> outcomes = run(false);
        Map<String, int[]> counts = score(outcomes);
        print("column name and type only (no samples)", outcomes, counts);
        // Without values nothing is recognized by content: recall drops, but a name alone must not mislead. The two
        // negatives are the columns whose values contradict their name (hashed e-mails, masked phone numbers), and
        // tax_id reads as a generic NATIONAL_ID until its values show the German check digit.
        assertThat(outcomes).filteredOn(o -> o.column().expected() == null && o.predicted() != null)
                .extracting(o -> o.column().name())
                .as("negatives tagged from their name alone")
                .containsOnly("customer_email", "phone");
        assertThat(precision(counts.get("ALL"))).isGreaterThanOrEqualTo(0.9);
        assertThat(recall(counts.get("ALL"))).isGreaterThanOrEqualTo(0.7);
    }
}
