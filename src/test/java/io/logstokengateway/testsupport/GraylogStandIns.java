package io.logstokengateway.testsupport;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The classes Graylog runs with in the tests (its MongoDB stand-in, its search-storage stand-in plugin: see
 * {@code src/test/graylog}), compiled against Graylog's own classpath, which the tests' compiler does not have.
 * Compiled once per content of those sources into {@code target/graylog/stand-ins/<digest>}.
 */
final class GraylogStandIns {

    private static final Path SOURCES = Paths.get("src", "test", "graylog").toAbsolutePath();

    private GraylogStandIns() {
    }

    /** A folder of classes and resources to put on Graylog's classpath. */
    static synchronized Path compiled(GraylogClasspath graylog) throws IOException {
        List<Path> files = files(SOURCES);
        Path output = graylog.root().resolve("stand-ins").resolve(digest(files));
        if (Files.isDirectory(output)) {
            return output;
        }
        Files.createDirectories(output.getParent());
        Path staging = Files.createTempDirectory(output.getParent(), "compiling-");
        List<String> arguments = new ArrayList<>(List.of("-d", staging.toString(), "--release", "17", "-proc:none", "-nowarn",
                "-classpath", graylog.classpathWith()));
        Path resources = SOURCES.resolve("resources");
        for (Path file : files) {
            if (file.startsWith(resources)) {
                Path target = staging.resolve(resources.relativize(file).toString());
                Files.createDirectories(target.getParent());
                Files.copy(file, target);
            } else if (file.toString().endsWith(".java")) {
                arguments.add(file.toString());
            }
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("Starting Graylog compiles its stand-ins (src/test/graylog): run the tests with a JDK, not a JRE");
        }
        ByteArrayOutputStream messages = new ByteArrayOutputStream();
        if (javac.run(null, messages, messages, arguments.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("The Graylog stand-ins in " + SOURCES + " do not compile:\n"
                    + messages.toString(StandardCharsets.UTF_8));
        }
        try {
            Files.move(staging, output, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            LocalProcesses.deleteTree(staging);
            if (!Files.isDirectory(output)) {
                throw raced;
            }
            // another JVM compiled the same sources first
        }
        return output;
    }

    private static List<Path> files(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException(root + " is missing: the tests run from the project's root folder");
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String digest(List<Path> files) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path file : files) {
                sha.update(SOURCES.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(file));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
