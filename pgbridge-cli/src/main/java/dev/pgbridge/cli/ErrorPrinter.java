package dev.pgbridge.cli;

import dev.pgbridge.cli.command.UsageError;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.query.QueryException;
import dev.pgbridge.secret.SecretRedactor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Turns any failure into one line on stderr ("error: what and why") plus a hint line, exit code 1; a {@link UsageError}
 * is printed as the usage error it is, exit code 2, and so is input refused before anything was done (a malformed URI
 * or connection id).
 */
final class ErrorPrinter implements CommandLine.IExecutionExceptionHandler {
    /**
     * Asked for when a failure is logged, not when the class loads: the first logger starts logback (layouts, the
     * file appender, a fifth of a short command's CPU), which a command that never logs does not need.
     */
    private static Logger log() {
        return LoggerFactory.getLogger(ErrorPrinter.class);
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        if (e instanceof UsageError usage) {
            log().debug("usage error: {}", usage.oneLine());
            return UsageErrorPrinter.print(commandLine, usage.getMessage(), usage.hint());
        }
        PrintWriter err = commandLine.getErr();
        SecretRedactor redactor = SecretRedactor.global();
        if (e instanceof PgBridgeException p) {
            err.println("error: " + redactor.redact(p.getMessage()));
            if (p instanceof QueryException q) {
                // psql's layout: the line of the SQL with a caret under the error, PostgreSQL's detail, the hint
                q.excerpt().ifPresent(excerpt -> err.println(redactor.redact(excerpt)));
                q.detail().ifPresent(detail -> err.println("detail: " + redactor.redact(detail)));
            }
            if (p.hint() != null) {
                err.println("hint: " + redactor.redact(p.hint()));
            }
            log().warn("command failed: {}", p.oneLine());
            log().debug("command failure detail", p);
            if (p.code() == ErrorCode.INVALID_URI || p.code() == ErrorCode.INVALID_CONN_ID) {
                err.flush();
                return 2;
            }
        }
        else if (outOfMemory(e)) {
            printOutOfMemory(err);
            log().error("out of memory", e);
        }
        else {
            // an unexpected failure: its message for the user, its class and stack trace only in the log
            String message = e.getMessage() == null || e.getMessage().isBlank() ? "an unexpected failure" : e.getMessage();
            err.println("error: " + redactor.redact(message));
            err.println("hint: this is a bug in pgbridge; the log under PGBRIDGE_HOME/logs has the details");
            log().error("unexpected failure", e);
        }
        err.flush();
        return 1;
    }

    /** Whether {@code e} is, or was caused by, the heap running out (a sink thread's failure wraps it). */
    static boolean outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    /**
     * The launcher gives the JVM a heap of its own size (bin/pgbridge), not the JVM's quarter of the machine: when a
     * command needs more, it says so and how to give it.
     */
    static void printOutOfMemory(PrintWriter err) {
        long mb = Runtime.getRuntime().maxMemory() >> 20;
        err.println("error: pgbridge ran out of memory (its heap is " + mb + " MB): rows or values too large for it");
        err.println("hint: give it a larger heap, e.g. PGBRIDGE_JAVA_OPTS=-Xmx1g; a capture resumes from its last "
                + "checkpoint, a load left its target as it was");
        err.flush();
    }
}
