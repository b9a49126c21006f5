package io.logstokengateway.e2e;

import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.GraylogEmulator;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.logstokengateway.testsupport.OpenSearchServer;
import io.logstokengateway.testsupport.RawHttpConnection;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.regex.Pattern;

import static io.logstokengateway.e2e.Http.basic;
import static io.logstokengateway.e2e.TwoTenants.A;
import static io.logstokengateway.e2e.TwoTenants.B_MARK;
import static io.logstokengateway.e2e.TwoTenants.B_NAMES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A differential fuzzer against the real OpenSearch: tenant A sends generated and mutated requests
 * ({@link IsolationGrammar}) while tenant B's data, private index, aliases pointing from A's namespace into B's, and
 * open scrolls and points in time sit next door ({@link TwoTenants}). No answer to A may carry B's marker, nor the
 * name of an index or alias of B that A's request did not name; afterwards B's documents and search contexts are
 * untouched, and A holds no index beyond the shard limit. Then the Graylog listener gets generated spellings of the
 * session and token paths, none of which may reach Graylog.
 *
 * <p>{@code -Disolation.fuzz.requests=N} (20,000 by default) and {@code -Disolation.fuzz.seed=S} run longer or other
 * campaigns; a failure prints the seed of each request that failed, which reproduces it alone.
 */
@QuarkusTest
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
class IsolationFuzzTest {

    private static final int REQUESTS = Integer.getInteger("isolation.fuzz.requests", 20_000);
    private static final long SEED = Long.getLong("isolation.fuzz.seed", 20261202L);
    private static final int THREADS = 4;
    private static final Pattern SESSION_OR_TOKEN_PATH = Pattern.compile("/api/(system/sessions|users/[^/]+/tokens)(/.*)?");

    @Inject
    ProxyListeners listeners;

    @BeforeEach
    void tenants() {
        TwoTenants.setUp(listeners.searchPort());
    }

    @AfterAll
    static void noSecretInTheLog() throws Exception {
        SecretsInLogs.assertNoneIn(SecretsInLogs.TEST_LOG);
        // the run opened scrolls and points in time of its own: leave none for the tests after it
        OpenSearchServer.get().request("DELETE", "/_search/scroll/_all", null);
        OpenSearchServer.get().request("DELETE", "/_search/point_in_time/_all", null);
    }

