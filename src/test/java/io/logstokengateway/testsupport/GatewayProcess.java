package io.logstokengateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The packaged gateway ({@code target/quarkus-app/quarkus-run.jar}, or another build's, see {@link Builder#appDir}; or
 * the native executable when {@code -Dnative.image.path} names one, see {@link #nativeExecutable()}) run as a process
 * of its own, the way an operator runs it: configured by {@code -D} system properties, listeners on free ports unless
 * set, stdout and stderr captured to a file (by default under {@code target/it-logs/}) that tests search for secrets.
 * Started by {@link Builder#start()}, which returns once {@code /q/health/live} answers 200 and both proxy listeners
 * accept connections. Given a listener key store ({@code quarkus.tls.key-store.*}), every listener serves HTTPS:
 * {@link #management} and {@link #search} then give {@code https} URIs, and the readiness probe accepts whatever
 * certificate the process presents (its own, on loopback). Used by the integration tests, the demo and the benchmark
 * (through {@code Testkit gateway}).
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Path LOG_DIR = Paths.get("target", "it-logs").toAbsolutePath();
    /** With {@code -Dit.registry=postgresql}: per data dir, the JDBC URL of its database and its secrets key. */
    private static final Map<String, String[]> POSTGRES_REGISTRIES = new ConcurrentHashMap<>();

    private final Process process;
    private final Path output;
    private final String host;
    private final int managementPort;
    private final int searchPort;
    private final int graylogPort;
    private final String scheme;
    private final HttpClient http;

    private GatewayProcess(Process process, Path output, String host, int managementPort, int searchPort, int graylogPort,
            boolean tls) {
        this.process = process;
        this.host = host;
        this.output = output;
        this.managementPort = managementPort;
        this.searchPort = searchPort;
        this.graylogPort = graylogPort;
        this.scheme = tls ? "https" : "http";
        HttpClient.Builder http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2));
        if (tls) {
            http.sslContext(trustingAnyCertificate());
        }
        this.http = http.build();
    }

    /** A gateway named {@code name} (the name of its output file), configured by the builder's calls. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** A fresh operator key: 32 random bytes in hex, as {@code gateway.admin.key} requires. */
    public static String randomKey() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * The native executable under test: {@code -Dnative.image.path} (set by Failsafe in the {@code native} profile,
     * {@code ./mvnw verify -Dnative}), if set; the jar is run otherwise.
     */
    public static Optional<Path> nativeExecutable() {
        String configured = System.getProperty("native.image.path");
        if (configured == null || configured.isBlank()) {
            return Optional.empty();
        }
        Path executable = Paths.get(configured).toAbsolutePath();
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException(executable + " is not an executable: build it with `./mvnw package -Dnative`");
        }
        return Optional.of(executable);
    }

    /**
     * Whether a gateway configured without {@code gateway.registry.kind} runs on the embedded H2 registry (its default),
     * rather than on a PostgreSQL database of its own ({@code -Dit.registry=postgresql}, e.g. to run the integration
     * tests against the native executable as it is deployed).
     */
    public static boolean embeddedRegistry() {
        String registry = System.getProperty("it.registry", "h2");
        if (!registry.equals("h2") && !registry.equals("postgresql")) {
            throw new IllegalArgumentException("-Dit.registry=" + registry + ": h2 or postgresql");
        }
        return registry.equals("h2");
    }

    /** Whether the gateways started here are the native executable rather than the jar. */
    public static boolean isNative() {
        return nativeExecutable().isPresent();
    }

    /** The jar under test: {@code -Dgateway.jar} (set by Failsafe), else the package phase's default place. */
    public static Path jar() {
        Path jar = Paths.get(System.getProperty("gateway.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: run the integration tests with `mvn verify` (package builds it)");
        }
        return jar;
    }

    public int managementPort() {
        return managementPort;
    }

    public int searchPort() {
        return searchPort;
    }

    public int graylogPort() {
        return graylogPort;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The file holding everything the process wrote on stdout and stderr. */
    public Path output() {
        return output;
    }

    /** The loopback address every listener binds ({@code 127.0.0.1} unless {@link Builder#host} said otherwise). */
    public String host() {
        return host;
    }

    /** {@code http://<host>:<management port>} ({@code https} with a listener key store) followed by {@code pathAndQuery}. */
    public URI management(String pathAndQuery) {
        return URI.create(scheme + "://" + host + ":" + managementPort + pathAndQuery);
    }

    /** {@code http://<host>:<search port>} ({@code https} with a listener key store) followed by {@code pathAndQuery}. */
    public URI search(String pathAndQuery) {
        return URI.create(scheme + "://" + host + ":" + searchPort + pathAndQuery);
    }

    /** Resident set size now (VmRSS), in KiB. */
    public long rssKib() {
        return statusField("VmRSS");
    }

    /** Peak resident set size (VmHWM) since start or since the last {@link #resetPeakRss()}, in KiB. */
    public long peakRssKib() {
        return statusField("VmHWM");
    }

    /**
     * Sets the peak (VmHWM) back to the current RSS, so the next {@link #peakRssKib()} covers only what follows
     * (Linux {@code clear_refs} value 5). Returns {@code false} where the kernel does not allow it: the peak then
     * still counts from the start of the process, which only makes a bound on it stricter.
     */
    public boolean resetPeakRss() {
        try {
            Files.writeString(Paths.get("/proc", Long.toString(pid()), "clear_refs"), "5");
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private long statusField(String field) {
        Path status = Paths.get("/proc", Long.toString(pid()), "status");
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).replace("kB", "").trim());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + status + " (has the gateway exited?)", e);
        }
        throw new IllegalStateException(field + " not found in " + status);
    }

    /** SIGTERM, then a graceful wait; SIGKILL if the process is still there after {@link #STOP_TIMEOUT}. */
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL, and waits for the process to be gone: a crash, nothing drained, nothing signed off. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(STOP_TIMEOUT);
    }

    /** SIGTERM without waiting: the caller watches the graceful stop ({@link #awaitExit}). */
    public void terminate() {
        process.destroy();
    }

    /** Whether the process exited within {@code timeout}. */
    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Exit code of a stopped process. */
    public int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() {
        stop();
    }

    /** The last {@code lines} lines of the captured output, for failure messages. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(output, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(output unreadable: " + e + ")";
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        HttpRequest live = HttpRequest.newBuilder(management("/q/health/live")).timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The gateway exited with code " + process.exitValue() + " during startup; last lines of "
                        + output + ":\n" + tail(60));
            }
            if (answers200(http, live) && accepts(host, searchPort) && accepts(host, graylogPort)) {
                return;
            }
            sleep(200);
        }
        stop();
        throw new IllegalStateException("The gateway was not live within " + STARTUP_TIMEOUT.toSeconds() + " s; last lines of "
                + output + ":\n" + tail(60));
    }

    private static boolean answers200(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean accepts(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /**
     * For the readiness probe only: the process's own listeners on loopback, whose certificate (often a throwaway
     * self-signed one, for any name) is not what the probe checks. An {@link X509ExtendedTrustManager}, so that the
     * JDK does not add a host name check of its own.
     */
    private static SSLContext trustingAnyCertificate() {
        TrustManager any = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {any}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A gateway started by {@link Builder#startTimed}, and the time from its start to its first answer. */
    public record TimedStart(GatewayProcess gateway, Duration toFirstAnswer) {
    }

    /** What the process is started with. Every listener gets a free port unless set otherwise. */
    public static final class Builder {

        private final String name;
        private final Map<String, String> testSettings = new LinkedHashMap<>();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private Path output;
        private Path jar;
        private Path executable;
        private String host = "127.0.0.1";

        private Builder(String name) {
            this.name = name;
            host(host);
            // No load balancer watches these gateways' readiness: a SIGTERM need not wait for one to notice.
            testSettings.put("quarkus.shutdown.delay", "0s");
            // The code paths that handle credentials log at DEBUG: the secret check must see them.
            testSettings.put("quarkus.log.category.\"io.logstokengateway\".level", "DEBUG");
        }

        /**
         * Without the settings every test gateway gets (no shutdown delay, DEBUG logs of the gateway's code): the
         * gateway runs with the defaults it ships with, as the benchmark measures it.
         */
        public Builder shippedDefaults() {
            testSettings.clear();
            return this;
        }

        /** Any property, passed as {@code -Dkey=value}. */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /** The loopback address (e.g. {@code 127.0.0.3}) all three listeners bind, so that nodes can be told apart. */
        public Builder host(String address) {
            host = address;
            properties.put("quarkus.http.host", address);
            properties.put("gateway.elasticsearch.host", address);
            properties.put("gateway.graylog.host", address);
            return this;
        }

        /**
         * A JVM option such as {@code -Xmx64m}, placed before {@code -jar}. The native executable takes the heap
         * options ({@code -Xmx}, {@code -Xms}, {@code -Xmn}) and {@code -XX:+ExitOnOutOfMemoryError} likewise.
         */
        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        public Builder adminKey(String key) {
            return property("gateway.admin.key", key);
        }

        /**
         * The build to run: {@code dir/quarkus-run.jar}, {@code dir} being the {@code quarkus-app} directory of a
         * package (another checkout's, say), instead of {@link GatewayProcess#jar()} or the native executable.
         */
        public Builder appDir(Path dir) {
            Path jar = dir.resolve("quarkus-run.jar").toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException(jar + " does not exist: not the quarkus-app directory of a package");
            }
            this.jar = jar;
            this.executable = null;
            return this;
        }

        /**
         * The build to run: the native executable {@code file} (another build's, say), instead of
         * {@link GatewayProcess#jar()} or {@link GatewayProcess#nativeExecutable()}.
         */
        public Builder executable(Path file) {
            Path executable = file.toAbsolutePath();
            if (!Files.isRegularFile(executable) || !Files.isExecutable(executable)) {
                throw new IllegalArgumentException(executable + " is not an executable file");
            }
            this.executable = executable;
            this.jar = null;
            return this;
        }

        public Builder dataDir(Path dir) {
            return property("gateway.data-dir", dir.toAbsolutePath().toString());
        }

        public Builder elasticsearchUpstream(URI upstream) {
            return property("gateway.elasticsearch.upstream", upstream.toString());
        }

        public Builder graylogUpstream(URI upstream) {
            return property("gateway.graylog.upstream", upstream.toString());
        }

        /** Where stdout and stderr go, instead of a new file under {@code target/it-logs/}. */
        public Builder output(Path file) {
            this.output = file.toAbsolutePath();
            return this;
        }

        /**
         * Starts the process and waits until it is live and both proxy listeners accept connections. Called again, it
         * starts another process with the same settings and ports (a restart).
         */
        public GatewayProcess start() {
            GatewayProcess gateway = launch();
            gateway.awaitReady();
            return gateway;
        }

        /**
         * Starts the process and times it: from just before the process is created to the first 200 answer to
         * {@code GET searchPath} on the search listener with {@code authorization} (tried every millisecond; plain HTTP,
         * so no listener key store), then waits until it is ready as {@link #start()} does. The probe's HTTP client is warmed up
         * first, so that its own first use does not count.
         */
        public TimedStart startTimed(String searchPath, String authorization) {
            HttpClient probe = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();
            int search = port("gateway.elasticsearch.port");
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + search + searchPath))
                    .header("Authorization", authorization).timeout(Duration.ofSeconds(5)).GET().build();
            answers200(probe, request); // nothing listens yet: loads and initialises the client's classes
            long launched = System.nanoTime();
            GatewayProcess gateway = launch();
            long deadline = launched + STARTUP_TIMEOUT.toNanos();
            while (!answers200(probe, request)) {
                if (!gateway.process.isAlive() || System.nanoTime() > deadline) {
                    gateway.stop();
                    throw new IllegalStateException("The gateway did not answer GET " + searchPath + " with 200 within "
                            + STARTUP_TIMEOUT.toSeconds() + " s of its start; last lines of " + gateway.output + ":\n" + gateway.tail(60));
                }
                sleep(1);
            }
            Duration toFirstAnswer = Duration.ofNanos(System.nanoTime() - launched);
            gateway.awaitReady();
            return new TimedStart(gateway, toFirstAnswer);
        }

        private GatewayProcess launch() {
            int management = port("quarkus.http.port");
            int search = port("gateway.elasticsearch.port");
            int graylog = port("gateway.graylog.port");
            Optional<Path> executable = this.executable != null ? Optional.of(this.executable)
                    : jar != null ? Optional.empty() : nativeExecutable();
            if (!embeddedRegistry()) {
                onPostgresqlUnlessSet();
            }
            List<String> command = new ArrayList<>();
            if (executable.isPresent()) {
                command.add(executable.get().toString());
            } else {
                command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
            }
            command.add("-XX:+ExitOnOutOfMemoryError"); // as production runs it: out of memory, out of the way
            command.addAll(jvmOptions);
            Map<String, String> all = new LinkedHashMap<>(testSettings);
            all.putAll(properties);
            all.forEach((key, value) -> command.add("-D" + key + "=" + value));
            if (executable.isEmpty()) {
                command.add("-jar");
                command.add((jar != null ? jar : jar()).toString());
            }
            try {
                Files.createDirectories(LOG_DIR);
                Path output = this.output != null ? this.output : LOG_DIR.resolve(name + "-" + System.currentTimeMillis() + ".log");
                Files.createDirectories(output.getParent());
                Process process = new ProcessBuilder(command)
                        .directory(LOG_DIR.toFile()) // a relative ./data default would land under target/, not in the checkout
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
                boolean tls = all.keySet().stream().anyMatch(key -> key.startsWith("quarkus.tls.key-store."));
                GatewayProcess gateway = new GatewayProcess(process, output, host, management, search, graylog, tls);
                // If the JVM dies without running its hooks the gateway is orphaned; a normal exit stops it here, as
                // an operator would (SIGTERM, so that it releases its registry), or kills it after STOP_TIMEOUT.
                Runtime.getRuntime().addShutdownHook(new Thread(gateway::stop, "gateway-process-stop"));
                return gateway;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start " + command, e);
            }
        }

        /**
         * With {@code -Dit.registry=postgresql}, a gateway configured without a registry kind gets a fresh PostgreSQL
         * database instead of the embedded H2 registry (see {@link PostgresDatabase}), and a secrets key: one pair per
         * data dir, as the H2 file and the generated key would be, so that a gateway started again on the same data dir
         * (a restart) finds its registry. The databases are dropped when the tests end.
         */
        private void onPostgresqlUnlessSet() {
            if (properties.containsKey("gateway.registry.kind")) {
                return;
            }
            if (!PostgresAvailability.answers(PostgresAvailability.host(), PostgresAvailability.port())) {
                throw new IllegalStateException("-Dit.registry=postgresql and no PostgreSQL answers at "
                        + PostgresAvailability.host() + ":" + PostgresAvailability.port() + " (see README, 'Tests')");
            }
            String dataDir = properties.getOrDefault("gateway.data-dir", "builder-" + System.identityHashCode(this));
            String[] registry = POSTGRES_REGISTRIES.computeIfAbsent(dataDir, dir -> {
                String database = PostgresDatabase.createFreshDatabase();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> PostgresDatabase.dropDatabase(database), "gateway-database-drop"));
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                return new String[] {database, Base64.getEncoder().encodeToString(key)};
            });
            property("gateway.registry.kind", "postgresql");
            property("quarkus.datasource.postgresql.jdbc.url", registry[0]);
            property("quarkus.datasource.postgresql.username", PostgresDatabase.user());
            property("quarkus.datasource.postgresql.password", PostgresDatabase.password());
            property("gateway.secrets.key", registry[1]);
        }

        private int port(String property) {
            String configured = properties.get(property);
            if (configured == null || configured.equals("0")) {
                int port = FreePorts.next();
                properties.put(property, Integer.toString(port));
                return port;
            }
            return Integer.parseInt(configured);
        }
    }
}
