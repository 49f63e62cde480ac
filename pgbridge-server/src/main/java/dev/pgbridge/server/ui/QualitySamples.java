package dev.pgbridge.server.ui;

import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.metadata.catalogstore.QualityStore;
import dev.pgbridge.server.metadata.MetadataCatalog;

import java.util.ArrayList;
import java.util.List;

/**
 * The failing-row samples of the "Data quality" section ({@code metadata/quality.jte}), masked the way
 * {@link ProfileView} masks the profile's sample: a column tagged {@code PII.Sensitive} in the local catalog shows
 * {@link ProfileView#MASK}, whatever the run stored (a tag given after the run, a run that did not mask).
 */
public final class QualitySamples {
    private QualitySamples() {
    }

    /** One test's failing rows as the page shows them. */
    public record Sample(String name, List<String> columns, List<List<ProfileView.Cell>> rows) {
        public Sample {
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
        }
    }

    /** The samples of the tests that have one, in the tests' order. */
    public static List<Sample> of(List<QualityStore.CaseResults> cases, List<Requests.ColumnTag> tags) {
        List<Sample> out = new ArrayList<>();
        for (QualityStore.CaseResults c : cases) {
            if (c.latest() == null || c.latest().failedSample() == null) {
                continue;
            }
            // ProfileView's one masking of sample rows, on a profile that is only this sample and the tags
            ProfileView view = ProfileView.of(new MetadataCatalog.Profile(null, List.of(), c.latest().failedSample(),
                    tags));
            out.add(new Sample(c.name(), view.sampleColumns(), view.sampleRows()));
        }
        return out;
    }
}
