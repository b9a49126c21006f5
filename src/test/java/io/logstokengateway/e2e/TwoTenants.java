package io.logstokengateway.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.testsupport.OpenSearchServer;
import io.logstokengateway.testsupport.RawHttpConnection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.logstokengateway.e2e.Http.basic;

/**
 * Two tenants on the shared real OpenSearch, set up the way a hostile one would want them: A's and B's documents
 * carry markers ({@link #A_MARK}, {@link #B_MARK}); B has a private index; someone with rights on the cluster pointed
 * aliases in A's namespace (one in its read, one in its write patterns) at B's indices; an index both may read carries
 * one of B's aliases; and B holds scrolls and points in time, both as the upstream issued them (raw) and as the
 * gateway handed them to B (sealed). Set up once per test JVM.
 */
final class TwoTenants {

    static final String A = "logs-fz-00001";
    static final String B = "logs-fz-00002";
    static final String A_SERVICE = "ldp-fz-00001";
    static final String B_SERVICE = "ldp-fz-00002";
    static final String A_MARK = "AFUZZMARK";
    static final String B_MARK = "BFUZZMARK";
    /** Read by both services (A through its read patterns); carries an alias of B's. */
    static final String SHARED = "shared-fz-logs";
    /** Every index or alias name of B's, which no answer to A may show unless A's request named it. */
    static final List<String> B_NAMES = List.of(B + "-i-app", B + "-i-private", B + "-a-all", B + "-a-onshared");
    /** Documents of B, counted before and after an attack. */
    static final int B_DOCUMENTS = 3;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static boolean ready;
    static String tokenA;
    static String tokenB;
    static String bRawScroll;
    static String bRawPit;
    static String bSealedScroll;
    static String bSealedPit;
    static String aSealedScroll;
    static String aSealedPit;

    private TwoTenants() {
    }

    static synchronized void setUp(int searchPort) {
        if (ready) {
            return;
        }
        OpenSearchServer os = OpenSearchServer.get();
        os.index(A + "-i-app", "a1", "{\"message\":\"" + A_MARK + " app one\",\"level\":\"INFO\",\"@timestamp\":\"2026-12-01T00:00:00Z\"}");
        os.index(A + "-i-app", "a2", "{\"message\":\"" + A_MARK + " app two\",\"level\":\"ERROR\",\"@timestamp\":\"2026-12-01T00:00:01Z\"}");
        os.index(A + "-i-web", "a3", "{\"message\":\"" + A_MARK + " web\",\"level\":\"INFO\",\"@timestamp\":\"2026-12-01T00:00:02Z\"}");
        os.index(B + "-i-app", "b1", "{\"message\":\"" + B_MARK + " app one\",\"level\":\"INFO\",\"@timestamp\":\"2026-12-01T00:00:00Z\"}");
        os.index(B + "-i-app", "b2", "{\"message\":\"" + B_MARK + " app two\",\"level\":\"WARN\",\"@timestamp\":\"2026-12-01T00:00:01Z\"}");
        os.index(B + "-i-private", "p1", "{\"message\":\"" + B_MARK + " private\",\"level\":\"INFO\",\"@timestamp\":\"2026-12-01T00:00:00Z\"}");
        os.index(SHARED, "s1", "{\"message\":\"shared\",\"level\":\"INFO\",\"@timestamp\":\"2026-12-01T00:00:00Z\"}");
        os.request("POST", "/_aliases", "{\"actions\":["
                + "{\"add\":{\"index\":\"" + A + "-i-*\",\"alias\":\"" + A + "-a-all\"}},"
                + "{\"add\":{\"index\":\"" + B + "-i-app\",\"alias\":\"" + B + "-a-all\"}},"
                + "{\"add\":{\"index\":\"" + B + "-i-private\",\"alias\":\"" + A + "-a-evil\"}},"
                + "{\"add\":{\"index\":\"" + B + "-i-app\",\"alias\":\"" + A + "-i-evil\"}},"
                + "{\"add\":{\"index\":\"" + SHARED + "\",\"alias\":\"" + B + "-a-onshared\"}}]}");
        Gateway.catalogCaughtUp();

        bRawScroll = field(os.request("POST", "/" + B + "-i-private/_search?scroll=30m&size=1", "{}").body(), "_scroll_id");
        bRawPit = field(os.request("POST", "/" + B + "-i-private/_search/point_in_time?keep_alive=30m", null).body(), "pit_id");

        Gateway.provision(A_SERVICE, A, SecretsInLogs.remember("Fuzz-Tenant-A-Pass-1"), Map.of("elasticsearch",
                Map.of("readPatterns", List.of(A + "-a-*", A + "-i-*", SHARED), "writePatterns", List.of(A + "-i-*"))));
        Gateway.provision(B_SERVICE, B, SecretsInLogs.remember("Fuzz-Tenant-B-Pass-1"), Map.of());
        tokenA = Gateway.createToken(A_SERVICE, "fuzz")[1];
        tokenB = Gateway.createToken(B_SERVICE, "fuzz")[1];

        try (RawHttpConnection gateway = new RawHttpConnection(searchPort)) {
            bSealedScroll = field(post(gateway, tokenB, "/" + B + "-i-private/_search?scroll=30m&size=1", "{}"), "_scroll_id");
            bSealedPit = field(post(gateway, tokenB, "/" + B + "-i-private/_search/point_in_time?keep_alive=30m", null), "pit_id");
            aSealedScroll = field(post(gateway, tokenA, "/" + A + "-i-app/_search?scroll=30m&size=1", "{}"), "_scroll_id");
            aSealedPit = field(post(gateway, tokenA, "/" + A + "-i-app/_search/point_in_time?keep_alive=30m", null), "pit_id");
        }
        ready = true;
    }

    /** B's documents as OpenSearch holds them, counted directly (not through the gateway). */
    static int bDocuments() {
        String count = OpenSearchServer.get().get("/" + B + "-i-app," + B + "-i-private/_count?q=message:" + B_MARK);
        return Integer.parseInt(field(count, "count"));
    }

    /** Whether B's sealed scroll and point in time still work for B through the gateway. */
    static boolean bContextsAlive(int searchPort) {
        try (RawHttpConnection gateway = new RawHttpConnection(searchPort)) {
            String scroll = post(gateway, tokenB, "/_search/scroll", "{\"scroll\":\"30m\",\"scroll_id\":\"" + bSealedScroll + "\"}");
            String pit = post(gateway, tokenB, "/_search", "{\"pit\":{\"id\":\"" + bSealedPit + "\",\"keep_alive\":\"30m\"}}");
            return scroll.contains("\"_scroll_id\"") && pit.contains(B_MARK);
        }
    }

    static String post(RawHttpConnection gateway, String token, String target, String json) {
        RawHttpConnection.Response response = gateway.exchange("POST", target, json == null
                ? Map.of("Authorization", basic(token, "token"))
                : Map.of("Authorization", basic(token, "token"), "Content-Type", "application/json"),
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
        if (response.status() / 100 != 2) {
            throw new IllegalStateException(target + " -> " + response.status() + ": " + response.body());
        }
        return response.body();
    }

    static String field(String json, String name) {
        try {
            JsonNode value = JSON.readTree(json).get(name);
            if (value == null) {
                throw new IllegalStateException("no [" + name + "] in " + json);
            }
            return value.asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
