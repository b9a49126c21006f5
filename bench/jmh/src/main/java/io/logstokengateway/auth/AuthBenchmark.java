package io.logstokengateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import io.logstokengateway.registry.BenchRegistry;
import io.logstokengateway.registry.OperationRecord;
import io.logstokengateway.registry.ServiceSpec;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.vertx.core.Future;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The per-request authentication path: {@link Authenticator#authenticate} built with the real registry (H2, see
 * {@link BenchRegistry}), the real token-use recorder and a Prometheus meter registry, as the application has them.
 * <ul>
 *   <li>{@code cached*}: the credentials are in the in-memory cache (every request after a client's first);</li>
 *   <li>{@code refusedCached}: an unknown token refused from the negative cache;</li>
 *   <li>{@code miss*}: the cache is emptied first, so the registry answers: a hop to a worker thread, then for a
 *       token an HMAC lookup hash, an H2 query and the upstream secrets decrypted; for an account an Argon2id check.
 *       Emptying a one-entry cache costs well under a microsecond, noise next to the lookup.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AuthBenchmark {

    private static final String SERVICE = "ldp-jmh-00001";
    private static final String USERNAME = "logs-jmh-00001";
    private static final String PASSWORD = "jmh-account-password";
    private static final String LISTENER = "elasticsearch";
    private static final String CLIENT = "127.0.0.1";

    private Path dataDir;
    private BenchRegistry env;
    private Authenticator authenticator;
    private Cache<String, Caller> accepted;
    private Cache<String, Boolean> refused;

    private String tokenHeader;    // Basic base64(<token>:token), as Grafana or Kibana send a token
    private String accountHeader;  // Basic base64(<username>:<password>)
    private String unknownHeader;  // a well-formed token nobody owns

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws Exception {
        dataDir = Files.createTempDirectory("ltg-jmh-");
        env = BenchRegistry.open(dataDir);
        env.services.createService(new ServiceSpec(SERVICE, USERNAME, PASSWORD, "jmh", null, USERNAME, "upstream-password",
                null, null, null, null, "graylog-token"));
        OperationRecord created = env.tokens.createToken(SERVICE, "jmh", null, null);
        String token = env.tokens.token(SERVICE, created.tokenId()).value();
        tokenHeader = basic(token + ":token");
        accountHeader = basic(USERNAME + ":" + PASSWORD);
        unknownHeader = basic("x".repeat(token.length()) + ":token");

        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        authenticator = new Authenticator(env.credentials, env.node, new TokenUsage(env.tokens, env.vertx),
                new GuessThrottle(env.config, new MemoryAttemptLedger(env.config), meters), env.vertx, meters, env.config);
        accepted = (Cache<String, Caller>) field("accepted").get(authenticator);
        refused = (Cache<String, Boolean>) field("refused").get(authenticator);

        // Fill the caches, and check that each path answers as the benchmark's name says.
        require(await(authenticator.authenticate(tokenHeader, LISTENER, CLIENT)) != null, "token accepted");
        require(await(authenticator.authenticate(accountHeader, LISTENER, CLIENT)) != null, "account accepted");
        require(await(authenticator.authenticate(unknownHeader, LISTENER, CLIENT)) == null, "unknown token refused");
        require(cachedToken().succeeded() && cachedAccount().succeeded() && refusedCached().failed(), "answers from the caches");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        env.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public Future<Caller> cachedToken() {
        return authenticator.authenticate(tokenHeader, LISTENER, CLIENT);
    }

    @Benchmark
    public Future<Caller> cachedAccount() {
        return authenticator.authenticate(accountHeader, LISTENER, CLIENT);
    }

    @Benchmark
    public Future<Caller> refusedCached() {
        return authenticator.authenticate(unknownHeader, LISTENER, CLIENT);
    }

    @Benchmark
    public Caller missToken() {
        accepted.invalidateAll();
        return await(authenticator.authenticate(tokenHeader, LISTENER, CLIENT));
    }

    @Benchmark
    public Caller missRefused() {
        refused.invalidateAll();
        return await(authenticator.authenticate(unknownHeader, LISTENER, CLIENT));
    }

    @Benchmark
    public Caller missAccount() {
        accepted.invalidateAll();
        return await(authenticator.authenticate(accountHeader, LISTENER, CLIENT));
    }

    /** The caller, or null when refused. */
    private static Caller await(Future<Caller> answer) {
        try {
            return answer.toCompletionStage().toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Authenticator.Unauthenticated) {
                return null;
            }
            throw e;
        }
    }

    private static String basic(String userAndPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userAndPassword.getBytes(StandardCharsets.UTF_8));
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field field = Authenticator.class.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("benchmark set-up: expected " + what);
        }
    }

    static {
        // Keep the benchmark's own JVM quiet: the registry logs at INFO through JBoss Logging.
        System.setProperty("org.jboss.logging.provider", "jdk");
    }

}
