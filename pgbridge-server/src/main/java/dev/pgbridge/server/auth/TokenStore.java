package dev.pgbridge.server.auth;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.store.StoreDatabase;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Bearer tokens: {@code pgb_<id>_<secret>}, 256 random bits, shown once when created and stored as their SHA-256 (a
 * random 256-bit secret needs no slow hash; a leaked table gives nothing to replay). The id part names the token in
 * listings and the audit log.
 */
public final class TokenStore {
    private static final String PREFIX = "pgb_";
    private final StoreDatabase db;
    private final SecureRandom random = new SecureRandom();

    /** A token as listed: never its secret nor its hash. */
    public record Token(String id, String tenant, Role role, String description, Instant createdAt, Instant expiresAt) {
        public boolean expired(Instant now) {
            return expiresAt != null && !now.isBefore(expiresAt);
        }
    }

    /** A token just made: the only time its text exists outside the caller's hands. */
    public record Created(Token token, Secret text) {}

    public TokenStore(StoreDatabase db) {
        this.db = requireNonNull(db, "db is null");
    }

    /** Creates a token; {@code lifetime} null means it never expires. */
    public Created create(String tenant, Role role, Duration lifetime, String description) {
        String t = ConnectionConfig.normalizeTenant(tenant);
        if (role == Role.ADMIN) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "tokens cannot have the admin role",
                    "create an editor, viewer or agent token; admins log in as users");
        }
        if (lifetime != null && (lifetime.isNegative() || lifetime.isZero())) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG, "a token's lifetime must be positive: " + lifetime,
                    "give --expires like 30d, 12h or 90m");
        }
        byte[] idBytes = new byte[6];
        byte[] secretBytes = new byte[32];
        random.nextBytes(idBytes);
        random.nextBytes(secretBytes);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String id = HexFormat.of().formatHex(idBytes);
        String text = PREFIX + id + "_" + b64.encodeToString(secretBytes);
        Instant now = db.now();
        Instant expires = lifetime == null ? null : now.plus(lifetime);
        try {
            db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO " + db.table("server_token")
                        + " (id, tenant, role, token_hash, description, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                    s.setString(1, id);
                    s.setString(2, t);
                    s.setString(3, role.id());
                    s.setString(4, hash(text));
                    s.setString(5, description);
                    db.bindTimestamp(s, 6, now);
                    if (expires == null) {
                        s.setNull(7, java.sql.Types.VARCHAR);
                    }
                    else {
                        db.bindTimestamp(s, 7, expires);
                    }
                    s.executeUpdate();
                }
                return null;
            });
        }
        catch (SQLException e) {
            throw db.failure("creating a token", e);
        }
        return new Created(new Token(id, t, role, description, now, expires), Secret.of(text));
    }

    /**
     * The token with this text, expired or not (the caller tells an expired token from an unknown one); empty when
     * the text is no token of this server.
     */
    public Optional<Token> find(String text) {
        if (text == null || !text.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String hash = hash(text);
        try {
            return db.read(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT id, tenant, role, description, created_at, expires_at FROM "
                        + db.table("server_token") + " WHERE token_hash = ?")) {
                    s.setString(1, hash);
                    try (ResultSet rs = s.executeQuery()) {
                        return rs.next() ? Optional.of(token(rs)) : Optional.empty();
                    }
                }
            });
        }
        catch (SQLException e) {
            throw db.failure("checking a token", e);
        }
    }

    public List<Token> list(String tenant) {
        String t = ConnectionConfig.normalizeTenant(tenant);
        try {
            return db.read(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT id, tenant, role, description, created_at, expires_at FROM "
                        + db.table("server_token") + " WHERE tenant = ? ORDER BY created_at, id")) {
                    s.setString(1, t);
                    List<Token> tokens = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            tokens.add(token(rs));
                        }
                    }
                    return tokens;
                }
            });
        }
        catch (SQLException e) {
            throw db.failure("listing tokens", e);
        }
    }

    public boolean revoke(String tenant, String id) {
        String t = ConnectionConfig.normalizeTenant(tenant);
        try {
            return db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement(
                        "DELETE FROM " + db.table("server_token") + " WHERE tenant = ? AND id = ?")) {
                    s.setString(1, t);
                    s.setString(2, id);
                    return s.executeUpdate() > 0;
                }
            });
        }
        catch (SQLException e) {
            throw db.failure("revoking token " + id, e);
        }
    }

    private Token token(ResultSet rs) throws SQLException {
        String expires = rs.getString("expires_at");
        return new Token(rs.getString("id"), rs.getString("tenant"), Role.parse(rs.getString("role")),
                rs.getString("description"), db.readTimestamp(rs, "created_at"),
                expires == null ? null : db.readTimestamp(rs, "expires_at"));
    }

    static String hash(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
