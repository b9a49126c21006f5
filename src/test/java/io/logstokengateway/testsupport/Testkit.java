package io.logstokengateway.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * </pre>
 */
public final class Testkit {

    private Testkit() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        Map<String, String> options = options(List.of(args).subList(1, args.length));
        switch (args[0]) {
            case "opensearch" -> openSearch(required(options, "uri-file"));
            case "provision" -> provision(options);
            default -> usage();
        }
    }

    private static void openSearch(String uriFile) throws IOException, InterruptedException {
        URI uri = OpenSearchServer.get().uri();
        Path target = Path.of(uriFile).toAbsolutePath();
        Path written = Files.createTempFile(target.getParent(), "uri-", ".tmp");
        Files.writeString(written, uri + "\n");
        Files.move(written, target, StandardCopyOption.ATOMIC_MOVE); // whoever waits for it never reads half of it
        Thread.currentThread().join(); // until terminated: the server's shutdown hook stops it
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
                                [--display-name TEXT] [--elasticsearch-username NAME] [--token-name NAME]""");
        System.exit(64);
    }
}
