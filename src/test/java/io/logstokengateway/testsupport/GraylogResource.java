package io.logstokengateway.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points the gateway's Graylog upstream at one {@link GraylogEmulator} shared by the whole test JVM. */
public class GraylogResource implements QuarkusTestResourceLifecycleManager {

    private static GraylogEmulator emulator;

    /** The shared emulator, started on first use; tests register users and tokens on it. */
    public static synchronized GraylogEmulator emulator() {
        if (emulator == null) {
            emulator = GraylogEmulator.start();
            GraylogEmulator started = emulator;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "graylog-emulator-stop"));
        }
        return emulator;
    }

    @Override
    public Map<String, String> start() {
        return Map.of("gateway.graylog.upstream", emulator().uri().toString());
    }

    @Override
    public void stop() {
        // Shared across test classes; it is a daemon-threaded in-process server that dies with the JVM.
    }
}
