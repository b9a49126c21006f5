package io.logstokengateway.registry;

import io.logstokengateway.registry.OperationRecord.OperationState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.logstokengateway.registry.Jdbc.instant;
import static io.logstokengateway.registry.Jdbc.timestamp;

/** SQL of the {@code operation} table. */
final class OperationStore {

    private static final String COLUMNS = "operation_id, service_name, token_id, action, state, revocation_id, created_at, updated_at";

    private OperationStore() {
    }

    static void insert(Connection c, OperationRecord o) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO operation (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?)")) {
            st.setString(1, o.operationId());
            st.setString(2, o.serviceName());
            st.setString(3, o.tokenId());
            st.setString(4, o.action());
            st.setString(5, o.state().name());
            if (o.revocationId() == null) {
                st.setNull(6, Types.BIGINT);
            } else {
                st.setLong(6, o.revocationId());
            }
            st.setTimestamp(7, timestamp(o.createdAt()));
            st.setTimestamp(8, timestamp(o.updatedAt()));
            st.executeUpdate();
        }
    }

    static Optional<OperationRecord> byId(Connection c, String serviceName, String operationId) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM operation WHERE service_name = ? AND operation_id = ?", serviceName, operationId)
                .stream().findFirst();
    }

    static List<OperationRecord> ofService(Connection c, String serviceName) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM operation WHERE service_name = ? ORDER BY created_at, operation_id", serviceName);
    }

    /** Marks as done every running operation whose revocation every live node has acknowledged. */
    static int completeAcknowledged(Connection c, Instant now, Instant liveSince) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("UPDATE operation SET state = 'SUCCESS', updated_at = ?"
                + " WHERE state = 'RUNNING' AND revocation_id IS NOT NULL AND NOT EXISTS ("
                + "   SELECT 1 FROM revocation r, gateway_node n"
                + "   WHERE r.revocation_id = operation.revocation_id AND n.last_seen_at > ? AND n.started_at <= r.created_at"
                + "   AND NOT EXISTS (SELECT 1 FROM revocation_ack a WHERE a.revocation_id = r.revocation_id AND a.node_id = n.node_id))")) {
            st.setTimestamp(1, timestamp(now));
            st.setTimestamp(2, timestamp(liveSince));
            return st.executeUpdate();
        }
    }

    private static List<OperationRecord> query(Connection c, String sql, String... keys) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < keys.length; i++) {
                st.setString(i + 1, keys[i]);
            }
            List<OperationRecord> operations = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long revocation = rs.getLong("revocation_id");
                    Long revocationId = rs.wasNull() ? null : revocation; // wasNull() speaks of the last column read
                    operations.add(new OperationRecord(
                            rs.getString("operation_id"),
                            rs.getString("service_name"),
                            rs.getString("token_id"),
                            rs.getString("action"),
                            OperationState.valueOf(rs.getString("state")),
                            revocationId,
                            instant(rs.getTimestamp("created_at")),
                            instant(rs.getTimestamp("updated_at"))));
                }
            }
            return operations;
        }
    }
}
