package io.logstokengateway.registry;

import io.agroal.api.AgroalDataSource;
import io.logstokengateway.config.GatewayConfig;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.InjectableInstance;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;

/** The active registry database (embedded H2 or PostgreSQL) and transactions on it. Blocking: call off the event loop. */
@ApplicationScoped
public class Jdbc {

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final AgroalDataSource dataSource;

    public Jdbc(GatewayConfig config,
                @DataSource("h2") InjectableInstance<AgroalDataSource> h2,
                @DataSource("postgresql") InjectableInstance<AgroalDataSource> postgresql) {
        this.dataSource = config.registry().kind() == GatewayConfig.RegistryKind.postgresql ? postgresql.get() : h2.get();
    }

    public <T> T inTransaction(Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new RegistryUnavailableException(e);
        }
    }

    /**
     * The database's clock, the one every node shares: heartbeats, revocation times and session ages are measured on
     * it, so that nodes whose own clocks drift still agree on who is live and what came first.
     */
    public static Instant databaseNow(Connection connection) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT CURRENT_TIMESTAMP"); ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        }
    }

    static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
