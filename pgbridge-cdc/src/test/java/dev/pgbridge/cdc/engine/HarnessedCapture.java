package dev.pgbridge.cdc.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The base of a capture test: a fresh {@link CaptureHarness} per test (role, database, slot, directory), closed after. */
abstract class HarnessedCapture {
    CaptureHarness h;

    @BeforeEach
    void openHarness() throws Exception {
        h = new CaptureHarness();
    }

    @AfterEach
    void closeHarness() throws Exception {
        h.close();
    }
}
