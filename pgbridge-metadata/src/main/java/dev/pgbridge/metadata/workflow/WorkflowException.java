package dev.pgbridge.metadata.workflow;

import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;

import java.util.List;

/** A workflow file that cannot run, with every problem found in it ({@link ErrorCode#INVALID_CONFIG}). */
public final class WorkflowException extends PgBridgeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final transient List<WorkflowProblem> problems;

    public WorkflowException(String file, List<WorkflowProblem> problems) {
        super(ErrorCode.INVALID_CONFIG, summary(file, problems), problems.isEmpty() ? null : problems.get(0).hint());
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    private static String summary(String file, List<WorkflowProblem> problems) {
        if (problems.size() == 1) {
            return file + ": " + problems.get(0).describe();
        }
        return file + ": " + problems.size() + " problems: " + String.join("; ",
                problems.stream().map(WorkflowProblem::describe).toList());
    }

    /** The file the problems are in, as it was named. */
    public String file() {
        return file;
    }

    /** Every problem, in the order of the file. */
    public List<WorkflowProblem> problems() {
        return problems;
    }
}
