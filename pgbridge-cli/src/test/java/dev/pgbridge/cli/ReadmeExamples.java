package dev.pgbridge.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell examples of a Markdown file: every fenced block whose info string is {@code bash}, {@code sh} or
 * {@code shell}. A block is left out of the run only when the line before its fence is an
 * {@code <!-- untested: why -->} comment, so a new example is tested unless somebody says why not.
 */
final class ReadmeExamples {
    private static final Set<String> SHELL = Set.of("bash", "sh", "shell");
    private static final Pattern FENCE = Pattern.compile("^( {0,3}|\\s*[-*] +|\\s*)(`{3,}|~{3,})\\s*([^`\\s]*).*$");
    private static final Pattern UNTESTED = Pattern.compile("^\\s*<!--\\s*untested:\\s*(\\S.*?)\\s*-->\\s*$");

    /** One shell block: the line of its opening fence (1-based), its text, and why it is not run (null: it runs). */
    record Example(int line, String script, String untestedBecause) {
        boolean runs() {
            return untestedBecause == null;
        }

        /** The first command of the block, for test names. */
        String firstCommand() {
            for (String l : script.split("\n")) {
                String s = l.strip();
                if (!s.isEmpty() && !s.startsWith("#")) {
                    return s.length() > 90 ? s.substring(0, 89) + "…" : s;
                }
            }
            return "(empty)";
        }
    }

    private ReadmeExamples() {
    }

    static List<Example> parse(String markdown) {
        List<Example> examples = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        String previous = "";
        for (int i = 0; i < lines.length; i++) {
            Matcher open = FENCE.matcher(lines[i]);
            if (!open.matches()) {
                if (!lines[i].isBlank()) {
                    previous = lines[i];
                }
                continue;
            }
            String fence = open.group(2);
            String info = open.group(3).toLowerCase(java.util.Locale.ROOT);
            int indent = open.group(1).length();
            StringBuilder body = new StringBuilder();
            int j = i + 1;
            for (; j < lines.length; j++) {
                String l = lines[j];
                if (l.strip().startsWith(fence) && l.strip().replace(String.valueOf(fence.charAt(0)), "").isEmpty()) {
                    break;
                }
                body.append(l.length() >= indent && l.substring(0, indent).isBlank() ? l.substring(indent) : l.stripLeading()).append('\n');
            }
            if (j == lines.length) {
                throw new IllegalArgumentException("line " + (i + 1) + ": a code fence that never closes");
            }
            if (SHELL.contains(info)) {
                Matcher why = UNTESTED.matcher(previous);
                examples.add(new Example(i + 1, body.toString(), why.matches() ? why.group(1) : null));
            }
            previous = "";
            i = j;
        }
        return examples;
    }
}
