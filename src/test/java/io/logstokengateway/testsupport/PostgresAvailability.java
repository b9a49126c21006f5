package io.logstokengateway.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * Skips (rather than fails) PostgreSQL tests on machines without a server. Use with
 * {@code @ExtendWith(PostgresAvailability.class)}.
 */
public class PostgresAvailability implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String host = host();
        int port = port();
        if (answers(host, port)) {
            return ConditionEvaluationResult.enabled("PostgreSQL answers at " + host + ":" + port);
        }
        return ConditionEvaluationResult.disabled("No PostgreSQL answers at " + host + ":" + port
                + "; start one (see README, 'Tests') or set test.postgresql.host/port to run the PostgreSQL registry tests");
    }

    public static String host() {
        return setting("test.postgresql.host", "TEST_POSTGRESQL_HOST", "127.0.0.1");
    }

    public static int port() {
        return Integer.parseInt(setting("test.postgresql.port", "TEST_POSTGRESQL_PORT", "5432"));
    }

    public static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** System property first, then environment variable, then the default. */
    static String setting(String property, String env, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? fallback : value.trim();
    }
}
