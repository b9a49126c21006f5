package io.logstokengateway.registry;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import java.util.Map;
import java.util.UUID;

/** The registry rules on the embedded H2 database, the default registry. */
@QuarkusTest
@TestProfile(H2RegistryTest.Profile.class)
class H2RegistryTest extends RegistryContract {

    /** A registry file of its own, so the fake nodes these tests register are seen by nobody else. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "gateway.registry.kind", "h2",
                    "gateway.data-dir", "target/test-data/registry-h2-" + UUID.randomUUID(),
                    "gateway.elasticsearch.port", "0",
                    "gateway.graylog.port", "0");
        }
    }
}
