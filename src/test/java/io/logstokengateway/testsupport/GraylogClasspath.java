package io.logstokengateway.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the build put under {@code target/graylog} (see the pom): Graylog's server jar, its runtime classpath as its
 * own pom resolves it ({@code classpath.txt}), and the jars of the MongoDB stand-in.
 *
 * @param root      {@code target/graylog}
 * @param serverJar Graylog's server jar, first on the classpath (other jars carry a {@code version.properties} too)
 * @param libraries Graylog's runtime dependencies
 * @param mongo     mongo-java-server's jars (its other dependencies, Netty and SLF4J, are Graylog's)
 */
record GraylogClasspath(Path root, Path serverJar, List<Path> libraries, List<Path> mongo) {

    /** What the build fetched; fails saying how to fetch it when it is missing. */
    static GraylogClasspath fromBuild() throws IOException {
        Path root = Paths.get(System.getProperty("graylog.dist", "target/graylog")).toAbsolutePath();
        Path serverJar = root.resolve("graylog2-server.jar");
        Path classpath = root.resolve("classpath.txt");
        Path mongoDir = root.resolve("mongo-stand-in");
        if (!Files.isRegularFile(serverJar) || !Files.isRegularFile(classpath) || !Files.isDirectory(mongoDir)) {
            throw new IllegalStateException("Graylog is not in " + root + ": the build fetches it in generate-test-resources"
                    + " (./mvnw generate-test-resources, without -Dgraylog.skip)");
        }
        List<Path> libraries = new ArrayList<>();
        for (String entry : Files.readString(classpath).trim().split(File.pathSeparator)) {
            libraries.add(Paths.get(entry));
        }
        List<Path> mongo;
        try (Stream<Path> jars = Files.list(mongoDir)) {
            mongo = jars.filter(jar -> jar.toString().endsWith(".jar")).sorted().toList();
        }
        return new GraylogClasspath(root, serverJar, List.copyOf(libraries), mongo);
    }

    /** The server jar first, then its libraries, the MongoDB stand-in, and {@code more}. */
    String classpathWith(Path... more) {
        List<Path> all = new ArrayList<>();
        all.add(serverJar);
        all.addAll(libraries);
        all.addAll(mongo);
        all.addAll(List.of(more));
        return join(all);
    }

    private static String join(List<Path> paths) {
        return String.join(File.pathSeparator, paths.stream().map(Path::toString).toList());
    }
}
