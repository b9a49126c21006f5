package io.logstokengateway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

/**
 * A real Graylog 6.1 from Maven Central, run as a process of its own with its MongoDB stand-in inside it and a
 * search-storage stand-in plugin (see {@code src/test/graylog} and the README, Tests): everything but search is the real
 * Graylog. {@link #get()} shares one per test JVM, started on first use (15 to 30 s) and stopped by a shutdown hook, or
 * by a watchdog if the JVM dies without running its hooks. Its REST API is provisioned as Graylog's admin user.
 */
public final class GraylogServer implements AutoCloseable {

    /** The search version Graylog is configured with; no search backend is contacted. */
    private static final String SEARCH_VERSION = "OPENSEARCH:2.19.1";
    private static final String MAIN_CLASS = "io.logstokengateway.testsupport.graylog.GraylogWithMongoStandIn";
    private static final String ADMIN = "admin";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);
    private static final Path RUN_ROOT = Paths.get("target", "graylog-run").toAbsolutePath();
    /** A server already started in this JVM, for copies of this class in other class loaders (Quarkus test profiles). */
    private static final String URI_PROPERTY = "ltg.test.graylog.uri";
    private static final String PASSWORD_PROPERTY = "ltg.test.graylog.admin-password";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static GraylogServer shared;
    private static RuntimeException sharedStartFailure;

    /** A Graylog user, as its API names it: {@code id} in token paths, {@code username} elsewhere. */
    public record User(String id, String username) {
    }

    private final Process process; // null for a server another copy of this class started
    private final URI uri;
    private final String adminPassword;
    private final Path logFile;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private GraylogServer(Process process, URI uri, String adminPassword, Path logFile) {
        this.process = process;
        this.uri = uri;
        this.adminPassword = adminPassword;
        this.logFile = logFile;
    }

    /** The server shared by every test in this JVM, started (once) on first call. */
    public static synchronized GraylogServer get() {
        if (sharedStartFailure != null) {
            throw new IllegalStateException("Graylog failed to start earlier in this run", sharedStartFailure);
        }
        if (shared == null) {
            String running = System.getProperty(URI_PROPERTY);
            try {
                shared = running != null
                        ? new GraylogServer(null, URI.create(running), System.getProperty(PASSWORD_PROPERTY), null)
                        : start();
            } catch (RuntimeException e) {
                sharedStartFailure = e; // fail every later test fast instead of waiting out the timeout again
                throw e;
            }
            if (running == null) {
                GraylogServer started = shared;
                Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "graylog-stop"));
                System.setProperty(URI_PROPERTY, started.uri.toString());
                System.setProperty(PASSWORD_PROPERTY, started.adminPassword);
            }
        }
        return shared;
    }

    /** A server of its own, on free ports, until {@link #close()}. */
    public static GraylogServer start() {
        long t0 = System.nanoTime();
        GraylogServer server;
        try {
            server = launch();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start Graylog", e);
        }
        server.awaitAlive();
        System.out.printf("Graylog ready at %s after %d ms (log: %s)%n", server.uri,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), server.logFile);
        return server;
    }

    private static GraylogServer launch() throws IOException {
        GraylogClasspath graylog = GraylogClasspath.fromBuild();
        Path standIns = GraylogStandIns.compiled(graylog);
        long jvmPid = ProcessHandle.current().pid();
        Files.createDirectories(RUN_ROOT);
        LocalProcesses.deleteNodeDirsOfEndedRuns(RUN_ROOT);
        // A folder per started server; several in one JVM (the demo) or one per JVM (the tests) never share one.
        Path nodeDir = Files.createTempDirectory(RUN_ROOT, "node-" + jvmPid + "-");
        Files.createDirectories(nodeDir.resolve("data"));
        Files.createDirectories(nodeDir.resolve("plugin"));
        int httpPort = FreePorts.next();
        int mongoPort = FreePorts.next();
        String adminPassword = randomHex(16);
        Files.writeString(nodeDir.resolve("graylog.conf"), configuration(nodeDir, httpPort, mongoPort, adminPassword));
        // An argument file keeps the long classpath out of process listings, and lets one rerun Graylog by hand.
        Files.writeString(nodeDir.resolve("jvm.args"), String.join("\n", List.of(
                "-Xms256m", "-Xmx512m",
                "-Dstand-in.search-version=" + SEARCH_VERSION,
                "-classpath", quoted(graylog.classpathWith(standIns)),
                MAIN_CLASS, Integer.toString(mongoPort), "server", "-f", quoted(nodeDir.resolve("graylog.conf").toString()), "-np")));
        String java = Paths.get(System.getProperty("graylog.java.home", System.getProperty("java.home")), "bin", "java").toString();
        Path logFile = nodeDir.resolve("graylog.log");
        Process process = LocalProcesses.startWatched(List.of(java, "@" + nodeDir.resolve("jvm.args")), nodeDir, logFile);
        return new GraylogServer(process, URI.create("http://127.0.0.1:" + httpPort), adminPassword, logFile);
    }

    /** The settings that matter here: a single leader, no journal, no preflight checks, no search backend contacted. */
    private static String configuration(Path nodeDir, int httpPort, int mongoPort, String adminPassword) {
        return String.join("\n", List.of(
                "is_leader = true",
                "node_id_file = " + nodeDir.resolve("node-id"),
                "password_secret = " + randomHex(32),
                "root_username = " + ADMIN,
                "root_password_sha2 = " + sha256Hex(adminPassword),
                "root_timezone = UTC",
                "http_bind_address = 127.0.0.1:" + httpPort,
                "mongodb_uri = mongodb://127.0.0.1:" + mongoPort + "/graylog",
                "elasticsearch_version = " + SEARCH_VERSION,
                "skip_preflight_checks = true",
                "data_dir = " + nodeDir.resolve("data"),
                "bin_dir = " + nodeDir,
                "plugin_dir = " + nodeDir.resolve("plugin"),
                "message_journal_enabled = false",
                "processbuffer_processors = 1",
                "outputbuffer_processors = 1",
                "inputbuffer_processors = 1",
                "ring_size = 1024",
                "inputbuffer_ring_size = 1024",
                "telemetry_enabled = false",
                "versionchecks = false",
                ""));
    }

    /** Polls the load balancer status, which Graylog sets to ALIVE once it serves requests. */
    private void awaitAlive() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        HttpRequest lbStatus = HttpRequest.newBuilder(uri.resolve("/api/system/lbstatus")).timeout(Duration.ofSeconds(5)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Graylog exited with code " + process.exitValue()
                        + " during startup; last lines of " + logFile + ":\n" + LocalProcesses.tail(logFile, 60));
            }
            try {
                HttpResponse<String> response = http.send(lbStatus, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().trim().equalsIgnoreCase("ALIVE")) {
                    return;
                }
            } catch (IOException notYetListening) {
                // keep polling until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            LocalProcesses.sleep(250);
        }
        stop();
        throw new IllegalStateException("Graylog was not ALIVE within " + STARTUP_TIMEOUT.toSeconds() + " s; last lines of "
                + logFile + ":\n" + LocalProcesses.tail(logFile, 60));
    }

    public URI uri() {
        return uri;
    }

    public int port() {
        return uri.getPort();
    }

    /** Graylog's log: everything its process wrote. */
    public Path logFile() {
        return logFile;
    }

    /** Stops Graylog (and the MongoDB stand-in inside its process): Graylog's own shutdown takes about 10 s. */
    public synchronized void stop() {
        if (process != null && process.isAlive()) {
            LocalProcesses.stopTree(process, STOP_TIMEOUT);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * What this Graylog serves as its web interface, as its own jar lists it: {@code /}, {@code /config.js}, every
     * file of {@code web-interface/assets} under {@code /assets/}, and the API browser (the jar's {@code swagger}
     * folder) under {@code /api/api-browser/}. Files that are only templates are served under their page's path.
     */
    public static List<String> webInterfacePaths() {
        List<String> paths = new ArrayList<>(List.of("/", "/config.js", "/api/api-browser", "/api/api-browser/",
                "/api/api-browser/index.html", "/api/api-browser/global/index.html"));
        try (ZipFile jar = new ZipFile(GraylogClasspath.fromBuild().serverJar().toFile())) {
            jar.stream().filter(entry -> !entry.isDirectory() && !entry.getName().endsWith(".template")).forEach(entry -> {
                if (entry.getName().startsWith("web-interface/assets/")) {
                    paths.add("/assets/" + entry.getName().substring("web-interface/assets/".length()));
                } else if (entry.getName().startsWith("swagger/")) {
                    paths.add("/api/api-browser/" + entry.getName().substring("swagger/".length()));
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return paths;
    }

    // ---------------------------------------------------------------- provisioning, as Graylog's admin

    /** {@code Authorization} of Graylog's admin user. */
    public String adminAuthorization() {
        return basic(ADMIN, adminPassword);
    }

    /** A user with the built-in Reader role: it reads what is shared with it, and manages its own access tokens. */
    public User createUser(String username, String password) {
        expect(201, send("POST", "/api/users", adminAuthorization(), Map.of("username", username, "password", password,
                "email", username + "@example.org", "first_name", username, "last_name", "Test",
                "roles", List.of("Reader"), "permissions", List.of())));
        return new User(json(expect(200, send("GET", "/api/users/" + encode(username), adminAuthorization(), null))).path("id").asText(),
                username);
    }

    /** Creates an access token of {@code user} (as Graylog's admin) and returns its value. */
    public String createAccessToken(User user, String name) {
        return json(expect(200, send("POST", "/api/users/" + user.id() + "/tokens/" + encode(name), adminAuthorization(), Map.of())))
                .path("token").asText();
    }

    /** The names of {@code user}'s access tokens. */
    public List<String> accessTokenNames(User user) {
        List<String> names = new ArrayList<>();
        json(expect(200, send("GET", "/api/users/" + user.id() + "/tokens", adminAuthorization(), null)))
                .path("tokens").forEach(token -> names.add(token.path("name").asText()));
        return names;
    }

    /** A stream in the default index set; returns its id. */
    public String createStream(String title) {
        String indexSet = null;
        for (JsonNode set : json(expect(200, send("GET", "/api/system/indices/index_sets", adminAuthorization(), null))).path("index_sets")) {
            if (set.path("default").asBoolean()) {
                indexSet = set.path("id").asText();
            }
        }
        return json(expect(201, send("POST", "/api/streams", adminAuthorization(), Map.of("title", title,
                "description", title, "index_set_id", indexSet, "rules", List.of(), "matching_type", "AND",
                "remove_matches_from_default_stream", false)))).path("stream_id").asText();
    }

    /** Shares a stream with a user for viewing, as Graylog's sharing dialog does ({@code streams:read:<id>}). */
    public void shareStream(String streamId, User user) {
        expect(200, send("POST", "/api/authz/shares/entities/grn::::stream:" + streamId, adminAuthorization(),
                Map.of("selected_grantee_capabilities", Map.of("grn::::user:" + user.id(), "view"))));
    }

    /**
     * Any request straight to Graylog, answered whatever its status: {@code authorization} may be {@code null}; a
     * {@code jsonBody} is serialised and sent with {@code X-Requested-By}, as Graylog wants on writes.
     */
    public HttpResponse<String> send(String method, String pathAndQuery, String authorization, Object jsonBody) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            if (jsonBody == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json").header("X-Requested-By", "logs-token-gateway tests")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(jsonBody)));
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + pathAndQuery, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            // Never the body: it may hold a token value.
            throw new IllegalStateException(response.request().method() + " " + response.uri().getPath() + " answered "
                    + response.statusCode() + ", expected " + status);
        }
        return response;
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String quoted(String argument) {
        return "\"" + argument.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
