package dev.pgbridge.server.auth;

import dev.pgbridge.connection.ConnectionConfig;
import dev.pgbridge.error.ErrorCode;
import dev.pgbridge.error.PgBridgeException;
import dev.pgbridge.secret.Secret;
import dev.pgbridge.store.StoreDatabase;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The server's users, one set per tenant. Passwords are kept as bcrypt hashes ({@code $2y$}, cost {@value #COST}, Bouncy
 * Castle's OpenBSDBCrypt); a plain password is never stored or logged.
 */
public final class UserStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,128}");
    private static final int MIN_PASSWORD = 8;
    /** bcrypt reads at most 72 bytes of a password: longer ones are refused rather than cut silently. */
    private static final int MAX_PASSWORD_BYTES = 72;
    static final int COST = 11;

    /** A user as listed: never the hash. */
    public record User(String tenant, String name, Role role) {}

    private final StoreDatabase db;
    private final SecureRandom random = new SecureRandom();
    // compared against when the user does not exist, so that a wrong name costs as long as a wrong password
    private volatile String dummyHash;

    public UserStore(StoreDatabase db) {
        this.db = requireNonNull(db, "db is null");
    }

    /** Adds a user, or replaces the role and password of an existing one. */
    public User put(String tenant, String name, Role role, Secret password) {
        String t = ConnectionConfig.normalizeTenant(tenant);
        checkName(name);
        if (password == null || password.reveal().length() < MIN_PASSWORD) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    "the password of user " + name + " is too short: at least " + MIN_PASSWORD + " characters",
                    "type a longer password (a passphrase of a few words is easy to remember)");
        }
        if (password.reveal().getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    "the password of user " + name + " is too long: at most " + MAX_PASSWORD_BYTES + " bytes in UTF-8",
                    "type a shorter password");
        }
        String hash = encode(password.reveal());
        try {
            db.inTransaction(c -> {
                try (PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM " + db.table("server_user") + " WHERE tenant = ? AND name = ?")) {
                    delete.setString(1, t);
                    delete.setString(2, name);
                    delete.executeUpdate();
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + db.table("server_user")
                        + " (tenant, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?)")) {
                    insert.setString(1, t);
                    insert.setString(2, name);
                    insert.setString(3, role.id());
                    insert.setString(4, hash);
                    db.bindTimestamp(insert, 5, db.now());
                    insert.executeUpdate();
                }
                return null;
            });
        }
        catch (SQLException e) {
            throw db.failure("saving user " + name, e);
        }
        return new User(t, name, role);
    }

    /** The user when the name exists in the tenant and the password matches; empty otherwise (same time either way). */
    public Optional<User> authenticate(String tenant, String name, Secret password) {
        String t;
        try {
            t = ConnectionConfig.normalizeTenant(tenant == null ? "" : tenant);
        }
        catch (PgBridgeException e) {
            matches("x", dummyHash());
            return Optional.empty();
        }
        Optional<String[]> row = row(t, name);
        String candidate = password == null ? "" : password.reveal();
        if (row.isEmpty()) {
            matches(candidate, dummyHash());
            return Optional.empty();
        }
        return matches(candidate, row.get()[1])
                ? Optional.of(new User(t, name, Role.parse(row.get()[0])))
                : Optional.empty();
    }

    public List<User> list(String tenant) {
        String t = ConnectionConfig.normalizeTenant(tenant);
        try {
            return db.read(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT name, role FROM " + db.table("server_user")
                        + " WHERE tenant = ? ORDER BY name")) {
                    s.setString(1, t);
                    List<User> users = new ArrayList<>();
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            users.add(new User(t, rs.getString(1), Role.parse(rs.getString(2))));
                        }
                    }
                    return users;
                }
            });
        }
        catch (SQLException e) {
            throw db.failure("listing users", e);
        }
    }

    public boolean delete(String tenant, String name) {
        String t = ConnectionConfig.normalizeTenant(tenant);
        try {
            return db.inTransaction(c -> {
                try (PreparedStatement s = c.prepareStatement(
                        "DELETE FROM " + db.table("server_user") + " WHERE tenant = ? AND name = ?")) {
                    s.setString(1, t);
                    s.setString(2, name);
                    return s.executeUpdate() > 0;
                }
            });
        }
        catch (SQLException e) {
            throw db.failure("deleting user " + name, e);
        }
    }

    private Optional<String[]> row(String tenant, String name) {
        try {
            return db.read(c -> {
                try (PreparedStatement s = c.prepareStatement("SELECT role, password_hash FROM "
                        + db.table("server_user") + " WHERE tenant = ? AND name = ?")) {
                    s.setString(1, tenant);
                    s.setString(2, name);
                    try (ResultSet rs = s.executeQuery()) {
                        return rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getString(2)}) : Optional.empty();
                    }
                }
            });
        }
        catch (SQLException e) {
            throw db.failure("reading user " + name, e);
        }
    }

    private String encode(String password) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password.toCharArray(), salt, COST);
    }

    private static boolean matches(String password, String hash) {
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            return false;
        }
        return OpenBSDBCrypt.checkPassword(hash, password.toCharArray());
    }

    private String dummyHash() {
        String hash = dummyHash;
        if (hash == null) {
            hash = encode("pgbridge-no-such-user");
            dummyHash = hash;
        }
        return hash;
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new PgBridgeException(ErrorCode.INVALID_CONFIG,
                    "invalid user name '" + name + "': letters, digits and _ . @ - only, 1 to 128 of them",
                    "use a name like alice or alice@example.com");
        }
    }
}
