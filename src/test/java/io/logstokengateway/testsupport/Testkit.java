package io.logstokengateway.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The test kit from a shell (bench/run.sh), run on {@code target/test-classes} and {@code target/testkit-classpath.txt}:
 *
 * <pre>
 *   Testkit opensearch --uri-file FILE
 *       Starts the test kit's OpenSearch (-Dsearch-node.heap=512m to size it), writes its URI into FILE once it is
 *       healthy, and stays in the foreground until terminated, which stops it.
 *   TESTKIT_ADMIN_KEY=... TESTKIT_PASSWORD=... Testkit provision --management URL --service NAME --username NAME
 *       [--display-name TEXT] [--elasticsearch-username NAME] [--token-name NAME]
 *       Through the gateway's APIs (ManagementClient): creates the service (the account password from TESTKIT_PASSWORD;
 *       with --elasticsearch-username, its search upstream credentials, the password from
 *       TESTKIT_ELASTICSEARCH_PASSWORD; a Graylog token from TESTKIT_GRAYLOG_TOKEN if set), mints a token, and prints
 *       "&lt;token id&gt; &lt;token value&gt;". Secrets come from the environment, never from the command line.
 *   TESTKIT_ADMIN_KEY=... Testkit gateway (--app-dir DIR | --executable FILE) --ports-file FILE [--data-dir DIR]
 *       [--output FILE] [--elasticsearch-upstream URL] [--graylog-upstream URL] [--jvm-option OPTION]...
 *       [--property KEY=VALUE]...
 *       Starts the packaged gateway of DIR (a quarkus-app directory: DIR/quarkus-run.jar), or the native executable
 *       FILE, through GatewayProcess, with the defaults it ships with (none of the tests' settings), the admin key from
 *       TESTKIT_ADMIN_KEY, every listener on a free port of 127.0.0.1, the JVM options (the heap options for the
 *       executable) and the properties as -D, stdout and stderr into the --output file (by default under
 *       target/it-logs). Once it is live and its proxy listeners accept connections, writes into FILE the lines
 *       "search=PORT", "graylog=PORT", "management=PORT" and "pid=PID" (the gateway's own, not this JVM's), and stays
 *       in the foreground until terminated, which stops the gateway (SIGTERM, SIGKILL after 20 s); should the gateway
 *       exit first, exits with its exit code.
 *   TESTKIT_ADMIN_KEY=... TESTKIT_AUTHORIZATION=... Testkit startup (--app-dir DIR | --executable FILE) --path PATH
 *       --data-dir DIR [--rest-seconds N] [the other options of gateway but --ports-file]
 *       Starts that gateway as gateway does, on a data dir where a token was provisioned before, and prints
 *       "RESULT startup MS RSS_KIB": the milliseconds from the start of the process to the first 200 answer to
 *       GET PATH on the search listener with the Authorization header in TESTKIT_AUTHORIZATION, then the process's
 *       resident set size after N more seconds at rest (5 by default). Then stops it, and exits.
 * </pre>
 */
public final class Testkit {

    private Testkit() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        List<String> rest = List.of(args).subList(1, args.length);
        Map<String, String> options = options(rest);
        switch (args[0]) {
            case "opensearch" -> openSearch(required(options, "uri-file"));
            case "provision" -> provision(options);
            case "gateway" -> gateway(gatewayBuilder(options, rest), Path.of(required(options, "ports-file")));
            case "startup" -> {
                required(options, "data-dir"); // where the token was provisioned
                startup(gatewayBuilder(options, rest), required(options, "path"),
                        Integer.parseInt(options.getOrDefault("rest-seconds", "5")));
            }
            default -> usage();
        }
    }

    private static void openSearch(String uriFile) throws IOException, InterruptedException {
        URI uri = OpenSearchServer.get().uri();
        write(Path.of(uriFile), uri + "\n");
        Thread.currentThread().join(); // until terminated: the server's shutdown hook stops it
    }

    /** The gateway the options describe, with the defaults it ships with: for the gateway and startup commands. */
    private static GatewayProcess.Builder gatewayBuilder(Map<String, String> options, List<String> args) {
        GatewayProcess.Builder builder = GatewayProcess.builder("testkit-gateway").shippedDefaults()
                .adminKey(environment("TESTKIT_ADMIN_KEY"));
        if (options.containsKey("executable") == options.containsKey("app-dir")) {
            System.err.println("testkit: give either --app-dir or --executable");
            usage();
        }
        if (options.containsKey("executable")) {
            builder.executable(Path.of(options.get("executable")));
        } else {
            builder.appDir(Path.of(options.get("app-dir")));
        }
        if (options.containsKey("data-dir")) {
            builder.dataDir(Path.of(options.get("data-dir")));
        }
        if (options.containsKey("output")) {
            builder.output(Path.of(options.get("output")));
        }
        if (options.containsKey("elasticsearch-upstream")) {
            builder.elasticsearchUpstream(URI.create(options.get("elasticsearch-upstream")));
        }
        if (options.containsKey("graylog-upstream")) {
            builder.graylogUpstream(URI.create(options.get("graylog-upstream")));
        }
        repeated(args, "jvm-option").forEach(builder::jvmOption);
        for (String property : repeated(args, "property")) {
            int equals = property.indexOf('=');
            if (equals <= 0) {
                System.err.println("testkit: --property takes KEY=VALUE, not " + property);
                usage();
            }
            builder.property(property.substring(0, equals), property.substring(equals + 1));
        }
        return builder;
    }

    private static void gateway(GatewayProcess.Builder builder, Path portsFile) throws IOException {
        GatewayProcess gateway = builder.start(); // its shutdown hook stops the gateway when this JVM is terminated
        write(portsFile, "search=" + gateway.searchPort() + "\ngraylog=" + gateway.graylogPort()
                + "\nmanagement=" + gateway.managementPort() + "\npid=" + gateway.pid() + "\n");
        while (!gateway.awaitExit(Duration.ofHours(1))) {
            // until terminated, or until the gateway stops on its own
        }
        System.exit(gateway.exitValue());
    }

    private static void startup(GatewayProcess.Builder builder, String path, int restSeconds) throws InterruptedException {
        GatewayProcess.TimedStart started = builder.startTimed(path, environment("TESTKIT_AUTHORIZATION"));
        try (GatewayProcess gateway = started.gateway()) {
            Thread.sleep(Duration.ofSeconds(restSeconds).toMillis());
            System.out.printf("RESULT startup %.1f %d%n", started.toFirstAnswer().toNanos() / 1e6, gateway.rssKib());
        }
    }

    /** Writes {@code content} into {@code file} at once: whoever waits for the file never reads half of it. */
    private static void write(Path file, String content) throws IOException {
        Path target = file.toAbsolutePath();
        Path written = Files.createTempFile(target.getParent(), "testkit-", ".tmp");
        Files.writeString(written, content);
        Files.move(written, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void provision(Map<String, String> options) {
        ManagementClient operator = ManagementClient.asOperator(URI.create(required(options, "management")), environment("TESTKIT_ADMIN_KEY"));
        String service = required(options, "service");
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("displayName", options.getOrDefault("display-name", service));
        if (options.containsKey("elasticsearch-username")) {
            extra.put("elasticsearch", Map.of("username", options.get("elasticsearch-username"),
                    "password", environment("TESTKIT_ELASTICSEARCH_PASSWORD")));
        }
        String graylogToken = System.getenv("TESTKIT_GRAYLOG_TOKEN");
        if (graylogToken != null && !graylogToken.isEmpty()) {
            extra.put("graylog", Map.of("token", graylogToken));
        }
        operator.provision(service, required(options, "username"), environment("TESTKIT_PASSWORD"), extra);
        ManagementClient.Token token = operator.createToken(service, options.getOrDefault("token-name", "testkit"));
        System.out.println(token.id() + " " + token.value());
    }

    private static Map<String, String> options(List<String> args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            if (!args.get(i).startsWith("--") || i + 1 >= args.size()) {
                usage();
            }
            options.put(args.get(i).substring(2), args.get(i + 1));
        }
        return options;
    }

    /** Every value of an option that may be given more than once ({@code --jvm-option A --jvm-option B}). */
    private static List<String> repeated(List<String> args, String name) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i + 1 < args.size(); i += 2) {
            if (args.get(i).equals("--" + name)) {
                values.add(args.get(i + 1));
            }
        }
        return values;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            System.err.println("testkit: --" + name + " is required");
            usage();
        }
        return value;
    }

    private static String environment(String name) {
        String value = System.getenv(name);
        if (value == null || value.isEmpty()) {
            System.err.println("testkit: set " + name);
            System.exit(64);
        }
        return value;
    }

    private static void usage() {
        System.err.println("""
                usage: Testkit opensearch --uri-file FILE
                       TESTKIT_ADMIN_KEY=... TESTKIT_PASSWORD=... Testkit provision --management URL --service NAME --username NAME
                                [--display-name TEXT] [--elasticsearch-username NAME] [--token-name NAME]
                       TESTKIT_ADMIN_KEY=... Testkit gateway (--app-dir DIR | --executable FILE) --ports-file FILE [--data-dir DIR]
                                [--output FILE] [--elasticsearch-upstream URL] [--graylog-upstream URL] [--jvm-option OPTION]...
                                [--property KEY=VALUE]...
                       TESTKIT_ADMIN_KEY=... TESTKIT_AUTHORIZATION=... Testkit startup (--app-dir DIR | --executable FILE) --path PATH
                                --data-dir DIR [--rest-seconds N] [the other options of gateway but --ports-file]""");
        System.exit(64);
    }
}
