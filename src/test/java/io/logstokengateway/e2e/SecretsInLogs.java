package io.logstokengateway.e2e;

import io.logstokengateway.testsupport.GatewayProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Every secret a test handles is remembered, and the gateway's log output is searched for all of them. */
public final class SecretsInLogs {

    public static final Path TEST_LOG = Path.of("target/gateway-test.log");
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private SecretsInLogs() {
    }

    public static String remember(String secret) {
        SECRETS.add(secret);
        return secret;
    }

    public static void assertNoneIn(Path log) throws IOException {
        String text = Files.exists(log) ? Files.readString(log) : "";
        for (String secret : SECRETS) {
            // Never print the secret itself in the failure message.
            assertFalse(text.contains(secret), "a secret of length " + secret.length() + " appears in " + log);
        }
    }

    /** Stops the gateway process, if it was started, then searches its output. */
    public static void stopAndAssertNoneIn(GatewayProcess gateway) throws IOException {
        if (gateway != null) {
            gateway.stop();
            assertNoneIn(gateway.output());
        }
    }

    public static int count() {
        return SECRETS.size();
    }
}
