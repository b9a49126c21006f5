package io.logstokengateway.registry;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import org.eclipse.microprofile.config.spi.ConfigSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Turns the single operator setting {@code gateway.registry.kind} into the activation of one of the two
 * datasources built into the jar, so the same artifact runs embedded or on PostgreSQL; and places the embedded
 * database under {@code gateway.data-dir} (H2 wants an absolute path).
 */
public class RegistryKindConfigSource implements ConfigSourceFactory {

    /**
     * PostgreSQL compatibility, so one set of migrations and queries serves both databases; the database stays open
     * until the gateway closes it, as requests draining after SIGTERM still read it (H2 would close it at once).
     */
    private static final String H2_SETTINGS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE";

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        ConfigValue kind = context.getValue("gateway.registry.kind");
        boolean postgresql = kind != null && kind.getValue() != null && kind.getValue().trim().equalsIgnoreCase("postgresql");
        ConfigValue dataDir = context.getValue("gateway.data-dir");
        Path registryFile = Path.of(dataDir == null || dataDir.getValue() == null ? "data" : dataDir.getValue())
                .toAbsolutePath().normalize().resolve("registry");
        return List.of(new MapBackedConfigSource("gateway.registry.kind", Map.of(
                "quarkus.datasource.h2.active", String.valueOf(!postgresql),
                "quarkus.datasource.postgresql.active", String.valueOf(postgresql),
                "quarkus.datasource.h2.jdbc.url", "jdbc:h2:file:" + registryFile + H2_SETTINGS), 50) {
        });
    }
}
