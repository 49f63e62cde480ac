package dev.pgbridge.metadata.quality;

import dev.pgbridge.metadata.openmetadata.Requests;

import static java.util.Objects.requireNonNull;

/**
 * One test case's result of a run, as the CLI prints it and the requests carry it.
 *
 * @param testCaseFqn {@code <tableFqn>[.<column>].<name>}
 * @param failedRows  up to {@value TableTestRun#SAMPLE_ROWS} failing rows, PII masked; null when none
 */
public record TestOutcome(String tableFqn, TestSuiteSettings.TestCaseSpec testCase, String testCaseFqn,
                          Requests.TestCaseResult result, Requests.TableData failedRows) {
    public TestOutcome {
        requireNonNull(tableFqn, "tableFqn is null");
        requireNonNull(testCase, "testCase is null");
        requireNonNull(testCaseFqn, "testCaseFqn is null");
        requireNonNull(result, "result is null");
    }

    /** Whether the test did not pass (Failed or Aborted): {@code pgbridge quality run} then exits 1. */
    public boolean notPassed() {
        return !TableTestRun.SUCCESS.equals(result.testCaseStatus());
    }
}
