package dev.pgbridge.cli;

public final class PgBridgeCli {
    private PgBridgeCli() {}

    public static void main(String[] args) {
        System.exit(0);
    }
}