    @Test
    void noAnswerToATenantCarriesAnotherTenantsDataOrNames() throws Exception {
        IsolationGrammar grammar = new IsolationGrammar(IsolationGrammar.ids(TwoTenants.aSealedScroll, TwoTenants.aSealedPit,
                TwoTenants.bSealedScroll, TwoTenants.bSealedPit, TwoTenants.bRawScroll, TwoTenants.bRawPit));
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<String> serverErrors = Collections.synchronizedList(new ArrayList<>());
        AtomicIntegerArray statuses = new AtomicIntegerArray(6);
        Map<String, java.util.concurrent.atomic.AtomicInteger> families = new java.util.concurrent.ConcurrentSkipListMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> runs = new ArrayList<>();
        for (int thread = 0; thread < THREADS; thread++) {
            int first = thread;
            runs.add(threads.submit(() -> {
                try (RawHttpConnection gateway = new RawHttpConnection(listeners.searchPort())) {
                    for (int i = first; i < REQUESTS; i += THREADS) {
                        long seed = SEED * 1_000_003L + i;
                        IsolationGrammar.Form form = grammar.form(seed);
                        families.computeIfAbsent(form.family(), family -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
                        RawHttpConnection.Response response = send(gateway, form);
                        statuses.incrementAndGet(Math.min(5, response.status() / 100));
                        String problem = leak(form, response);
                        if (response.status() >= 500 && serverErrors.size() < 5) {
                            serverErrors.add("seed " + seed + ": " + form + " -> " + response.status() + " " + abbreviate(response.body()));
                        }
                        if (problem != null && failures.size() < 50) {
                            failures.add("seed " + seed + ": " + form + " -> " + response.status() + ": " + problem
                                    + " | " + abbreviate(response.body()));
                        }
                    }
                }
            }));
        }
        for (Future<?> run : runs) {
            run.get(20, TimeUnit.MINUTES);
        }
        threads.shutdown();
        System.out.printf("ISOLATION FUZZ %d requests (seed %d): %d 2xx, %d 4xx, %d 5xx; %d leaks%n", REQUESTS, SEED,
                statuses.get(2), statuses.get(4), statuses.get(5), failures.size());
        families.forEach((family, count) -> System.out.printf("  %-34s %6d requests%n", family, count.get()));
        serverErrors.forEach(error -> System.out.println("  5xx " + error));
        if (!failures.isEmpty()) {
            fail(failures.size() + " answers leaked:\n" + String.join("\n", failures));
        }
        assertTrue(statuses.get(2) > REQUESTS / 20, "the grammar should produce answered requests, got " + statuses.get(2));
        assertTrue(statuses.get(4) > REQUESTS / 20, "the grammar should produce refused requests, got " + statuses.get(4));

        assertEquals(TwoTenants.B_DOCUMENTS, TwoTenants.bDocuments(), "B's documents were changed");
        String bTotal = OpenSearchServer.get().get("/" + TwoTenants.B + "-i-app," + TwoTenants.B + "-i-private/_count");
        assertTrue(bTotal.contains("\"count\":" + TwoTenants.B_DOCUMENTS + ","), "documents were written into B's indices: " + bTotal);
        assertTrue(TwoTenants.bContextsAlive(listeners.searchPort()), "B's scroll or point in time was closed by A");
        String shards = OpenSearchServer.get().get("/_cat/indices/" + A + "-*?h=index,pri,rep&format=json&expand_wildcards=all");
        for (String count : shards.split("\"pri\":\"")) {
            if (Character.isDigit(count.charAt(0))) {
                assertTrue(Integer.parseInt(count.substring(0, count.indexOf('"'))) <= 5, "an index of A has too many shards: " + shards);
            }
        }
    }

    /** The Graylog listener: no spelling of the session or token paths reaches Graylog, nor any path with a ';'. */
    @Test
    void noSpellingOfGraylogSessionOrTokenPathsReachesGraylog() {
        GraylogEmulator graylog = GraylogResource.emulator();
        graylog.clearRequests();
        Random random = new Random(SEED);
        String[] bases = {"/api/system/sessions", "/api/users/" + A + "/tokens", "/api/users/" + A + "/tokens/gateway-made"};
        String[] insertions = {";", ";x=1", "%3B", "%3b", ";/", "/.;", "/..;/", "%2F", "/.", "//", "%2e", "%2E%2E/"};
        int sent = 0;
        long started = System.nanoTime();
        try (RawHttpConnection gateway = new RawHttpConnection(listeners.graylogPort())) {
            for (int i = 0; i < 2_000; i++) {
                String path = bases[random.nextInt(bases.length)];
                int at = 1 + random.nextInt(path.length() - 1);
                String mutated = path.substring(0, at) + insertions[random.nextInt(insertions.length)] + path.substring(at);
                if (random.nextBoolean()) {
                    mutated = mutated.replace("sessions", "session%73").replace("tokens", "token%73");
                }
                for (String method : List.of("GET", "POST", "DELETE")) {
                    gateway.exchange(method, mutated, Map.of("Authorization", basic(TwoTenants.tokenA, "token"),
                            "X-Requested-By", "cli", "Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8));
                    sent++;
                }
            }
        }
        for (GraylogEmulator.Recorded seen : graylog.requests()) {
            // what Graylog's resources match: sessions, and users/{one segment}/tokens[/...]
            String path = seen.rawPath().toLowerCase(Locale.ROOT);
            assertTrue(!path.contains(";") && !SESSION_OR_TOKEN_PATH.matcher(path).matches(),
                    "Graylog received " + seen.method() + " " + seen.rawPathAndQuery());
        }
        System.out.printf("GRAYLOG FUZZ %d requests in %d ms, %d reached Graylog, none a session or token path%n", sent,
                (System.nanoTime() - started) / 1_000_000, graylog.requests().size());
    }

    private static RawHttpConnection.Response send(RawHttpConnection gateway, IsolationGrammar.Form form) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", basic(TwoTenants.tokenA, "token"));
        if (form.contentType() != null) {
            headers.put("Content-Type", form.contentType());
        }
        byte[] body = form.body() == null ? null : form.body().getBytes(StandardCharsets.UTF_8);
        return gateway.exchange(form.method(), form.target(), headers, body);
    }

    /** What leaked in this answer, or null: B's marker anywhere, or a name of B's that the request did not name. */
    private static String leak(IsolationGrammar.Form form, RawHttpConnection.Response response) {
        String answer = response.headers() + response.body();
        if (answer.contains(B_MARK)) {
            return "B's document";
        }
        String asked = decode(form.target()) + (form.body() == null ? "" : form.body());
        for (String name : B_NAMES) {
            if (answer.contains(name) && !asked.contains(name)) {
                return "B's name " + name;
            }
        }
        return null;
    }

    /** The target percent-decoded once, as the upstream reads it ({@code +} as itself: the path's reading). */
    private static String decode(String target) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '%' && i + 2 < target.length() && Character.digit(target.charAt(i + 1), 16) >= 0
                    && Character.digit(target.charAt(i + 2), 16) >= 0) {
                out.write(Integer.parseInt(target.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }
}
