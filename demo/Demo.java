import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.testsupport.GatewayProcess;
import io.logstokengateway.testsupport.GraylogServer;
import io.logstokengateway.testsupport.ManagementClient;
import io.logstokengateway.testsupport.OpenSearchServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo run-demo.sh starts, on the project's test kit (src/test/java/io/logstokengateway/testsupport), which the
 * tests and the benchmark use too:
 *
 * <pre>
 *   java -cp &lt;test kit classpath&gt; demo/Demo.java [--with-graylog]
 * </pre>
 *
 * Starts a real OpenSearch, with --with-graylog a real Graylog too (with a user, a stream and a Graylog access token
 * for the demo service), and the gateway jar on ports 8080, 9200 and 9000; provisions service ldp-demo-00001 and a
 * token through the gateway's own APIs, indexes three sample logs through the gateway with that token, prints
 * commands to try, and stays in the foreground until Ctrl-C, which stops everything it started.
 * DEMO_BIND_HOST=0.0.0.0 opens the gateway's listeners to the network (127.0.0.1 by default).
 */
public class Demo {

    private static final String SERVICE = "ldp-demo-00001";
    private static final String USERNAME = "logs-demo-00001";
    private static final Path DEMO_DIR = Path.of("target", "demo").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) throws Exception {
        try {
            run(args);
        } catch (RuntimeException e) {
            fail(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** Set once Ctrl-C (or a TERM) has begun stopping everything: the gateway's exit is then expected. */
    private static volatile boolean stopping;

    private static void run(String[] args) throws Exception {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopping = true, "demo-stopping"));
        boolean withGraylog = List.of(args).contains("--with-graylog");
        if (args.length > (withGraylog ? 1 : 0)) {
            System.err.println("usage: java demo/Demo.java [--with-graylog]");
            System.exit(64);
        }
        for (int port : new int[] {8080, 9200, 9000}) {
            if (listening(port)) {
                fail("port " + port + " is already in use (an earlier demo still running? something else?); free it and retry");
            }
        }
        String bindHost = System.getenv().getOrDefault("DEMO_BIND_HOST", "127.0.0.1");

        say("\n==> Starting OpenSearch (the test kit's, on a free port; log under target/opensearch-run/)");
        OpenSearchServer openSearch = OpenSearchServer.get();

        GraylogServer graylog = null;
        String graylogToken = null;
        if (withGraylog) {
            say("\n==> Starting Graylog 6.1 with its MongoDB stand-in (15 to 30 s; log under target/graylog-run/)");
            graylog = GraylogServer.start();
            GraylogServer started = graylog;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "demo-graylog-stop"));
            GraylogServer.User user = graylog.createUser(USERNAME, randomSecret(24));
            String stream = graylog.createStream(SERVICE + " logs");
            graylog.shareStream(stream, user);
            graylogToken = graylog.createAccessToken(user, "logs-token-gateway");
            say("Graylog user " + USERNAME + " created, stream \"" + SERVICE + " logs\" shared with it, and a Graylog access"
                    + " token of that user for the gateway.");
        }

        say("\n==> Starting the gateway: management :8080, search API :9200, Graylog API :9000 (log: target/demo/gateway.log)");
        String adminKey = randomSecret(32);
        GatewayProcess gateway = GatewayProcess.builder("demo")
                .property("quarkus.http.port", "8080")
                .property("gateway.elasticsearch.port", "9200")
                .property("gateway.graylog.port", "9000")
                .property("quarkus.http.host", bindHost)
                .property("gateway.elasticsearch.host", bindHost)
                .property("gateway.graylog.host", bindHost)
                .property("gateway.public-url.elasticsearch-api", "http://localhost:9200")
                .property("gateway.public-url.graylog-api", "http://localhost:9000/api")
                .property("quarkus.log.category.\"io.logstokengateway\".level", "INFO")
                .adminKey(adminKey)
                .dataDir(DEMO_DIR.resolve("gateway-data"))
                .elasticsearchUpstream(openSearch.uri())
                .graylogUpstream(graylog != null ? graylog.uri() : URI.create("http://127.0.0.1:9001"))
                .output(DEMO_DIR.resolve("gateway.log"))
                .start();

        say("\n==> Provisioning a service and a token through the gateway's APIs");
        ManagementClient operator = ManagementClient.asOperator(URI.create("http://127.0.0.1:8080"), adminKey);
        Map<String, Object> graylogIdentity = graylogToken == null ? Map.of() : Map.of("graylog", Map.of("token", graylogToken));
        if (operator.serviceExists(SERVICE)) {
            say("Service " + SERVICE + " exists from a previous run (target/demo/gateway-data); keeping it.");
            if (!graylogIdentity.isEmpty()) {
                operator.update(SERVICE, graylogIdentity);
                say("Registered this run's Graylog access token for it (admin API, PATCH).");
            }
        } else {
            Map<String, Object> extra = new HashMap<>(graylogIdentity);
            extra.put("displayName", "Demo service");
            operator.provision(SERVICE, USERNAME, randomSecret(24), extra);
            say("Created service " + SERVICE + " (account " + USERNAME + ") with the admin API"
                    + (graylogToken == null ? "." : ", with the Graylog user's access token as its Graylog identity."));
        }
        // Earlier runs' "demo" tokens are revoked, so that runs do not pile up live tokens.
        for (String id : operator.tokenIds(SERVICE)) {
            JsonNode token = JSON.readTree(operator.send("GET", "/dbaas/logs/" + SERVICE + "/token/" + id, null).body());
            if ("demo".equals(token.path("name").asText())) {
                operator.deleteToken(SERVICE, id);
            }
        }
        ManagementClient.Token token = operator.createToken(SERVICE, "demo");
        String tokenAuth = basic(token.value(), "token");
        say("Created token \"demo\" (" + token.id() + ") with the token API.");

        String index = USERNAME + "-i-demo";
        indexSamples(index, tokenAuth);
        String searchPath = "/" + USERNAME + "-i-*/_search?q=*";
        long hits = JSON.readTree(get("http://127.0.0.1:9200" + searchPath, tokenAuth).body()).path("hits").path("total").path("value").asLong();
        int wrong = get("http://127.0.0.1:9200" + searchPath, basic(randomSecret(32), "token")).statusCode();
        HttpResponse<String> asGraylogUser = get("http://127.0.0.1:9000/api/users/" + USERNAME, tokenAuth);
        say("Checked: a search with the token finds " + hits + " documents; a wrong token gets " + wrong + "; "
                + (graylog == null ? "the Graylog API listener answers " + get("http://127.0.0.1:9000/api/system", tokenAuth).statusCode()
                + " (no Graylog in this demo: run ./run-demo.sh --with-graylog)."
                : "Graylog answers the token as its user " + JSON.readTree(asGraylogUser.body()).path("username").asText() + "."));

        printCommands(token, adminKey, graylog);
        say("\nThe demo is running (OpenSearch at " + openSearch.uri() + (graylog == null ? "" : ", Graylog at " + graylog.uri()) + ").");
        say("Press Ctrl-C to stop the gateway" + (graylog == null ? "" : ", Graylog") + " and OpenSearch.");
        while (gateway.isAlive()) {
            Thread.sleep(1000);
        }
        if (!stopping) {
            fail("the gateway exited (status " + gateway.exitValue() + "); see target/demo/gateway.log");
        }
    }

    /** Three sample logs, written through the gateway's search listener with the token (fixed ids: reruns update them). */
    private static void indexSamples(String index, String tokenAuth) throws IOException, InterruptedException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String[][] samples = {
                {"INFO", "user alice signed in from 192.0.2.10"},
                {"WARN", "disk usage at 85% on web-1"},
                {"ERROR", "payment request timed out after 30 s"},
        };
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < samples.length; i++) {
            bulk.append(JSON.writeValueAsString(Map.of("index", Map.of("_id", "sample-" + (i + 1))))).append('\n');
            bulk.append(JSON.writeValueAsString(Map.of("timestamp", now.minusSeconds(60L * (samples.length - i)).toString(),
                    "level", samples[i][0], "message", samples[i][1], "host", "demo-host"))).append('\n');
        }
        HttpResponse<String> indexed = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:9200/" + index + "/_bulk?refresh=true"))
                .header("Authorization", tokenAuth).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(bulk.toString())).build(), HttpResponse.BodyHandlers.ofString());
        if (indexed.statusCode() != 200 || JSON.readTree(indexed.body()).path("errors").asBoolean(true)) {
            fail("indexing the sample logs through the gateway answered " + indexed.statusCode() + ": " + indexed.body());
        }
        say("Indexed " + samples.length + " sample log documents into " + index + " through the gateway (port 9200), with the token.");
    }

    /** Ready-to-paste commands. Printing the token is the point: it goes to this terminal only, never to a file. */
    private static void printCommands(ManagementClient.Token token, String adminKey, GraylogServer graylog) {
        String bearer = shellWord("Authorization: Bearer " + adminKey);
        String serviceApi = "http://localhost:8080/dbaas/logs/" + SERVICE;
        String basicToken = shellWord(token.value() + ":token");
        say("\nSearch the sample logs with the token (user = token value, password = \"token\"):");
        say("  curl -u " + basicToken + " \"http://localhost:9200/" + USERNAME + "-i-*/_search?q=*&pretty\"");
        say("The same token as a Bearer token:");
        say("  curl -H " + shellWord("Authorization: Bearer " + token.value()) + " \"http://localhost:9200/" + USERNAME
                + "-i-*/_search?q=level:ERROR&pretty\"");
        say("\nGraylog API listener (only /api/** passes; the web interface is refused with 403):");
        if (graylog == null) {
            say("  (no Graylog runs in this demo, so /api/** answers 502; ./run-demo.sh --with-graylog starts a real one)");
        } else {
            say("  # Graylog answers as the service's Graylog user, with that user's permissions:");
            say("  curl -u " + basicToken + " http://localhost:9000/api/users/" + USERNAME);
            say("  curl -u " + basicToken + " http://localhost:9000/api/streams");
            say("  # another user, and the web interface, are refused:");
            say("  curl -u " + basicToken + " http://localhost:9000/api/users/admin");
            say("  curl -u " + basicToken + " http://localhost:9000/");
            say("  (Searches find nothing here: this Graylog runs without a search backend plugin, see README, Tests.)");
        }
        say("\nToken API (operator key; the service's account credentials work too):");
        say("  # list the tokens of " + SERVICE);
        say("  curl -H " + bearer + " " + serviceApi + "/token");
        say("  # show this token");
        say("  curl -H " + bearer + " " + serviceApi + "/token/" + token.id());
        say("  # create another one (answers an Operation; GET .../operation/<operationId> until SUCCESS gives its tokenId)");
        say("  curl -H " + bearer + " -H 'Content-Type: application/json' -d '{\"name\":\"second\"}' " + serviceApi + "/token");
        say("  # delete this token: the commands above then answer 401");
        say("  curl -X DELETE -H " + bearer + " " + serviceApi + "/token/" + token.id());
        say("\nConsole: http://localhost:8080/console    API reference: http://localhost:8080/q/swagger-ui/");
        say("The admin key of this run is in the commands above; a new one is generated at each start.");
    }

    private static HttpResponse<String> get(String url, String authorization) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", authorization).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException nothingThere) {
            return false;
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String randomSecret(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** The word as is when the shell leaves it alone, else single-quoted. */
    private static String shellWord(String word) {
        return word.matches("[A-Za-z0-9._~+/=:@%-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private static void say(String line) {
        System.out.println(line);
    }

    private static void fail(String message) {
        System.err.println("\ndemo: " + message);
        System.exit(1);
    }
}
