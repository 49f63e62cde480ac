package dev.pgbridge.metadata.ingest;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * What one step of a workflow did, as OpenMetadata's summary shows it: records processed, records filtered out,
 * warnings and errors (each with what it was about). Used by one thread.
 */
public final class StepStatus {
    private final String step;
    private long processed;
    private final List<String> filtered = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final List<String> deleted = new ArrayList<>();

    public StepStatus(String step) {
        this.step = requireNonNull(step, "step is null");
    }

    public String step() {
        return step;
    }

    public void processed() {
        processed++;
    }

    public void filtered(String what) {
        filtered.add(what);
    }

    public void warning(String what) {
        warnings.add(what);
    }

    public void error(String what) {
        errors.add(what);
    }

    /** An entity this step marked deleted ({@code markDeletedTables}). */
    public void deleted(String what) {
        deleted.add(what);
    }

    public List<String> deletedRecords() {
        return List.copyOf(deleted);
    }

    public long processedCount() {
        return processed;
    }

    public List<String> filteredRecords() {
        return List.copyOf(filtered);
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** How many errors so far: a sink that records a failed request as an error leaves it out of processed. */
    public int errorCount() {
        return errors.size();
    }

    public boolean failed() {
        return !errors.isEmpty();
    }
}
