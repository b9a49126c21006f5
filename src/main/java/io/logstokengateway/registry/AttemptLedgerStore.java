package io.logstokengateway.registry;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The guessing throttle's counts in the registry database, shared by every node: for each key, the instant (epoch
 * microseconds) its debt of failed attempts is paid back. A charge is one conditional {@code UPDATE}, so attempts
 * made at once on several nodes never all take the last place. Every method blocks: call it from a worker thread.
 */
@ApplicationScoped
public class AttemptLedgerStore {

    private static final long PRUNE_AFTER_MICROS = 60_000_000;

    private final Jdbc jdbc;

    public AttemptLedgerStore(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Adds {@code cost} to the key's debt (counted from {@code now} if it was paid) when the debt then stays within
     * {@code allowance}. Answers the key's paid-back instant afterwards, and whether it was charged.
     */
    public Charge charge(String key, long costMicros, long allowanceMicros, long nowMicros) {
        for (;;) {
            Optional<Charge> charge = tryCharge(key, costMicros, allowanceMicros, nowMicros);
            if (charge.isPresent()) {
                return charge.get();
            }
            // the row was pruned between the insert and the update (another node forgot a paid debt): again
        }
    }

    private Optional<Charge> tryCharge(String key, long costMicros, long allowanceMicros, long nowMicros) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement(
                    "INSERT INTO attempt_ledger (ledger_key, paid_until) VALUES (?, 0) ON CONFLICT DO NOTHING")) {
                st.setString(1, key);
                st.executeUpdate();
            }
            boolean charged;
            try (PreparedStatement st = c.prepareStatement("UPDATE attempt_ledger SET paid_until = GREATEST(paid_until, ?) + ?"
                    + " WHERE ledger_key = ? AND GREATEST(paid_until, ?) + ? <= ?")) {
                st.setLong(1, nowMicros);
                st.setLong(2, costMicros);
                st.setString(3, key);
                st.setLong(4, nowMicros);
                st.setLong(5, costMicros);
                st.setLong(6, nowMicros + allowanceMicros);
                charged = st.executeUpdate() > 0;
            }
            Optional<Long> paid = paidUntil(c, key);
            return paid.map(p -> new Charge(charged, p));
        });
    }

    /** Takes {@code cost} back off the key's debt; answers the paid-back instant afterwards. */
    public long refund(String key, long costMicros) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement("UPDATE attempt_ledger SET paid_until = paid_until - ? WHERE ledger_key = ?")) {
                st.setLong(1, costMicros);
                st.setString(2, key);
                st.executeUpdate();
            }
            return paidUntil(c, key).orElse(0L);
        });
    }

    /**
     * Keys whose debt lasts beyond {@code micros}, the longest first, at most {@code limit}; forgets those paid
     * back a minute ago or more.
     */
    public Map<String, Long> indebtedBeyond(long micros, long nowMicros, int limit) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement("DELETE FROM attempt_ledger WHERE paid_until <= ?")) {
                st.setLong(1, nowMicros - PRUNE_AFTER_MICROS);
                st.executeUpdate();
            }
            Map<String, Long> keys = new LinkedHashMap<>();
            try (PreparedStatement st = c.prepareStatement(
                    "SELECT ledger_key, paid_until FROM attempt_ledger WHERE paid_until > ? ORDER BY paid_until DESC LIMIT ?")) {
                st.setLong(1, micros);
                st.setInt(2, limit);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        keys.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            return keys;
        });
    }

    /** Keys currently in debt. */
    public long size(long nowMicros) {
        return jdbc.inTransaction(c -> {
            try (PreparedStatement st = c.prepareStatement("SELECT COUNT(*) FROM attempt_ledger WHERE paid_until > ?")) {
                st.setLong(1, nowMicros);
                try (ResultSet rs = st.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static Optional<Long> paidUntil(Connection c, String key) throws SQLException {
        try (PreparedStatement st = c.prepareStatement("SELECT paid_until FROM attempt_ledger WHERE ledger_key = ?")) {
            st.setString(1, key);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    /** The outcome of a charge: whether it was made, and when the key's debt is paid back. */
    public record Charge(boolean charged, long paidUntilMicros) {
    }
}
