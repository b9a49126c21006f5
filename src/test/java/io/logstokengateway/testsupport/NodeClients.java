package io.logstokengateway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The official Node.js clients of {@code src/test/node/clients}, installed with {@code npm ci} once into
 * {@code target/node-clients} (again only when the lock file changes) and run there. A script gets its settings
 * (gateway URL, token, index names) in its environment, never on its command line, and prints one JSON summary of
 * what the client observed; the test asserts on that. Without {@code node} and {@code npm} on the PATH the calling
 * test is skipped.
 */
public final class NodeClients {

    private static final Path SOURCE = Paths.get("src", "test", "node", "clients").toAbsolutePath();
    private static final Path WORK = Paths.get("target", "node-clients").toAbsolutePath();
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static boolean installed;

    private NodeClients() {
    }

    /**
     * Runs {@code script} with {@code environment} added to this JVM's and returns its JSON summary. The output is
     * checked not to contain {@code secret} (a token handed to the script), and is never printed if it does.
     */
    public static JsonNode run(String script, Map<String, String> environment, String secret, Duration timeout) {
        install();
        Path stderr = WORK.resolve(script + ".stderr.log");
        ProcessBuilder builder = new ProcessBuilder("node", script).directory(WORK.toFile())
                .redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        Execution execution = execute(builder, timeout);
        String errors = read(stderr);
        if (execution.output.contains(secret) || errors.contains(secret)) {
            throw new AssertionError("node " + script + " wrote the token it was given to its output");
        }
        if (execution.timedOut || execution.exitCode != 0) {
            throw new AssertionError("node " + script + (execution.timedOut ? " did not finish within " + timeout
                    : " exited with " + execution.exitCode) + "\nstdout: " + execution.output + "\nstderr: " + errors);
        }
        try {
            return JSON.readTree(execution.output);
        } catch (IOException e) {
            throw new AssertionError("node " + script + " printed no JSON summary: " + execution.output + "\nstderr: " + errors, e);
        }
    }

    /**
     * Skips the calling test without Node.js; otherwise installs the clients once per lock file. Call it before
     * setting up what the script needs, so a machine without Node.js skips the set-up too.
     */
    public static synchronized void install() {
        Assumptions.assumeTrue(onPath("node") && onPath("npm"),
                "node and npm are not installed: the Node.js client tests are skipped (Debian: apt-get install nodejs npm)");
        if (installed) {
            return;
        }
        try {
            Files.createDirectories(WORK);
            // Surefire and Failsafe JVMs of one build share the folder.
            try (FileChannel channel = FileChannel.open(WORK.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                copySources();
                String lock = Files.readString(SOURCE.resolve("package-lock.json"));
                Path stamp = WORK.resolve("node_modules").resolve(".installed-lock.json");
                if (!Files.isRegularFile(stamp) || !Files.readString(stamp).equals(lock)) {
                    Execution npm = execute(new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                            .directory(WORK.toFile()).redirectErrorStream(true), INSTALL_TIMEOUT);
                    if (npm.timedOut || npm.exitCode != 0) {
                        throw new IllegalStateException("npm ci in " + WORK + " failed"
                                + (npm.timedOut ? " (timed out)" : " with exit code " + npm.exitCode) + ":\n" + npm.output);
                    }
                    Files.writeString(stamp, lock);
                }
            }
            installed = true;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not install the Node.js clients into " + WORK, e);
        }
    }

    /** The package files and scripts, copied afresh each run so an edited script is the one that runs. */
    private static void copySources() throws IOException {
        try (Stream<Path> files = Files.list(SOURCE)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (Files.isRegularFile(file) && (name.endsWith(".json") || name.endsWith(".mjs"))) {
                    Files.copy(file, WORK.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static boolean onPath(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Paths.get(dir, command))) {
                return true;
            }
        }
        return false;
    }

    private record Execution(int exitCode, boolean timedOut, String output) {
    }

    /** Runs to completion or to the timeout (then the whole process tree is killed); stdout is read meanwhile. */
    private static Execution execute(ProcessBuilder builder, Duration timeout) {
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            FutureTask<String> output = new FutureTask<>(
                    () -> new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            new Thread(output, "node-output").start();
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                List<ProcessHandle> tree = new ArrayList<>();
                process.descendants().forEach(tree::add);
                tree.add(process.toHandle());
                tree.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(10, TimeUnit.SECONDS);
            }
            String printed;
            try {
                printed = output.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException unread) {
                printed = "(output unreadable: " + unread + ")";
            }
            return new Execution(finished ? process.exitValue() : -1, !finished, printed);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run " + builder.command(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
