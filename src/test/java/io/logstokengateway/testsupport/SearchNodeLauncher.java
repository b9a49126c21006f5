package io.logstokengateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * Starts one node of a {@link SearchDistribution}: unpacks the zip once, picks free ports, gives the node its own
 * data and log folders, and runs it as an unprivileged user when the tests run as root (neither product runs as root).
 */
final class SearchNodeLauncher {

    /** The node's fixed heap: enough for the tests; the benchmark sets {@code -Dsearch-node.heap=512m}. */
    private static final String HEAP = System.getProperty("search-node.heap", "256m");

    private SearchNodeLauncher() {
    }

    static LocalSearchServer.Node launch(SearchDistribution distribution) {
        Path runRoot = distribution.runRoot();
        try {
            Files.createDirectories(runRoot);
            Path home = unpackOnce(distribution);
            int httpPort = FreePorts.next();
            int transportPort = FreePorts.next();
            long jvmPid = ProcessHandle.current().pid();
            // A folder per test JVM: two builds in one checkout must not share data or logs.
            Path nodeDir = runRoot.resolve("node-" + jvmPid);
            LocalProcesses.deleteNodeDirsOfEndedRuns(runRoot);
            LocalProcesses.deleteTree(nodeDir);
            Files.createDirectories(nodeDir.resolve("data"));
            Files.createDirectories(nodeDir.resolve("logs"));
            Files.createDirectories(nodeDir.resolve("tmp"));
            Path logFile = runRoot.resolve(home.getFileName() + "-" + jvmPid + ".log");

            String javaHome = distribution.javaHome();
            String prefix = distribution.envPrefix();
            List<String> env = List.of(
                    prefix + "_JAVA_OPTS=-Xms" + HEAP + " -Xmx" + HEAP,
                    "JAVA_HOME=" + javaHome,
                    prefix + "_JAVA_HOME=" + javaHome,
                    prefix + "_TMPDIR=" + nodeDir.resolve("tmp"));
            List<String> server = new ArrayList<>(List.of(
                    home.resolve(distribution.launcher()).toString(),
                    "-Ehttp.port=" + httpPort,
                    "-Etransport.port=" + transportPort,
                    "-Ediscovery.type=single-node",
                    "-Epath.data=" + nodeDir.resolve("data"),
                    "-Epath.logs=" + nodeDir.resolve("logs"),
                    "-Ehttp.host=127.0.0.1",
                    "-Enetwork.host=127.0.0.1",
                    // Build machines often have little free disk; the watermark would block indexing.
                    "-Ecluster.routing.allocation.disk.threshold_enabled=false"));
            server.addAll(distribution.extraSettings());

            List<String> launch = new ArrayList<>();
            if (LocalProcesses.runningAsRoot()) {
                String user = distribution.runAsUser();
                ensureUnprivilegedUser(user);
                checkTraversable(home, user);
                // The node writes into its home too (Elasticsearch creates config/elasticsearch.keystore).
                exec("chown", "-R", user + ":", home.toString(), nodeDir.toString());
                // runuser keeps the environment unless login.defs says otherwise; env(1) makes it explicit.
                launch.addAll(List.of("runuser", "-u", user, "--", "env"));
            } else {
                launch.add("env");
            }
            launch.addAll(env);
            launch.addAll(server);

            // From its home: jvm.options and the launcher use paths relative to it.
            Process process = LocalProcesses.startWatched(launch, home, logFile);
            return new LocalSearchServer.Node(process, httpPort, nodeDir, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + distribution.product(), e);
        }
    }

    // ---------------------------------------------------------------- unpacking

    /** Unzips the distribution once; a half-finished unpack is never reused since it is renamed into place at the end. */
    private static Path unpackOnce(SearchDistribution distribution) throws IOException {
        Path zip = distribution.zip();
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException(distribution.product() + " distribution not found at " + zip
                    + "; it is copied there by the build (mvn generate-test-resources)");
        }
        String topFolder;
        try (ZipFile zipFile = new ZipFile(zip.toFile())) {
            String first = zipFile.entries().nextElement().getName();
            topFolder = first.substring(0, first.indexOf('/'));
        }
        // Named after the zip's top folder (opensearch-2.19.1), so a version bump unpacks afresh.
        Path runRoot = distribution.runRoot();
        Path home = runRoot.resolve(topFolder);
        if (Files.isRegularFile(home.resolve(distribution.launcher()))) {
            return home;
        }
        Path staging = Files.createTempDirectory(runRoot, "unpack-");
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
            LocalProcesses.deleteTree(staging);
            if (!Files.isRegularFile(home.resolve(distribution.launcher()))) {
                throw raced;
            }
            // another test JVM unpacked it first
        }
        return home;
    }

    // ---------------------------------------------------------------- root handling

    private static synchronized void ensureUnprivilegedUser(String user) throws IOException {
        if (run("id", user) != 0) {
            // Tolerate a concurrent creation by another JVM: check again rather than trust useradd's status.
            run("useradd", "-r", "-M", "-s", "/usr/sbin/nologin", user);
            if (run("id", user) != 0) {
                throw new IllegalStateException("Could not create user " + user + " to run the search server as non-root");
            }
        }
    }

    /** The unprivileged user must be able to reach the home through every parent folder. */
    private static void checkTraversable(Path home, String user) throws IOException {
        for (Path dir = home.getParent(); dir != null; dir = dir.getParent()) {
            if (!Files.getPosixFilePermissions(dir).contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException(dir + " is not traversable by other users, so " + user
                        + " cannot reach " + home + " (chmod o+x " + dir + ")");
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
}
