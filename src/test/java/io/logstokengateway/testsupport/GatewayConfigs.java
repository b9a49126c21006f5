package io.logstokengateway.testsupport;

import io.logstokengateway.config.GatewayConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.time.Duration;
import java.util.Map;

/** The gateway's configuration from {@code properties} alone, as Quarkus would map it, for tests without Quarkus. */
public final class GatewayConfigs {

    private GatewayConfigs() {
    }

    public static GatewayConfig of(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 500)).build().getConfigMapping(GatewayConfig.class);
    }
}
