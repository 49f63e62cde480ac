package dev.pgbridge.cli.command;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = TopCommand.class.getPackage().getImplementationVersion();
        return new String[] {"pgbridge " + (version == null ? "dev" : version)};
    }
}
