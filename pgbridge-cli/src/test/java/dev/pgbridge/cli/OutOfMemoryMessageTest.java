package dev.pgbridge.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class OutOfMemoryMessageTest {
    @Command(name = "demo")
    static final class Runs implements Runnable {
        @Override
        public void run() {
            // how a capture's sink thread hands its failure to the command: wrapped
            throw new IllegalStateException("the sink failed", new OutOfMemoryError("Java heap space"));
        }
    }

    // the launcher caps the heap of the data commands (bin/pgbridge): running out must say how to give it more
    @Test
    void runningOutOfMemoryIsOneLineWithAHintToRaiseTheHeap() {
        CommandLine commandLine = new CommandLine(new Runs());
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setExecutionExceptionHandler(new ErrorPrinter());
        int code = commandLine.execute();
        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines().toList()).hasSize(2)
                .satisfies(lines -> {
                    assertThat(lines.get(0)).startsWith("error: pgbridge ran out of memory (its heap is ")
                            .doesNotContain("this is a bug");
                    assertThat(lines.get(1)).startsWith("hint: ").contains("PGBRIDGE_JAVA_OPTS=-Xmx");
                });
    }
}
