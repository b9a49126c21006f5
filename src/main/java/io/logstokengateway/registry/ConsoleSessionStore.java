package io.logstokengateway.registry;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import static io.logstokengateway.registry.Jdbc.timestamp;

/**
 * Console sessions in the registry database, so that any node serves any signed-in user: the load balancer needs no
 * stickiness. Ages are measured on the database's clock. Every method blocks: call it from a worker thread.
 */
@ApplicationScoped
public class ConsoleSessionStore {

    /** What a session row holds, but the one-shot messages. */
    public record Stored(boolean operator, String serviceName, String csrfToken) {
        @Override
        public String toString() {
            return "Stored[" + (operator ? "operator" : serviceName) + "]"; // never the CSRF token
        }
    }

    private final Jdbc jdbc;

    public ConsoleSessionStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Records a new session, forgetting those that expired meanwhile. */
    public void open(String key, boolean operator, String serviceName, String csrfToken, Duration idle, Duration maxAge) {
        jdbc.inTransaction(c -> {
            Instant now = Jdbc.databaseNow(c);
            try (PreparedStatement expired = c.prepareStatement(
                    "DELETE FROM console_session WHERE last_used_at < ? OR created_at < ?")) {
                expired.setTimestamp(1, timestamp(now.minus(idle)));
                expired.setTimestamp(2, timestamp(now.minus(maxAge)));
                expired.executeUpdate();
            }
            try (PreparedStatement st = c.prepareStatement("INSERT INTO console_session"
                    + " (session_key, operator, service_name, csrf_token, created_at, last_used_at) VALUES (?,?,?,?,?,?)")) {
                st.setString(1, key);
                st.setBoolean(2, operator);
                st.setString(3, serviceName);
                st.setString(4, csrfToken);
                st.setTimestamp(5, timestamp(now));
                st.setTimestamp(6, timestamp(now));
                st.executeUpdate();
            }
            return null;
        });
    }

    /** The live session under this key, its idle time restarted; an expired one is deleted and answered empty. */
    public Optional<Stored> touch(String key, Duration idle, Duration maxAge) {
        return jdbc.inTransaction(c -> {
            Instant now = Jdbc.databaseNow(c);
            try (PreparedStatement st = c.prepareStatement("UPDATE console_session SET last_used_at = ?"
                    + " WHERE session_key = ? AND last_used_at >= ? AND created_at >= ?")) {
                st.setTimestamp(1, timestamp(now));
                st.setString(2, key);
                st.setTimestamp(3, timestamp(now.minus(idle)));
                st.setTimestamp(4, timestamp(now.minus(maxAge)));
                if (st.executeUpdate() == 0) {
                    delete(c, key);
                    return Optional.<Stored>empty();
                }
            }
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT operator, service_name, csrf_token FROM console_session WHERE session_key = ?")) {
                st.setString(1, key);
                try (ResultSet rs = st.executeQuery()) {
                    return rs.next()
                            ? Optional.of(new Stored(rs.getBoolean(1), rs.getString(2), rs.getString(3)))
                            : Optional.<Stored>empty();
                }
            }
        });
    }

    public void close(String key) {
        jdbc.inTransaction(c -> {
            delete(c, key);
            return null;
        });
    }

    /** Ends the sessions of a service's account opened before this revocation (the operator's stay). */
    public void closeService(String serviceName, long revocationId) {
        jdbc.inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM console_session WHERE operator = FALSE AND service_name = ?"
                    + " AND created_at <= (SELECT created_at FROM revocation WHERE revocation_id = ?)")) {
                st.setString(1, serviceName);
                st.setLong(2, revocationId);
                return st.executeUpdate();
            }
        });
    }

    /** Remembers a one-shot value ({@code created_token_id} or {@code notice}) for the session's next page. */
    public void put(String key, OneShot field, String value) {
        jdbc.inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE console_session SET " + field.column + " = ? WHERE session_key = ?")) {
                st.setString(1, value);
                st.setString(2, key);
                return st.executeUpdate();
            }
        });
    }

    /** The one-shot value, once: it is cleared in the same transaction, so two pages never both show it. */
    public Optional<String> take(String key, OneShot field) {
        return jdbc.inTransaction(c -> {
            String value;
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT " + field.column + " FROM console_session WHERE session_key = ? FOR UPDATE")) {
                st.setString(1, key);
                try (ResultSet rs = st.executeQuery()) {
                    value = rs.next() ? rs.getString(1) : null;
                }
            }
            if (value != null) {
                try (PreparedStatement st = c.prepareStatement("UPDATE console_session SET " + field.column + " = NULL WHERE session_key = ?")) {
                    st.setString(1, key);
                    st.executeUpdate();
                }
            }
            return Optional.ofNullable(value);
        });
    }

    /** The messages a session keeps for its next page view. */
    public enum OneShot {
        CREATED_TOKEN("created_token_id"),
        NOTICE("notice");

        private final String column;

        OneShot(String column) {
            this.column = column;
        }
    }

    private static void delete(Connection c, String key) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("DELETE FROM console_session WHERE session_key = ?")) {
            st.setString(1, key);
            st.executeUpdate();
        }
    }
}
