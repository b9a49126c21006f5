package io.logstokengateway.bench;

import io.logstokengateway.auth.Authenticator;
import io.logstokengateway.auth.Caller;
import io.logstokengateway.auth.GuessThrottle;
import io.logstokengateway.auth.MemoryAttemptLedger;
import io.logstokengateway.auth.TokenUsage;
import io.logstokengateway.config.GatewayConfig;
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
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The per-request authentication path: {@link Authenticator#authenticate} built with the real registry (H2, see
 * {@link BenchRegistry}), the real token-use recorder, guessing throttle and a Prometheus meter registry, as the
 * application has them.
 * <ul>
 *   <li>{@code cached*}: the credentials are in the in-memory cache (every request after a client's first);</li>
 *   <li>{@code refusedCached}: an unknown token refused from the negative cache;</li>
 *   <li>{@code miss*}: the registry answers: a hop to a worker thread, then for a token an HMAC lookup hash, an H2
 *       query and the upstream secrets decrypted; for an account an Argon2id check. These run on a second
 *       authenticator, configured as the first but with {@code gateway.auth.cache-ttl} and
 *       {@code gateway.auth.negative-cache-ttl} at zero, so that nothing it remembers is ever found again.</li>
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
    private Authenticator forgetful; // caches that keep nothing: every call is a miss

    private String tokenHeader;    // Basic base64(<token>:token), as Grafana or Kibana send a token
    private String accountHeader;  // Basic base64(<username>:<password>)
    private String unknownHeader;  // a well-formed token nobody owns

    @Setup(Level.Trial)
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

        authenticator = authenticator(env.config, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        PrometheusMeterRegistry forgetfulMeters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        forgetful = authenticator(env.config(Map.of("auth.cacheTtl", Duration.ZERO, "auth.negativeCacheTtl", Duration.ZERO)),
                forgetfulMeters);

        // Fill the caches, and check that each path answers as the benchmark's name says.
        require(await(authenticator.authenticate(tokenHeader, LISTENER, CLIENT)) != null, "token accepted");
        require(await(authenticator.authenticate(accountHeader, LISTENER, CLIENT)) != null, "account accepted");
        require(await(authenticator.authenticate(unknownHeader, LISTENER, CLIENT)) == null, "unknown token refused");
        require(cachedToken().succeeded() && cachedAccount().succeeded() && refusedCached().failed(), "answers from the caches");
        for (int i = 0; i < 2; i++) {
            require(missToken() != null && missAccount() != null && missRefused() == null, "the same answers without the caches");
        }
        require(forgetfulMeters.counter("gateway.auth", "outcome", "accepted", "source", "registry").count() == 4
                && forgetfulMeters.counter("gateway.auth", "outcome", "accepted", "source", "cache").count() == 0,
                "the registry asked each time without the caches");
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
        return await(forgetful.authenticate(tokenHeader, LISTENER, CLIENT));
    }

    @Benchmark
    public Caller missRefused() {
        return await(forgetful.authenticate(unknownHeader, LISTENER, CLIENT));
    }

    @Benchmark
    public Caller missAccount() {
        return await(forgetful.authenticate(accountHeader, LISTENER, CLIENT));
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

    /** Each with its own meter registry, as each would be alone in a gateway. */
    private Authenticator authenticator(GatewayConfig config, PrometheusMeterRegistry meters) {
        return new Authenticator(env.credentials, env.node, new TokenUsage(env.tokens, env.vertx),
                new GuessThrottle(config, new MemoryAttemptLedger(config), meters), env.vertx, meters, config);
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
