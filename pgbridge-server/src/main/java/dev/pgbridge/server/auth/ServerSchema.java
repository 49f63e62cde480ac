package dev.pgbridge.server.auth;

import dev.pgbridge.store.StoreMigration;

import java.util.List;

/** The server's tables in the control store (component {@value #COMPONENT}): users, tokens, the audit log (1), managed
 * jobs (2). */
public final class ServerSchema {
    public static final String COMPONENT = "server";

    private ServerSchema() {}

    public static final List<StoreMigration> MIGRATIONS = List.of(new StoreMigration(1, "users, tokens, audit log", List.of("""
            CREATE TABLE ${schema}server_user (
                tenant TEXT NOT NULL,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at ${timestamp} NOT NULL,
                PRIMARY KEY (tenant, name)
            )""", """
            CREATE TABLE ${schema}server_token (
                id TEXT PRIMARY KEY,
                tenant TEXT NOT NULL,
                role TEXT NOT NULL,
                token_hash TEXT NOT NULL UNIQUE,
                description TEXT,
                created_at ${timestamp} NOT NULL,
                expires_at ${timestamp}
            )""", """
            CREATE TABLE ${schema}server_audit (
                at ${timestamp} NOT NULL,
                tenant TEXT NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                conn_id TEXT,
                remote TEXT
            )""", """
            CREATE INDEX server_audit_tenant ON ${schema}server_audit (tenant, at)""")),
            new StoreMigration(2, "managed jobs: captures and scheduled workflows", List.of("""
            CREATE TABLE ${schema}server_job (
                tenant TEXT NOT NULL,
                name TEXT NOT NULL,
                kind TEXT NOT NULL,
                config TEXT NOT NULL,
                schedule TEXT,
                desired_state TEXT NOT NULL,
                created_at ${timestamp} NOT NULL,
                updated_at ${timestamp} NOT NULL,
                last_run_at ${timestamp},
                last_result TEXT,
                last_error TEXT,
                PRIMARY KEY (tenant, kind, name)
            )""")));
}
