package io.logstokengateway.bench;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;
import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.crypto.PasswordHasher;
import io.logstokengateway.crypto.SecretBox;
import io.logstokengateway.crypto.SecretKeys;
import io.logstokengateway.crypto.TokenHasher;
import io.logstokengateway.registry.ClusterNode;
import io.logstokengateway.registry.CredentialResolver;
import io.logstokengateway.registry.Jdbc;
import io.logstokengateway.registry.Operations;
import io.logstokengateway.registry.Revocation;
import io.logstokengateway.registry.Services;
import io.logstokengateway.registry.Tokens;
import io.quarkus.arc.InjectableInstance;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Event;
import org.flywaydb.core.Flyway;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The gateway's real registry outside CDI, for the microbenchmarks, built through the public constructors of its
 * classes: the real {@link Services}, {@link Tokens}, {@link CredentialResolver}, {@link Jdbc}, {@link ClusterNode},
 * hashers and secret box, on an embedded H2 file database migrated by the real Flyway scripts and reached through an
 * Agroal pool, as the application does. What CDI would inject and cannot be had cheaply is replaced by minimal
 * stand-ins: the configuration (the defaults of {@link GatewayConfig}, for the parts the registry and the
 * authenticator read), the datasource lookup and the revocation event (no revocation happens during a benchmark).
 */
public final class BenchRegistry implements AutoCloseable {

    /** Same settings as RegistryKindConfigSource gives the H2 registry of the application. */
    private static final String H2_SETTINGS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";

    public final GatewayConfig config;
    public final Vertx vertx;
    public final Services services;
    public final Tokens tokens;
    public final CredentialResolver credentials;
    public final ClusterNode node;
    private final AgroalDataSource dataSource;

    private final Path dataDir;

    private BenchRegistry(Path dataDir) throws SQLException {
        this.dataDir = dataDir;
        config = BenchConfig.withDefaults(dataDir, Map.of());
        vertx = Vertx.vertx();
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("registry") + H2_SETTINGS;
        dataSource = AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool.maxSize(20).initialSize(1)
                        .connectionFactoryConfiguration(factory -> factory.jdbcUrl(url)
                                .principal(new NamePrincipal("gateway")).credential(new SimplePassword("")))));
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        Jdbc jdbc = new Jdbc(config, instanceOf(dataSource), instanceOf(null));
        Event<Revocation> revocations = noRevocationListeners();
        node = new ClusterNode(jdbc, vertx, revocations, config);
        SecretKeys keys = new SecretKeys(config);
        SecretBox secretBox = new SecretBox(keys);
        TokenHasher tokenHasher = new TokenHasher(keys);
        PasswordHasher passwordHasher = new PasswordHasher();
        Operations operations = new Operations(jdbc, node, revocations);
        services = new Services(jdbc, secretBox, passwordHasher, operations);
        tokens = new Tokens(jdbc, secretBox, tokenHasher, operations, config);
        credentials = new CredentialResolver(jdbc, secretBox, tokenHasher, passwordHasher);
        node.start(new StartupEvent()); // heartbeat, then the periodic poll the application runs too
    }

    public static BenchRegistry open(Path dataDir) {
        try {
            return new BenchRegistry(dataDir);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@link #config} with some values replaced: keys as there ({@code auth.cacheTtl}), values of the method's type. */
    public GatewayConfig config(Map<String, Object> replaced) {
        return BenchConfig.withDefaults(dataDir, replaced);
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
        dataSource.close();
    }

    @SuppressWarnings("unchecked")
    private static InjectableInstance<AgroalDataSource> instanceOf(AgroalDataSource dataSource) {
        return (InjectableInstance<AgroalDataSource>) Proxy.newProxyInstance(BenchRegistry.class.getClassLoader(),
                new Class<?>[] {InjectableInstance.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "get" -> dataSource;
                    case "toString" -> "InjectableInstance[bench]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @SuppressWarnings("unchecked")
    private static Event<Revocation> noRevocationListeners() {
        return (Event<Revocation>) Proxy.newProxyInstance(BenchRegistry.class.getClassLoader(), new Class<?>[] {Event.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "fire" -> null;
                    case "toString" -> "Event[bench]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** {@link GatewayConfig} with the defaults its annotations declare, for the parts the registry and auth read. */
    static final class BenchConfig {
        private BenchConfig() {
        }

        static GatewayConfig withDefaults(Path dataDir, Map<String, Object> replaced) {
            Map<String, Object> values = new HashMap<>(Map.ofEntries(
                    Map.entry("dataDir", dataDir),
                    Map.entry("secrets.key", Optional.empty()),
                    Map.entry("registry.kind", GatewayConfig.RegistryKind.h2),
                    Map.entry("auth.cacheSize", 100_000),
                    Map.entry("auth.cacheTtl", Duration.ofMinutes(10)),
                    Map.entry("auth.negativeCacheSize", 10_000),
                    Map.entry("auth.negativeCacheTtl", Duration.ofSeconds(30)),
                    Map.entry("auth.throttle.failuresPerUsername", 5),
                    Map.entry("auth.throttle.failuresPerAddress", 20),
                    Map.entry("auth.throttle.window", Duration.ofMinutes(15)),
                    Map.entry("auth.throttle.maxTracked", 100_000),
                    Map.entry("cluster.pollInterval", Duration.ofSeconds(1)),
                    Map.entry("cluster.nodeTimeout", Duration.ofSeconds(15)),
                    Map.entry("tokens.maxTtl", Optional.empty()),
                    Map.entry("tokens.maxPerService", 100),
                    Map.entry("limits.maxCredentialLength", 1024),
                    Map.entry("limits.passwordChecks", 2),
                    Map.entry("limits.passwordCheckQueue", 16),
                    Map.entry("limits.tokenLookups", 4),
                    Map.entry("limits.tokenLookupQueue", 256)));
            values.putAll(replaced);
            return proxy(GatewayConfig.class, "", values);
        }

        private static <T> T proxy(Class<T> type, String prefix, Map<String, Object> values) {
            return type.cast(Proxy.newProxyInstance(BenchRegistry.class.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
                String name = method.getName();
                switch (name) {
                    case "toString": return type.getSimpleName() + "[bench]";
                    case "hashCode": return System.identityHashCode(self);
                    case "equals": return self == args[0];
                    default: break;
                }
                String key = prefix + name;
                if (values.containsKey(key)) {
                    return values.get(key);
                }
                if (method.getReturnType().isInterface() && method.getReturnType().getName().startsWith(GatewayConfig.class.getName())) {
                    return proxy(method.getReturnType(), key + ".", values);
                }
                throw new UnsupportedOperationException("gateway." + key + " is not set for the benchmarks");
            }));
        }
    }
}
