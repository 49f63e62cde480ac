package dev.pgbridge.cdc.engine;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** The base of a capture test: a fresh {@link CaptureFixture} per test (role, database, slot, directory), closed after. */
public abstract class WithCaptureFixture {
    protected CaptureFixture h;

    @BeforeEach
    void openCaptureFixture() throws Exception {
        h = new CaptureFixture();
    }

    @AfterEach
    void closeCaptureFixture() throws Exception {
        h.close();
    }
}
