package io.logstokengateway.registry;

import io.logstokengateway.registry.ServiceRecord.ServiceState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static io.logstokengateway.registry.Jdbc.instant;
import static io.logstokengateway.registry.Jdbc.timestamp;

/** SQL of the {@code service} table. */
final class ServiceStore {

    private static final String COLUMNS = "service_name, username, display_name, state, password_hash, es_username, es_password_sealed,"
            + " es_read_patterns, es_write_patterns, graylog_username, graylog_password_sealed, graylog_token_sealed, created_at, updated_at";

    private ServiceStore() {
    }

    static void insert(Connection c, ServiceRecord s) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO service (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            bind(st, s);
            st.executeUpdate();
        }
    }

    static void update(Connection c, ServiceRecord s) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE service SET service_name = ?, username = ?, display_name = ?, state = ?,"
                + " password_hash = ?, es_username = ?, es_password_sealed = ?, es_read_patterns = ?, es_write_patterns = ?,"
                + " graylog_username = ?, graylog_password_sealed = ?, graylog_token_sealed = ?, created_at = ?, updated_at = ?"
                + " WHERE service_name = ?")) {
            bind(st, s);
            st.setString(15, s.serviceName());
            st.executeUpdate();
        }
    }

    static boolean delete(Connection c, String serviceName) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("DELETE FROM service WHERE service_name = ?")) {
            st.setString(1, serviceName);
            return st.executeUpdate() > 0;
        }
    }

    static Optional<ServiceRecord> byName(Connection c, String serviceName) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM service WHERE service_name = ?", serviceName);
    }

    /** The service, its row locked until the transaction ends (serialises rules that count its tokens). */
    static Optional<ServiceRecord> lock(Connection c, String serviceName) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM service WHERE service_name = ? FOR UPDATE", serviceName);
    }

    static Optional<ServiceRecord> byUsername(Connection c, String username) throws SQLException {
        return one(c, "SELECT " + COLUMNS + " FROM service WHERE username = ?", username);
    }

    static List<ServiceRecord> all(Connection c) throws SQLException {
        List<ServiceRecord> services = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM service ORDER BY service_name");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                services.add(read(rs));
            }
        }
        return services;
    }

    private static Optional<ServiceRecord> one(Connection c, String sql, String key) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, key);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    private static void bind(PreparedStatement st, ServiceRecord s) throws SQLException {
        st.setString(1, s.serviceName());
        st.setString(2, s.username());
        st.setString(3, s.displayName());
        st.setString(4, s.state().name());
        st.setString(5, s.passwordHash());
        st.setString(6, s.elasticsearchUsername());
        st.setString(7, s.elasticsearchPasswordSealed());
        st.setString(8, String.join(",", s.readPatterns()));
        st.setString(9, String.join(",", s.writePatterns()));
        st.setString(10, s.graylogUsername());
        st.setString(11, s.graylogPasswordSealed());
        st.setString(12, s.graylogTokenSealed());
        st.setTimestamp(13, timestamp(s.createdAt()));
        st.setTimestamp(14, timestamp(s.updatedAt()));
    }

    private static ServiceRecord read(ResultSet rs) throws SQLException {
        return new ServiceRecord(
                rs.getString("service_name"),
                rs.getString("username"),
                rs.getString("display_name"),
                ServiceState.valueOf(rs.getString("state")),
                rs.getString("password_hash"),
                rs.getString("es_username"),
                rs.getString("es_password_sealed"),
                patterns(rs.getString("es_read_patterns")),
                patterns(rs.getString("es_write_patterns")),
                rs.getString("graylog_username"),
                rs.getString("graylog_password_sealed"),
                rs.getString("graylog_token_sealed"),
                instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")));
    }

    private static List<String> patterns(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }
}
