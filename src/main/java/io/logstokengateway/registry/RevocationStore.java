package io.logstokengateway.registry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.logstokengateway.registry.Jdbc.timestamp;

/** SQL of the revocation log, its acknowledgements and the node heartbeats. */
final class RevocationStore {

    private RevocationStore() {
    }

    /** Dated by the database's clock, as node start times are: which nodes must apply it does not depend on theirs. */
    static long insert(Connection c, Revocation.Kind kind, String serviceName, String tokenId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(
                "INSERT INTO revocation (kind, service_name, token_id, created_at) VALUES (?,?,?,CURRENT_TIMESTAMP)",
                new String[] {"revocation_id"})) {
            st.setString(1, kind.name());
            st.setString(2, serviceName);
            st.setString(3, tokenId);
            st.executeUpdate();
            try (ResultSet keys = st.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    static void acknowledge(Connection c, long revocationId, String nodeId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("INSERT INTO revocation_ack (revocation_id, node_id) VALUES (?,?)")) {
            st.setLong(1, revocationId);
            st.setString(2, nodeId);
            st.executeUpdate();
        }
    }

    /** Revocations made since this node started that it has not applied yet. */
    static List<Revocation> pendingFor(Connection c, String nodeId, Instant nodeStartedAt) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT revocation_id, kind, service_name, token_id FROM revocation r"
                + " WHERE r.created_at >= ? AND NOT EXISTS"
                + " (SELECT 1 FROM revocation_ack a WHERE a.revocation_id = r.revocation_id AND a.node_id = ?)"
                + " ORDER BY revocation_id")) {
            st.setTimestamp(1, timestamp(nodeStartedAt));
            st.setString(2, nodeId);
            List<Revocation> pending = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    pending.add(new Revocation(rs.getLong(1), Revocation.Kind.valueOf(rs.getString(2)), rs.getString(3), rs.getString(4)));
                }
            }
            return pending;
        }
    }

    /** The node is live as of the database's clock; a node forgotten meanwhile comes back with its first start time. */
    static void heartbeat(Connection c, String nodeId, Instant startedAt) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE gateway_node SET last_seen_at = CURRENT_TIMESTAMP WHERE node_id = ?")) {
            update.setString(1, nodeId);
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = c.prepareStatement(
                "INSERT INTO gateway_node (node_id, started_at, last_seen_at) VALUES (?,?,CURRENT_TIMESTAMP)")) {
            insert.setString(1, nodeId);
            insert.setTimestamp(2, timestamp(startedAt));
            insert.executeUpdate();
        }
    }

    static void removeNode(Connection c, String nodeId) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("DELETE FROM gateway_node WHERE node_id = ?")) {
            st.setString(1, nodeId);
            st.executeUpdate();
        }
    }

    /** Forgets nodes and revocations nobody needs any more. */
    static void prune(Connection c, Instant deadNodesBefore, Instant revocationsBefore) throws SQLException {
        try (PreparedStatement nodes = c.prepareStatement("DELETE FROM gateway_node WHERE last_seen_at < ?");
             PreparedStatement revocations = c.prepareStatement("DELETE FROM revocation WHERE created_at < ?")) {
            nodes.setTimestamp(1, timestamp(deadNodesBefore));
            nodes.executeUpdate();
            revocations.setTimestamp(1, timestamp(revocationsBefore));
            revocations.executeUpdate();
        }
    }
}
