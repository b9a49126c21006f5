package io.logstokengateway.registry;

import io.logstokengateway.testsupport.PostgresAvailability;
import io.logstokengateway.testsupport.PostgresDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

/**
 * The registry rules on PostgreSQL, in a database of its own created for the run, migrated by Flyway at start and
 * dropped when the test JVM exits. Skipped with a message when no server answers at
 * {@code test.postgresql.host}:{@code test.postgresql.port} (defaults 127.0.0.1:5432, user {@code postgres}).
 */
@QuarkusTest
@TestProfile(PostgresRegistryTest.Profile.class)
@ExtendWith(PostgresAvailability.class)
class PostgresRegistryTest extends RegistryContract {

    /** A fixed test key (the bytes 0 to 31): nodes sharing PostgreSQL must share the key. */
    static final String SECRETS_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    public static class Profile implements QuarkusTestProfile {

        /** Where the database of this JVM is remembered: Quarkus asks for the overrides from more than one class loader. */
        private static final String URL_PROPERTY = "ltg.test.postgresql.registry-url";

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.registry.kind", "postgresql",
                    "quarkus.datasource.postgresql.jdbc.url", database(),
                    "quarkus.datasource.postgresql.username", PostgresDatabase.user(),
                    "quarkus.datasource.postgresql.password", PostgresDatabase.password(),
                    "quarkus.flyway.postgresql.migrate-at-start", "true",
                    "gateway.secrets.key", SECRETS_KEY,
                    "gateway.elasticsearch.port", "0",
                    "gateway.graylog.port", "0");
        }

        private static synchronized String database() {
            String url = System.getProperty(URL_PROPERTY);
            if (url != null) {
                return url;
            }
            if (!PostgresAvailability.answers(PostgresAvailability.host(), PostgresAvailability.port())) {
                // The test is skipped by PostgresAvailability; Quarkus may still read the profile while discovering tests.
                return PostgresDatabase.jdbcUrl("no_server");
            }
            String created = PostgresDatabase.createFreshDatabase();
            System.setProperty(URL_PROPERTY, created);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> drop(created), "drop-registry-test-database"));
            return created;
        }

        private static void drop(String url) {
            try {
                PostgresDatabase.dropDatabase(url);
            } catch (RuntimeException e) {
                System.err.println("Could not drop " + url + ": " + e.getMessage());
            }
        }
    }
}
