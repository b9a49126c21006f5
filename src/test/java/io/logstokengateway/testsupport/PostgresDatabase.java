package io.logstokengateway.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/** Gives each test its own empty PostgreSQL database, so runs never see each other's rows or schema. */
public final class PostgresDatabase {

    private PostgresDatabase() {
    }

    public static String user() {
        return PostgresAvailability.setting("test.postgresql.user", "TEST_POSTGRESQL_USER", "postgres");
    }

    public static String password() {
        String value = System.getProperty("test.postgresql.password", System.getenv("TEST_POSTGRESQL_PASSWORD"));
        return value == null ? "" : value;
    }

    public static String jdbcUrl(String database) {
        return "jdbc:postgresql://" + PostgresAvailability.host() + ":" + PostgresAvailability.port() + "/" + database;
    }

    /** Creates {@code ltg_test_<random>} and returns its JDBC URL (user and password: {@link #user()}, {@link #password()}). */
    public static String createFreshDatabase() {
        String name = "ltg_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        try (Connection admin = DriverManager.getConnection(jdbcUrl("postgres"), user(), password());
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create test database " + name + " at "
                    + PostgresAvailability.host() + ":" + PostgresAvailability.port(), e);
        }
        return jdbcUrl(name);
    }

    /** Drops a database made by {@link #createFreshDatabase()}, closing whatever connections are still open. */
    public static void dropDatabase(String jdbcUrl) {
        String name = jdbcUrl.substring(jdbcUrl.lastIndexOf('/') + 1);
        if (!name.matches("ltg_test_[a-z0-9]+")) {
            throw new IllegalArgumentException("Not a test database: " + jdbcUrl);
        }
        try (Connection admin = DriverManager.getConnection(jdbcUrl("postgres"), user(), password());
             Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("Could not drop test database " + name, e);
        }
    }
}
