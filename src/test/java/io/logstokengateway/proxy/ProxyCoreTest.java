package io.logstokengateway.proxy;

import io.logstokengateway.audit.AuditLog;
import io.logstokengateway.auth.Caller;
import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.error.GatewayError;
import io.logstokengateway.identity.UpstreamIdentity;
import io.logstokengateway.limits.BodyBudget;
import io.logstokengateway.limits.BoundedWorkers;
import io.logstokengateway.limits.CallerConcurrency;
import io.logstokengateway.limits.LimitRefusals;
import io.logstokengateway.scope.Decision;
import io.logstokengateway.scope.ResponseRule;
import io.logstokengateway.testsupport.GatewayConfigs;
import io.logstokengateway.testsupport.RawHttpConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proxy core on its own, without Quarkus: a listener built from its {@link ListenerSpec} on a plain Vert.x, a fake
 * authentication, a route policy the test drives, and an upstream that records what reaches it. Each exchange is
 * followed to its access log line, so every test sees how the state machine ended it, in milliseconds.
 */
class ProxyCoreTest {

    private static final Caller CALLER = new Caller("ldp-core-00001", "logs-core-00001", "token-1", null, null, null);
    private static final String CLIENT_AUTHORIZATION = "Basic Y2xpZW50LXNlY3JldDp0b2tlbg==";
    private static final String SEARCH = "GET /logs-core-00001-i-a/_search HTTP/1.1\r\nHost: gw\r\nAuthorization: "
            + CLIENT_AUTHORIZATION + "\r\n\r\n";

