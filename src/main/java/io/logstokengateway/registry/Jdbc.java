package io.logstokengateway.registry;

import io.agroal.api.AgroalDataSource;
import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.error.GatewayError;
import io.quarkus.agroal.DataSource;
import io.quarkus.arc.InjectableInstance;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/** The active registry database (embedded H2 or PostgreSQL) and transactions on it. Blocking: call off the event loop. */
@ApplicationScoped
public class Jdbc {

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private static final Logger LOG = Logger.getLogger(Jdbc.class);

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
     * A transaction writing client input. The registry's checks should leave nothing the database refuses; should one
     * slip through (a value too long or malformed, a duplicate written meanwhile), it is still the client's mistake,
     * answered 400 or 409 rather than reported as an unavailable registry.
     */
    public <T> T writingClientInput(Work<T> work) {
        try {
            return inTransaction(work);
        } catch (RegistryUnavailableException e) {
            String state = e.getCause() instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                LOG.warnf("The registry database refused a value from a request (SQLState %s): answered as the client's mistake", state);
                throw state.startsWith("22")
                        ? GatewayError.invalid("A value does not fit the registry (too long or malformed)")
                        : GatewayError.conflict("This conflicts with the registry's current state; read it again");
            }
            throw e;
        }
    }

    /** The time now, in microseconds: what both databases keep, so a value read back equals the value written. */
    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
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
