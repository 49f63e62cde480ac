package dev.pgbridge.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadmeExamplesTest {
    @Test
    void findsShellBlocksOnlyAndTheirLines() {
        String md = """
                # Title
                ```bash
                pgbridge conn list
                ```
                ```yaml
                sink: {type: stdout}
                ```
                text
                ```sh
                pgbridge tables demo   # comment
                echo done
                ```
                """;
        List<ReadmeExamples.Example> examples = ReadmeExamples.parse(md);
        assertThat(examples).extracting(ReadmeExamples.Example::line).containsExactly(2, 9);
        assertThat(examples.get(1).script()).isEqualTo("pgbridge tables demo   # comment\necho done\n");
        assertThat(examples.get(1).firstCommand()).isEqualTo("pgbridge tables demo   # comment");
        assertThat(examples).allMatch(ReadmeExamples.Example::runs);
    }

    @Test
    void anUntestedBlockNeedsItsReasonRightBeforeIt() {
        String md = """
                <!-- untested: needs a second machine -->
                ```bash
                ssh other pgbridge conn list
                ```
                <!-- untested: only the next block -->

                text between
                ```bash
                pgbridge conn list
                ```
                """;
        List<ReadmeExamples.Example> examples = ReadmeExamples.parse(md);
        assertThat(examples.get(0).untestedBecause()).isEqualTo("needs a second machine");
        assertThat(examples.get(1).runs()).isTrue();
    }

    @Test
    void blocksInsideListsAreUnindented() {
        String md = "- item\n\n  ```bash\n  pgbridge --version\n    indented more\n  ```\n";
        assertThat(ReadmeExamples.parse(md).get(0).script()).isEqualTo("pgbridge --version\n  indented more\n");
    }

    @Test
    void aLongerFenceHoldsAShorterOne() {
        String md = "````bash\necho '```'\n````\n```bash\necho two\n```\n";
        assertThat(ReadmeExamples.parse(md)).extracting(ReadmeExamples.Example::script)
                .containsExactly("echo '```'\n", "echo two\n");
    }

    @Test
    void anUnclosedFenceIsAnError() {
        assertThatThrownBy(() -> ReadmeExamples.parse("```bash\necho\n")).hasMessageContaining("line 1");
    }
}