    private Vertx vertx;
    private HttpServer upstreamServer;
    private HttpServer gateway;
    private final List<HttpServerRequest> reachedUpstream = new CopyOnWriteArrayList<>();
    private volatile Consumer<HttpServerRequest> upstreamAnswer = request -> request.response().end("{\"hits\":1}");
    private volatile CallerAuthentication authentication = (header, listener, client) -> CLIENT_AUTHORIZATION.equals(header)
            ? Future.succeededFuture(CALLER)
            : Future.failedFuture(new GatewayError(GatewayError.Kind.UNAUTHENTICATED, "no"));
    private volatile Function<HttpServerRequest, Future<Decision>> routing =
            request -> Future.succeededFuture(new Decision.Forward(request.uri(), ResponseRule.RELAY));
    private final List<JsonObject> accessLog = new CopyOnWriteArrayList<>();
    /** Off: the guard never admits a connection, as when it refused one whose close has not yet taken effect. */
    private volatile boolean guardSeesConnections = true;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        upstreamServer = vertx.createHttpServer().requestHandler(request -> {
            reachedUpstream.add(request);
            upstreamAnswer.accept(request);
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** The search listener's proxy core in front of the recording upstream, with {@code properties} set. */
    private void startGateway(Map<String, String> properties) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of(
                "gateway.elasticsearch.upstream", "http://127.0.0.1:" + upstreamServer.actualPort(),
                "gateway.elasticsearch.identity", "gateway-credentials",
                "gateway.elasticsearch.credentials.username", "gateway",
                "gateway.elasticsearch.credentials.password", "gateway-upstream-password",
                "gateway.elasticsearch.identity-headers.user", "x-proxy-user",
                "gateway.graylog.upstream", "http://127.0.0.1:1"));
        settings.putAll(properties);
        GatewayConfig config = GatewayConfigs.of(settings);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AuditLog audit = new AuditLog(config, meters);
        LimitRefusals limitRefusals = new LimitRefusals(meters, audit);
        GatewayConfig.Limits limits = config.limits();
        ProxyServices services = new ProxyServices((header, listener, client) -> authentication.authenticate(header, listener, client),
                new ProxyMetrics(meters), new AccessLog(100, meters, line -> accessLog.add(new JsonObject(line))), audit, vertx,
                limitRefusals, new BodyBudget(config, meters), new CallerConcurrency(config),
                new BoundedWorkers(vertx, "test-body-checks", 1, 4, "body-check-queue", 503), limits);
        ConnectionGuard guard = new ConnectionGuard(vertx, "elasticsearch", limitRefusals, null, limits.connections(),
                limits.connectionsPerAddress(), limits.headerTimeout().toMillis(), limits.idleTimeout().toMillis());
        ListenerSpec spec = new ListenerSpec("elasticsearch", ErrorDialect.ELASTICSEARCH, new TestPolicy(),
                UpstreamIdentity.forElasticsearch(config.elasticsearch()), new UpstreamClient(vertx, config.elasticsearch()),
                1024 * 1024, guard);
        gateway = vertx.createHttpServer().connectionHandler(connection -> {
                    if (guardSeesConnections) {
                        guard.accepted(connection);
                    }
                }).requestHandler(new ProxyHandler(spec, services))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aCallerIsForwardedUnderTheGatewaysIdentityAndTheAnswerRelayed() throws Exception {
        startGateway(Map.of());
        RawHttpConnection.Response answer = search();
        assertEquals(200, answer.status());
        assertEquals("{\"hits\":1}", answer.body());
        assertEquals(1, reachedUpstream.size());
        String forwardedAuthorization = reachedUpstream.get(0).getHeader("Authorization");
        assertNotEquals(CLIENT_AUTHORIZATION, forwardedAuthorization);
        assertEquals("logs-core-00001", reachedUpstream.get(0).getHeader("x-proxy-user"));
        assertLogged(200, "forwarded");
    }

    @Test
    void theAccessLogLineIsJsonWhateverThePathHolds() throws Exception {
        startGateway(Map.of());
        String path = "/logs-core-00001-i-a/_search\"},\"outcome\":\"forged\\";
        RawHttpConnection.Response answer = RawHttpConnection.once(null, gateway.actualPort(), "GET " + path
                + " HTTP/1.1\r\nHost: gw\r\nAuthorization: " + CLIENT_AUTHORIZATION, null);
        assertEquals(200, answer.status());
        JsonObject line = awaitLogged();
        assertEquals(path, line.getString("path"));
        assertEquals("forwarded", line.getString("outcome"));
        assertEquals("127.0.0.1", line.getString("client"));
        assertEquals(CALLER.tokenId(), line.getString("tokenId"));
        assertEquals(CALLER.serviceName(), line.getString("service"));
    }

    @Test
    void aRequestOnAConnectionTheGuardDidNotAdmitIsNeverServed() throws Exception {
        // A connection refused when accepted (over a limit, from an untrusted balancer) is closing, but a request that
        // came in its first read can still be dispatched: it must not be served
        startGateway(Map.of());
        guardSeesConnections = false;
        try (Socket client = new Socket("127.0.0.1", gateway.actualPort())) {
            client.setSoTimeout(5000);
            client.getOutputStream().write(SEARCH.getBytes(StandardCharsets.US_ASCII));
            assertEquals(0, client.getInputStream().readAllBytes().length, "closed without an answer");
        }
        assertTrue(reachedUpstream.isEmpty());
        assertTrue(accessLog.isEmpty(), accessLog.toString());
    }

    @Test
    void wrongCredentialsAreRefusedWithoutReachingTheUpstream() throws Exception {
        startGateway(Map.of());
        RawHttpConnection.Response answer = RawHttpConnection.get(null, gateway.actualPort(), "/_search",
                "Authorization: Basic d3Jvbmc6dG9rZW4=");
        assertEquals(401, answer.status());
        assertEquals("security_exception", new JsonObject(answer.body()).getJsonObject("error").getString("type"));
        assertTrue(reachedUpstream.isEmpty());
        assertLogged(401, "unauthenticated");
    }

    @Test
    void aClientThatLeavesWhileAuthenticatedNeitherReachesTheUpstreamNorKeepsItsPlace() throws Exception {
        startGateway(Map.of("gateway.limits.requests-per-caller", "1"));
        Promise<Caller> slowCheck = Promise.promise();
        authentication = (header, listener, client) -> slowCheck.future();
        sendAndLeave();
        assertLogged(499, "client-aborted");
        vertx.runOnContext(v -> slowCheck.complete(CALLER)); // the password check finishes after the client has gone
        authentication = (header, listener, client) -> Future.succeededFuture(CALLER);
        RawHttpConnection.Response next = search();
        assertEquals(200, next.status(), "the caller's one request under way was counted out: " + next.body());
        assertEquals(1, reachedUpstream.size(), "only the second request was forwarded");
    }

    @Test
    void aClientThatLeavesWhileItsRequestIsDecidedOpensNoUpstreamRequest() throws Exception {
        startGateway(Map.of());
        Promise<Decision> slowDecision = Promise.promise();
        routing = request -> slowDecision.future();
        sendAndLeave();
        assertLogged(499, "client-aborted");
        vertx.runOnContext(v -> slowDecision.complete(new Decision.Forward("/logs-core-00001-i-a/_search", ResponseRule.RELAY)));
        Thread.sleep(200);
        assertTrue(reachedUpstream.isEmpty(), "a decision taken for a client that left is not carried out");
    }

    @Test
    void anUpstreamThatBreaksMidAnswerCutsTheClientsConnection() throws Exception {
        startGateway(Map.of());
        upstreamAnswer = request -> {
            request.response().setChunked(true).write("{\"hits\":[");
            vertx.setTimer(50, id -> request.connection().close());
        };
        try (Socket client = new Socket("127.0.0.1", gateway.actualPort())) {
            client.setSoTimeout(5000);
            client.getOutputStream().write(SEARCH.getBytes(StandardCharsets.US_ASCII));
            String received = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(received.startsWith("HTTP/1.1 200"), received);
            assertTrue(received.contains("{\"hits\":["), received);
            assertTrue(!received.endsWith("0\r\n\r\n"), "a cut answer never ends like a complete one: " + received);
        }
        assertLogged(200, "upstream-failed");
    }

    @Test
    void anUnreachableUpstreamIsA502InTheClientsDialect() throws Exception {
        int deadPort = upstreamServer.actualPort();
        upstreamServer.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        startGateway(Map.of("gateway.elasticsearch.upstream", "http://127.0.0.1:" + deadPort));
        RawHttpConnection.Response answer = search();
        assertEquals(502, answer.status());
        assertEquals("upstream_unavailable", new JsonObject(answer.body()).getJsonObject("error").getString("type"));
        assertLogged(502, "upstream-failed");
    }

    @Test
    void aDeniedRequestCarriesItsOwnOutcomeAndItsBodyIsDiscardedOnAKeptConnection() throws Exception {
        startGateway(Map.of());
        routing = request -> Future.succeededFuture(new Decision.Deny(403, "no access to [other-tenant]"));
        try (RawHttpConnection client = new RawHttpConnection(gateway.actualPort())) {
            RawHttpConnection.Response denied = client.send("POST /other-tenant/_doc HTTP/1.1\r\nHost: gw\r\nAuthorization: "
                    + CLIENT_AUTHORIZATION + "\r\nContent-Type: application/json\r\nContent-Length: 9", "{\"a\":\"b\"}".getBytes());
            assertEquals(403, denied.status());
            assertTrue(denied.body().contains("no access to [other-tenant]"), denied.body());
            Socket first = client.socket();
            routing = request -> Future.succeededFuture(new Decision.Forward(request.uri(), ResponseRule.RELAY));
            assertEquals(200, client.send(SEARCH.strip(), null).status());
            assertTrue(first == client.socket(), "the same connection serves the next request");
        }
        assertEquals("refused", accessLogWithin().get(0).getString("outcome"));
        assertTrue(reachedUpstream.stream().noneMatch(request -> request.path().startsWith("/other-tenant")));
    }

    private RawHttpConnection.Response search() {
        return RawHttpConnection.once(null, gateway.actualPort(), SEARCH.strip(), null);
    }

    /** Sends a search and closes the connection while the gateway is still at it (nothing is logged before it ends). */
    private void sendAndLeave() throws Exception {
        try (Socket leaving = new Socket("127.0.0.1", gateway.actualPort())) {
            leaving.getOutputStream().write(SEARCH.getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(100);
            assertTrue(accessLog.isEmpty(), "the exchange is under way");
        }
    }

    private void assertLogged(int status, String outcome) throws Exception {
        JsonObject line = awaitLogged();
        assertEquals(status, line.getInteger("status"), line.encode());
        assertEquals(outcome, line.getString("outcome"), line.encode());
        assertEquals("elasticsearch", line.getString("listener"));
        assertTrue(!line.encode().contains("Y2xpZW50LXNlY3JldDp0b2tlbg"), "no credentials in the access log");
    }

    /** The first access log line, once written (the log writes on its own thread). */
    private JsonObject awaitLogged() throws Exception {
        return accessLogWithin().get(0);
    }

    private List<JsonObject> accessLogWithin() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (accessLog.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (accessLog.isEmpty()) {
            throw new AssertionError("no exchange ended");
        }
        return accessLog;
    }

    /** Routes as the test says, everything else as a listener with no policy of its own. */
    private final class TestPolicy implements RoutePolicy {
        @Override
        public Refusal beforeAuthentication(HttpServerRequest request) {
            return null;
        }

        @Override
        public Future<Decision> route(HttpServerRequest request, Caller caller, long arrivedNanos) {
            return routing.apply(request);
        }

        @Override
        public Future<Decision> routeAgain(HttpServerRequest request, Caller caller, long arrivedNanos) {
            return routing.apply(request);
        }
    }

}
