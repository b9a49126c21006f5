package io.logstokengateway.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Starting and stopping the servers the tests run as processes of their own (OpenSearch, Elasticsearch, Graylog),
 * so that none outlives the JVM that started it.
 */
final class LocalProcesses {

    private static final Pattern NODE_DIR = Pattern.compile("node-(\\d+)(-.*)?");

    private LocalProcesses() {
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

    /** Starts {@code command} in {@code directory} under the watchdog, stdout and stderr into {@code log}. */
    static Process startWatched(List<String> command, Path directory, Path log) throws IOException {
        List<String> watched = new ArrayList<>(List.of("bash", "-c", WATCHDOG, "watchdog", Long.toString(ProcessHandle.current().pid())));
        watched.addAll(command);
        return new ProcessBuilder(watched)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** SIGTERM to the whole tree (watchdog, runuser, the server), then SIGKILL to what is left after {@code grace}. */
    static void stopTree(Process process, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle handle : tree) {
            long left = deadline - System.nanoTime();
            try {
                handle.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (Exception notYet) {
                handle.destroyForcibly();
            }
        }
    }

    /**
     * Earlier runs leave their {@code node-<pid>} or {@code node-<pid>-<suffix>} folders (the server's own logs); keep
     * only those of live JVMs.
     */
    static void deleteNodeDirsOfEndedRuns(Path runRoot) throws IOException {
        try (Stream<Path> dirs = Files.list(runRoot)) {
            for (Path dir : (Iterable<Path>) dirs::iterator) {
                Matcher node = NODE_DIR.matcher(dir.getFileName().toString());
                if (node.matches() && ProcessHandle.of(Long.parseLong(node.group(1))).isEmpty()) {
                    deleteTree(dir);
                }
            }
        }
    }

    static boolean runningAsRoot() {
        if ("root".equals(System.getProperty("user.name"))) {
            return true;
        }
        try {
            return "0".equals(output("id", "-u").trim());
        } catch (IOException e) {
            return false;
        }
    }

    static String output(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (InputStream in = p.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The last {@code lines} lines of a log, for failure messages. */
    static String tail(Path log, int lines) {
        try {
            List<String> all = List.of(new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\n"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
