package io.logstokengateway.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * One real OpenSearch (the integ-test distribution from Maven Central) shared by every test in the JVM.
 * Started on first use, stopped by a shutdown hook; a small shell watchdog also stops it if the test JVM
 * is killed without running its hooks.
 */
public final class OpenSearchServer {

    private static final String RUN_AS_USER = "ltg-opensearch";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);
    private static final Path RUN_ROOT = Paths.get("target", "opensearch-run").toAbsolutePath();
    private static final String URI_PROPERTY = "ltg.test.opensearch.uri";

    private static OpenSearchServer instance;
    private static RuntimeException startFailure;

    private final Process process;
    private final int port;
    private final URI uri;
    private final Path nodeDir;
    private final Path logFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The shared server, started (once) on first call. */
    public static synchronized OpenSearchServer get() {
        if (startFailure != null) {
            throw new IllegalStateException("OpenSearch failed to start earlier in this run", startFailure);
        }
        if (instance == null) {
            // Quarkus loads test classes again for each test profile; such a copy of this class reuses the
            // server the first copy started instead of starting a second one.
            String running = System.getProperty(URI_PROPERTY);
            try {
                instance = running != null ? new OpenSearchServer(null, URI.create(running).getPort(), null, null) : start();
            } catch (RuntimeException e) {
                startFailure = e; // fail every later test fast instead of waiting out the timeout again
                throw e;
            }
            System.setProperty(URI_PROPERTY, instance.uri.toString());
        }
        return instance;
    }

    private OpenSearchServer(Process process, int port, Path nodeDir, Path logFile) {
        this.process = process;
        this.port = port;
        this.uri = URI.create("http://127.0.0.1:" + port);
        this.nodeDir = nodeDir;
        this.logFile = logFile;
    }

    public URI uri() {
        return uri;
    }

    public int port() {
        return port;
    }

    /** Creates an index with one shard and no replica, so a single node reports it green. */
    public void createIndex(String name) {
        send("PUT", "/" + name, "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}");
    }

    /** Indexes a document and refreshes, so a search right after sees it. */
    public void index(String index, String id, String jsonDocument) {
        send("PUT", "/" + index + "/_doc/" + id + "?refresh=true", jsonDocument);
    }

    /** GET returning the body; fails on any non-2xx answer. */
    public String get(String pathAndQuery) {
        return send("GET", pathAndQuery, null);
    }

    /** Any request, returning the raw response whatever its status. */
    public HttpResponse<String> request(String method, String pathAndQuery, String jsonBody) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30));
        if (jsonBody == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String send(String method, String pathAndQuery, String jsonBody) {
        HttpResponse<String> response = request(method, pathAndQuery, jsonBody);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + pathAndQuery + " -> " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    // ---------------------------------------------------------------- startup

    private static OpenSearchServer start() {
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(RUN_ROOT);
            Path home = unpackOnce();
            int httpPort = freePort();
            int transportPort = freePort();
            long jvmPid = ProcessHandle.current().pid();
            // A folder per test JVM: two builds in one checkout must not share data or logs.
            Path nodeDir = RUN_ROOT.resolve("node-" + jvmPid);
            deleteNodeDirsOfEndedRuns();
            deleteTree(nodeDir);
            Files.createDirectories(nodeDir.resolve("data"));
            Files.createDirectories(nodeDir.resolve("logs"));
            Files.createDirectories(nodeDir.resolve("tmp"));
            Path logFile = RUN_ROOT.resolve("opensearch-" + jvmPid + ".log");

            String javaHome = System.getProperty("opensearch.java.home", System.getProperty("java.home"));
            List<String> env = List.of(
                    "OPENSEARCH_JAVA_OPTS=-Xms256m -Xmx256m",
                    "JAVA_HOME=" + javaHome,
                    "OPENSEARCH_JAVA_HOME=" + javaHome,
                    "OPENSEARCH_TMPDIR=" + nodeDir.resolve("tmp"));
            List<String> opensearch = List.of(
                    home.resolve("bin/opensearch").toString(),
                    "-Ehttp.port=" + httpPort,
                    "-Etransport.port=" + transportPort,
                    "-Ediscovery.type=single-node",
                    "-Epath.data=" + nodeDir.resolve("data"),
                    "-Epath.logs=" + nodeDir.resolve("logs"),
                    "-Ehttp.host=127.0.0.1",
                    "-Enetwork.host=127.0.0.1",
                    // Build machines often have little free disk; the watermark would block indexing.
                    "-Ecluster.routing.allocation.disk.threshold_enabled=false");

            List<String> launch = new ArrayList<>();
            if (runningAsRoot()) {
                // OpenSearch refuses to run as root ("can not run opensearch as root").
                ensureUnprivilegedUser();
                checkTraversable(home);
                exec("chown", "-R", RUN_AS_USER + ":", home.toString(), nodeDir.toString());
                // runuser keeps the environment unless login.defs says otherwise; env(1) makes it explicit.
                launch.addAll(List.of("runuser", "-u", RUN_AS_USER, "--", "env"));
            } else {
                launch.add("env");
            }
            launch.addAll(env);
            launch.addAll(opensearch);

            List<String> command = new ArrayList<>(List.of("bash", "-c", WATCHDOG, "watchdog", Long.toString(jvmPid)));
            command.addAll(launch);
            Process process = new ProcessBuilder(command)
                    .directory(home.toFile()) // jvm.options and bin/opensearch use paths relative to the home
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();

            OpenSearchServer server = new OpenSearchServer(process, httpPort, nodeDir, logFile);
            Runtime.getRuntime().addShutdownHook(new Thread(server::stop, "opensearch-stop"));
            server.awaitHealthy();
            System.out.printf("OpenSearch ready at %s after %d ms (log: %s)%n",
                    server.uri, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), logFile);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start OpenSearch", e);
        }
    }

    /**
     * Runs the server in the background and stops it once the test JVM has gone, even if the JVM died
     * without running shutdown hooks. Runs as the JVM's own user, so it may signal both processes.
     */
    private static final String WATCHDOG = """
            jvm=$1; shift
            "$@" &
            child=$!
            trap 'kill -TERM $child 2>/dev/null; wait $child; exit 143' TERM INT
            while kill -0 "$jvm" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
            kill -TERM $child 2>/dev/null
            wait $child
            """;

    private void awaitHealthy() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        HttpRequest health = HttpRequest.newBuilder(uri.resolve("/_cluster/health?wait_for_status=yellow&timeout=5s"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("OpenSearch exited with code " + process.exitValue() + " during startup; "
                        + "last lines of " + logFile + ":\n" + tail(50));
            }
            try {
                HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // keep polling until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sleep(500);
        }
        stop();
        throw new IllegalStateException("OpenSearch did not answer cluster health within " + STARTUP_TIMEOUT.toSeconds()
                + " s; last lines of " + logFile + ":\n" + tail(50));
    }

    private String tail(int lines) {
        try {
            List<String> all = List.of(new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8).split("\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Stops the whole process tree (watchdog, runuser, the OpenSearch JVM) and removes its data. */
    private synchronized void stop() {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (ProcessHandle handle : tree) {
            long left = deadline - System.nanoTime();
            try {
                handle.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (Exception notYet) {
                handle.destroyForcibly();
            }
        }
        try {
            deleteTree(nodeDir.resolve("data"));
        } catch (IOException ignored) {
            // only disk space; a later run uses a fresh folder anyway
        }
    }

    /** Earlier runs leave their node folder (OpenSearch's own logs); keep only those of live test JVMs. */
    private static void deleteNodeDirsOfEndedRuns() throws IOException {
        try (Stream<Path> dirs = Files.list(RUN_ROOT)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                String name = dir.getFileName().toString();
                if (name.matches("node-\\d+") && ProcessHandle.of(Long.parseLong(name.substring(5))).isEmpty()) {
                    deleteTree(dir);
                }
            }
        }
    }

    // ---------------------------------------------------------------- unpacking

    /** Unzips the distribution once; a half-finished unpack is never reused since it is renamed into place at the end. */
    private static Path unpackOnce() throws IOException {
        String zipProperty = System.getProperty("opensearch.zip", "target/opensearch-dist/opensearch.zip");
        Path zip = Paths.get(zipProperty).toAbsolutePath();
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("OpenSearch distribution not found at " + zip
                    + "; it is copied there by the build (mvn generate-test-resources)");
        }
        String topFolder;
        try (ZipFile zipFile = new ZipFile(zip.toFile())) {
            String first = zipFile.entries().nextElement().getName();
            topFolder = first.substring(0, first.indexOf('/'));
        }
        // Named after the zip's top folder (opensearch-2.19.1), so a version bump unpacks afresh.
        Path home = RUN_ROOT.resolve(topFolder);
        if (Files.isRegularFile(home.resolve("bin/opensearch"))) {
            return home;
        }
        Path staging = Files.createTempDirectory(RUN_ROOT, "unpack-");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                String name = entry.getName();
                int slash = name.indexOf('/');
                String relative = slash < 0 ? "" : name.substring(slash + 1);
                if (relative.isEmpty()) {
                    continue;
                }
                Path target = staging.resolve(relative).normalize();
                if (!target.startsWith(staging)) {
                    throw new IOException("Bad zip entry " + name);
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        // java.util.zip does not keep Unix modes.
        try (Stream<Path> bin = Files.list(staging.resolve("bin"))) {
            for (Path file : (Iterable<Path>) bin::iterator) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
                perms.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                        PosixFilePermission.OTHERS_EXECUTE));
                Files.setPosixFilePermissions(file, perms);
            }
        }
        Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x")); // temp dirs start as 700
        Files.createDirectories(staging.resolve("logs"));
        Files.createDirectories(staging.resolve("plugins"));
        try {
            Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            deleteTree(staging);
            if (!Files.isRegularFile(home.resolve("bin/opensearch"))) {
                throw raced;
            }
            // another test JVM unpacked it first
        }
        return home;
    }

    // ---------------------------------------------------------------- root handling

    private static boolean runningAsRoot() {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        try {
            return "0".equals(output("id", "-u").trim());
        } catch (IOException e) {
            return false;
        }
    }

    private static synchronized void ensureUnprivilegedUser() throws IOException {
        if (run("id", RUN_AS_USER) != 0) {
            // Tolerate a concurrent creation by another JVM: check again rather than trust useradd's status.
            run("useradd", "-r", "-M", "-s", "/usr/sbin/nologin", RUN_AS_USER);
            if (run("id", RUN_AS_USER) != 0) {
                throw new IllegalStateException("Could not create user " + RUN_AS_USER + " to run OpenSearch as non-root");
            }
        }
    }

    /** The unprivileged user must be able to reach the home through every parent folder. */
    private static void checkTraversable(Path home) throws IOException {
        for (Path dir = home.getParent(); dir != null; dir = dir.getParent()) {
            if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException(dir + " is not traversable by other users, so " + RUN_AS_USER
                        + " cannot reach OpenSearch under " + home + " (chmod o+x " + dir + ")");
            }
        }
    }

    // ---------------------------------------------------------------- small helpers

    private static void exec(String... command) throws IOException {
        int code = run(command);
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with exit code " + code);
        }
    }

    private static int run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String output(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (InputStream in = p.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
