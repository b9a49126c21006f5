package io.logstokengateway.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.logstokengateway.registry.Jdbc.instant;
import static io.logstokengateway.registry.Jdbc.timestamp;

/** SQL of the {@code token} table. */
final class TokenStore {

    private static final String COLUMNS = "token_id, service_name, name, cluster_id, lookup_hash, value_sealed,"
            + " created_at, updated_at, expires_at, last_used_at";

    private TokenStore() {
    }

    static void insert(Connection c, TokenRecord t) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO token (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            st.setString(1, t.tokenId());
            st.setString(2, t.serviceName());
            st.setString(3, t.name());
            st.setString(4, t.clusterId());
            st.setString(5, t.lookupHash());
            st.setString(6, t.valueSealed());
            st.setTimestamp(7, timestamp(t.createdAt()));
            st.setTimestamp(8, timestamp(t.updatedAt()));
            st.setTimestamp(9, timestamp(t.expiresAt()));
            st.setTimestamp(10, timestamp(t.lastUsedAt()));
            st.executeUpdate();
        }
    }

    static void recordUse(Connection c, Map<String, Instant> lastUse) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE token SET last_used_at = ?"
                + " WHERE token_id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
            for (Map.Entry<String, Instant> use : lastUse.entrySet()) {
                st.setTimestamp(1, timestamp(use.getValue()));
                st.setString(2, use.getKey());
                st.setTimestamp(3, timestamp(use.getValue()));
                st.addBatch();
            }
            st.executeBatch();
        }
    }

    static int countOfService(Connection c, String serviceName) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT COUNT(*) FROM token WHERE service_name = ?")) {
            st.setString(1, serviceName);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    static boolean delete(Connection c, String serviceName, String tokenId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("DELETE FROM token WHERE service_name = ? AND token_id = ?")) {
            st.setString(1, serviceName);
            st.setString(2, tokenId);
            return st.executeUpdate() > 0;
        }
    }

    static Optional<TokenRecord> byId(Connection c, String serviceName, String tokenId) throws SQLException {
        List<TokenRecord> found = query(c, "SELECT " + COLUMNS + " FROM token WHERE service_name = ? AND token_id = ?", serviceName, tokenId);
        return found.stream().findFirst();
    }

    static Optional<TokenRecord> byLookupHash(Connection c, String lookupHash) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM token WHERE lookup_hash = ?", lookupHash).stream().findFirst();
    }

    static List<TokenRecord> ofService(Connection c, String serviceName) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM token WHERE service_name = ? ORDER BY created_at, token_id", serviceName);
    }

    private static List<TokenRecord> query(Connection c, String sql, String... keys) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < keys.length; i++) {
                st.setString(i + 1, keys[i]);
            }
            List<TokenRecord> tokens = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    tokens.add(new TokenRecord(
                            rs.getString("token_id"),
                            rs.getString("service_name"),
                            rs.getString("name"),
                            rs.getString("cluster_id"),
                            rs.getString("lookup_hash"),
                            rs.getString("value_sealed"),
                            instant(rs.getTimestamp("created_at")),
                            instant(rs.getTimestamp("updated_at")),
                            instant(rs.getTimestamp("expires_at")),
                            instant(rs.getTimestamp("last_used_at"))));
                }
            }
            return tokens;
        }
    }
}
