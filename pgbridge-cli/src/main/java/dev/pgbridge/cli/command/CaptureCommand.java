package dev.pgbridge.cli.command;

import dev.pgbridge.cdc.engine.CaptureOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

@Command(name = "capture", mixinStandardHelpOptions = true,
        description = {"Change data capture: backfill the existing rows of PostgreSQL tables, then stream every insert, "
                + "update and delete from logical replication into a sink.",
                "A capture is described by a YAML file (--config); its state (checkpoint, spill files) lives under "
                        + "PGBRIDGE_HOME/captures/<name>/."},
        modelTransformer = CaptureCommand.ConfigKeys.class)
final class CaptureCommand implements Runnable {
    /** The subcommands, in the order picocli lists them (added by {@link TopCommand#addCommands}). */
    static final List<Class<?>> SUBCOMMANDS = List.of(CaptureRunCommand.class, CaptureStatusCommand.class,
            CaptureDiscoverCommand.class, CaptureDropCommand.class);

    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The config keys in the help, from their one declaration in {@link CaptureOption}. */
    static final class ConfigKeys implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            List<String> lines = new ArrayList<>();
            lines.add("");
            lines.add("Config keys (YAML):");
            for (CaptureOption o : CaptureOption.values()) {
                String value = o.defaultValue() == null || o.defaultValue().isEmpty() ? ""
                        : " (default: " + o.defaultValue() + ")";
                String allowed = o.allowedValues().isEmpty() ? "" : "; one of " + String.join(", ", o.allowedValues());
                lines.add(String.format(Locale.ROOT, "  %s%s%s", o.path(), value, o.sensitive() ? " (secret)" : ""));
                lines.add("      " + o.description() + allowed);
            }
            lines.add("");
            lines.add("Example:");
            lines.add("  address: db.example.com:5432");
            lines.add("  database: shop");
            lines.add("  user: capture");
            lines.add("  password: secret          # or: connection: shop_prod");
            lines.add("  advanced: {slotName: shop_slot, backfill_chunk_size: 4096}");
            lines.add("  bindings: [{namespace: public, stream: orders}]");
            lines.add("  sink: {type: jsonl, dir: /var/lib/pgbridge/shop}");
            spec.usageMessage().footer(lines.toArray(String[]::new));
            return spec;
        }
    }
}
