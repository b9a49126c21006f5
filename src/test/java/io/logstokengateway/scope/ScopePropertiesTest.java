package io.logstokengateway.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.logstokengateway.scope.BodyRule.BodyVerdict;
import io.logstokengateway.scope.IndexExpression.Exclusion;
import io.logstokengateway.scope.IndexExpression.Item;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scoping invariant, on generated clusters, expressions and requests: whenever the gateway forwards, every
 * concrete index the forwarded request reaches on that cluster (its indices, aliases pointing anywhere, several
 * tenants' names) is within the service's read patterns (for reads) or write patterns (for writes). What a forwarded
 * expression reaches is computed by brute force over the generated cluster, not by the resolution under test. Each
 * run is reproducible from its seed.
 */
class ScopePropertiesTest {

    private static final ServiceScope A = ScopeRulesTest.A;
    private static final int TRIES = 3000;

    /** The cluster of the current try, and the decision on it. */
    private IndexCatalog cluster;

    private Decision decide(Random random, String method, String path, String query) {
        cluster = ScopeGenerators.catalog(random);
        ScopeContext context = new ScopeContext(ScopeFixtures.SERVICE, A, cluster, true, ScopeFixtures.CONTEXTS, ScopeLimits.DEFAULTS);
        return ScopeRules.decide(method, path, query, context).decision();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15})
    void forwardedReadsMatchOnlyReadableIndices(long seed) {
        Random random = new Random(seed);
        int forwarded = 0;
        for (int i = 0; i < TRIES; i++) {
            String expression = ScopeGenerators.expression(random);
            String path = "/" + ScopeGenerators.encode(random, expression) + "/" + pick(random, "_search", "_count",
                    "_mapping", "_field_caps", "_stats", "_msearch", "_async_search");
            String method = path.endsWith("_mapping") || path.endsWith("_stats") ? "GET" : "POST";
            Optional<String> target = forwardedPath(decide(random, method, path, null));
            if (target.isPresent()) {
                forwarded++;
                assertWithin(firstSegment(target.get()), A.readPatterns(), seed, path);
            }
        }
        assertTrue(forwarded > TRIES / 5, "the generator should produce forwarded reads, got " + forwarded);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {21, 22, 23})
    void listingsAndHealthAreNarrowedToReadableIndices(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < TRIES; i++) {
            String expression = ScopeGenerators.encode(random, ScopeGenerators.expression(random));
            String prefix = pick(random, "/_cat/indices/", "/_cat/count/", "/_cat/shards/", "/_resolve/index/",
                    "/_cluster/health/");
            Optional<String> target = forwardedPath(decide(random, "GET", prefix + expression, null));
            // an empty expression leaves a trailing slash, which Elasticsearch drops: the index-less form
            if (target.isPresent() && target.get().length() > prefix.length()) {
                String segment = target.get().substring(prefix.length());
                assertWithin(segment, A.readPatterns(), seed, prefix + expression);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {31, 32, 33})
    void forwardedWritesTouchOnlyWritableIndices(long seed) {
        Random random = new Random(seed);
        int forwarded = 0;
        for (int i = 0; i < TRIES; i++) {
            String expression = ScopeGenerators.encode(random, ScopeGenerators.expression(random));
            String[] request = pick(random,
                    new String[] {"PUT", "/" + expression + "/_doc/1"},
                    new String[] {"POST", "/" + expression + "/_doc"},
                    new String[] {"POST", "/" + expression + "/_update/1"},
                    new String[] {"DELETE", "/" + expression},
                    new String[] {"PUT", "/" + expression},
                    new String[] {"POST", "/" + expression + "/_refresh"},
                    new String[] {"PUT", "/" + expression + "/_mapping"},
                    new String[] {"POST", "/" + expression + "/_delete_by_query"},
                    new String[] {"POST", "/" + expression + "/_bulk"});
            Optional<String> target = forwardedPath(decide(random, request[0], request[1], null));
            if (target.isPresent()) {
                forwarded++;
                assertWithin(firstSegment(target.get()), A.writePatterns(), seed, request[0] + " " + request[1]);
            }
        }
        assertTrue(forwarded > TRIES / 20, "the generator should produce forwarded writes, got " + forwarded);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {41, 42, 43})
    void multiSearchHeadersAlwaysEndUpWithinTheReadPatterns(long seed) {
        Random random = new Random(seed);
        int accepted = 0;
        for (int i = 0; i < TRIES; i++) {
            String header = switch (random.nextInt(4)) {
                case 0 -> "{}";
                case 1 -> "{\"index\":" + quote(ScopeGenerators.expression(random)) + "}";
                case 2 -> "{\"index\":[" + quote(ScopeGenerators.item(random)) + "," + quote(ScopeGenerators.item(random)) + "]}";
                default -> "{\"indices\":" + quote(ScopeGenerators.expression(random)) + "}";
            };
            String path = random.nextBoolean() ? "/_msearch" : "/" + ScopeGenerators.encode(random, "logs-*") + "/_msearch";
            Decision decision = decide(random, "POST", path, null);
            BodyVerdict verdict = WholeBody.check(assertInstanceOf(Decision.ForwardCheckedLines.class, decision).rule(),
                    (header + "\n{}\n").getBytes(StandardCharsets.UTF_8));
            if (verdict instanceof BodyVerdict.Accept accept) {
                accepted++;
                String rewritten = new String(accept.body(), StandardCharsets.UTF_8).split("\n")[0];
                JsonNode indices = JsonBodies.object(rewritten).get("index");
                assertTrue(indices.isArray() && !indices.isEmpty(), rewritten);
                List<String> items = new ArrayList<>();
                indices.forEach(node -> items.add(node.asText()));
                assertWithin(PercentEncoding.encodeIndexList(items), A.readPatterns(), seed, header);
            }
        }
        assertTrue(accepted > TRIES / 10, "the generator should produce accepted headers, got " + accepted);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {51, 52, 53})
    void bulkActionsAcceptedWriteOnlyWithinTheWritePatterns(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < TRIES; i++) {
            LineRule rule = ((Decision.ForwardCheckedLines) decide(random, "POST", "/_bulk", null)).rule(); // one per body
            String index = ScopeGenerators.item(random);
            String body = "{\"" + pick(random, "index", "create", "delete") + "\":{\"_index\":" + quote(index) + "}}\n{}\n";
            BodyVerdict verdict = WholeBody.check(rule, body.getBytes(StandardCharsets.UTF_8));
            if (verdict instanceof BodyVerdict.Accept) {
                assertWithin(PercentEncoding.encodeIndexList(List.of(index)), A.writePatterns(), seed, body);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {61, 62, 63})
    void parsedExpressionsRoundTripAndRefusalsAreTheOnlyFailure(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            String text = random.nextBoolean() ? ScopeGenerators.expression(random) : ScopeGenerators.junk(random);
            IndexExpression expression;
            try {
                expression = IndexExpression.parse(text);
            } catch (ScopeRefusal refused) {
                continue;
            }
            assertEquals(text, String.join(",", expression.items().stream().map(Item::text).toList()));
            for (Item item : expression.items()) {
                Item positive = item instanceof Exclusion exclusion ? exclusion.target() : item;
                String glob = positive instanceof IndexExpression.DateMath dateMath ? dateMath.glob() : positive.text();
                assertFalse(glob.matches(".*[,:/\\\\?\"<>| #{}].*"), () -> "seed " + seed + ": " + text);
                assertEquals(positive instanceof IndexExpression.Wildcard, !(positive instanceof IndexExpression.DateMath)
                        && !(positive instanceof IndexExpression.All) && glob.contains("*"), text);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {71, 72, 73})
    void anyRequestGetsADecisionAndForwardsOnlyScopedIndexSegments(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            String method = pick(random, "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "get");
            String path = ScopeGenerators.path(random);
            String query = random.nextInt(3) == 0 ? null : ScopeGenerators.query(random);
            Decision decision;
            try {
                decision = decide(random, method, path, query);
            } catch (RuntimeException e) {
                throw new AssertionError("seed " + seed + ": " + method + " " + path + "?" + query, e);
            }
            Optional<String> target = forwardedPath(decision);
            String segment = target.map(ScopePropertiesTest::firstSegment).orElse("");
            if (!segment.isEmpty() && !segment.startsWith("_")) {
                assertWithin(segment, A.readPatterns(), seed, method + " " + path);
            }
            if (decision instanceof Decision.ForwardCheckedBody checked) {
                BodyVerdict verdict = checked.rule().check(ScopeGenerators.body(random).getBytes(StandardCharsets.UTF_8));
                assertTrue(verdict != null);
            }
            if (decision instanceof Decision.ForwardCheckedLines lines) {
                LineRule.LineVerdict verdict = lines.rule().check(ScopeGenerators.body(random).getBytes(StandardCharsets.UTF_8), true);
                assertTrue(verdict != null);
            }
        }
    }

    /** The brute-force check: every concrete index the forwarded segment reaches on the cluster is within the patterns. */
    private void assertWithin(String encodedSegment, List<String> patterns, long seed, String request) {
        IndexExpression forwarded = IndexExpression.fromPathSegment(encodedSegment);
        for (String index : ScopeGenerators.reachable(forwarded, cluster)) {
            if (!ScopeGenerators.withinPatterns(index, patterns)) {
                fail("seed " + seed + ": " + request + " forwarded [" + forwarded.text() + "], which reaches [" + index
                        + "] on " + cluster.entries().values());
            }
        }
    }

    private static Optional<String> forwardedPath(Decision decision) {
        if (decision instanceof Decision.Forward forward) {
            return Optional.of(forward.pathAndQuery());
        }
        if (decision instanceof Decision.ForwardCheckedBody checked) {
            return Optional.of(checked.pathAndQuery());
        }
        return Optional.empty();
    }

    private static String firstSegment(String pathAndQuery) {
        String path = pathAndQuery.split("\\?", 2)[0];
        int slash = path.indexOf('/', 1);
        return slash < 0 ? path.substring(1) : path.substring(1, slash);
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @SafeVarargs
    static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
