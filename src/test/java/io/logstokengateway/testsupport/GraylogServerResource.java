package io.logstokengateway.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Points the gateway's Graylog upstream at the shared real Graylog ({@link GraylogServer}). {@link GraylogResource}
 * (the emulator) is a global test resource setting the same property, so use this one through
 * {@link GraylogServerUpstream}, which turns the global ones off.
 */
public class GraylogServerResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("gateway.graylog.upstream", GraylogServer.get().uri().toString());
    }

    @Override
    public void stop() {
        // The server is shared by every test class of the run; its shutdown hook stops it.
    }
}
