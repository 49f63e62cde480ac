package dev.pgbridge.doctor;

import dev.pgbridge.error.PgBridgeException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CapabilityTest {
    @Test
    void parsesTheCommandLineList() {
        assertThat(Capability.parse("read,write,cdc,usage")).containsExactly(
                Capability.READ, Capability.WRITE, Capability.CDC, Capability.USAGE);
        assertThat(Capability.parse(" CDC , read ")).containsExactly(Capability.READ, Capability.CDC);
    }

    @Test
    void unknownNamesAreAllReported() {
        assertThatThrownBy(() -> Capability.parse("read,replicate,admin"))
                .isInstanceOf(PgBridgeException.class)
                .hasMessage("unknown capability 'replicate', 'admin'; allowed: read, write, cdc, usage");
        assertThatThrownBy(() -> Capability.parse(" , ")).hasMessageContaining("no capability given");
    }
}
