package io.logstokengateway.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.crypto.SearchContextSeal;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.scope.BodyRule;
import io.logstokengateway.scope.Decision;
import io.logstokengateway.scope.IndexCatalog;
import io.logstokengateway.scope.ScopeContext;
import io.logstokengateway.scope.ScopeLimits;
import io.logstokengateway.scope.ScopeRules;
import io.logstokengateway.scope.SearchContexts;
import io.logstokengateway.scope.ServiceScope;
import io.logstokengateway.scope.WholeBody;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.OpenSearchServer;
import io.logstokengateway.testsupport.RawHttpConnection;
import io.logstokengateway.testsupport.RecordingUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.logstokengateway.e2e.Http.basic;
import static io.logstokengateway.e2e.TwoTenants.A;
import static io.logstokengateway.e2e.TwoTenants.SHARED;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The invariant behind "forward exactly what was decided": for every request the gateway lets through, what the
 * upstream receives (method, path, query, body) is exactly what the scoping rules decided for it, byte for byte,
 * and for every request the rules refuse or answer, the upstream receives nothing. The upstream is the real
 * OpenSearch seen through a recorder; the requests are the isolation grammar's, as tenant A, minus those that change
 * the cluster's indices (so that the decisions computed here see the cluster the gateway sees).
 */
@QuarkusTest
@TestProfile(ForwardedAsDecidedTest.Recorded.class)
class ForwardedAsDecidedTest {

    private static final int REQUESTS = Integer.getInteger("isolation.invariant.requests", 3_000);
    private static final long SEED = Long.getLong("isolation.fuzz.seed", 20261202L) + 17;
    private static final Set<String> STABLE_FAMILIES = Set.of("names and wildcards", "index-less and cluster requests",
            "bodies naming indices", "scroll and point-in-time ids", "listings", "mutated targets");

    /** The search listener's upstream: the real OpenSearch through the recorder. */
    public static class Recorded implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("gateway.elasticsearch.upstream", RecordingUpstream.ofOpenSearch().uri().toString(),
                    "gateway.graylog.upstream", GraylogResource.emulator().uri().toString());
        }
    }

    @Inject
    ProxyListeners listeners;

    @Inject
    SearchContextSeal seal;

    @Inject
    GatewayConfig config;

    @AfterAll
    static void noSecretInTheLog() throws Exception {
        SecretsInLogs.assertNoneIn(SecretsInLogs.TEST_LOG);
    }

    @Test
    void whatTheUpstreamReceivesIsExactlyWhatWasDecided() throws Exception {
        TwoTenants.setUp(listeners.searchPort());
        RecordingUpstream upstream = RecordingUpstream.ofOpenSearch();
        ScopeContext context = new ScopeContext(TwoTenants.A_SERVICE,
                new ServiceScope(List.of(A + "-a-*", A + "-i-*", SHARED), List.of(A + "-i-*")), catalog(), true,
                new SearchContexts(seal, config.elasticsearch().scope().searchContextLifetime(), Clock.systemUTC()),
                ScopeLimits.DEFAULTS);
        IsolationGrammar grammar = new IsolationGrammar(IsolationGrammar.ids(TwoTenants.aSealedScroll, TwoTenants.aSealedPit,
                TwoTenants.bSealedScroll, TwoTenants.bSealedPit, TwoTenants.bRawScroll, TwoTenants.bRawPit));
        List<String> failures = new ArrayList<>();
        int forwarded = 0;
        int withheld = 0;
        try (RawHttpConnection gateway = new RawHttpConnection(listeners.searchPort())) {
            for (long i = 0, sent = 0; sent < REQUESTS; i++) {
                long seed = SEED * 1_000_003L + i;
                IsolationGrammar.Form form = grammar.form(seed);
                if (!STABLE_FAMILIES.contains(form.family()) || !Set.of("GET", "POST", "HEAD").contains(form.method())
                        || form.target().contains("_bulk") || form.target().contains("_by_query") || form.target().contains("_reindex")
                        || form.target().contains("_aliases") && form.method().equals("POST")) {
                    continue;
                }
                sent++;
                upstream.clear();
                byte[] body = form.body() == null ? null : form.body().getBytes(StandardCharsets.UTF_8);
                RawHttpConnection.Response response = send(gateway, form, body);
                Expected expected = expected(form, body, context);
                List<RecordingUpstream.Recorded> received = upstream.forwarded();
                String problem = compare(form, expected, received);
                if (expected != null && problem == null) {
                    forwarded++;
                } else if (problem == null) {
                    withheld++;
                }
                if (problem != null && failures.size() < 30) {
                    failures.add("seed " + seed + ": " + form + " -> " + response.status() + ": " + problem);
                }
            }
        }
        System.out.printf("FORWARDED AS DECIDED %d requests: %d forwarded exactly as decided, %d refused or answered "
                + "without reaching the upstream; %d mismatches%n", REQUESTS, forwarded, withheld, failures.size());
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures));
        }
        assertTrue(forwarded > REQUESTS / 10, "too few forwarded requests: " + forwarded);
    }

    /** What must reach the upstream: method, path and query, body; null when nothing may. */
    private record Expected(String method, String pathAndQuery, byte[] body) {
    }

    private static Expected expected(IsolationGrammar.Form form, byte[] body, ScopeContext context) {
        int question = form.target().indexOf('?');
        String path = question < 0 ? form.target() : form.target().substring(0, question);
        String query = question < 0 ? null : form.target().substring(question + 1);
        Decision decision = ScopeRules.decide(form.method(), path, query, context).decision();
        if (decision instanceof Decision.Forward forward) {
            return new Expected(form.method(), forward.pathAndQuery(), body == null ? new byte[0] : body);
        }
        if (decision instanceof Decision.ForwardCheckedBody || decision instanceof Decision.ForwardCheckedLines) {
            String decided = decision instanceof Decision.ForwardCheckedBody checked ? checked.pathAndQuery()
                    : ((Decision.ForwardCheckedLines) decision).pathAndQuery();
            byte[] sent = body == null ? new byte[0] : body;
            BodyRule.BodyVerdict verdict = decision instanceof Decision.ForwardCheckedBody checked ? checked.rule().check(sent)
                    : WholeBody.check(((Decision.ForwardCheckedLines) decision).rule(), sent);
            if (verdict instanceof BodyRule.BodyVerdict.Accept accept) {
                String target = accept.pathAndQuery() == null ? decided : accept.pathAndQuery();
                return new Expected(form.method(), target, accept.body());
            }
        }
        return null;
    }

    private static String compare(IsolationGrammar.Form form, Expected expected, List<RecordingUpstream.Recorded> received) {
        if (expected == null) {
            return received.isEmpty() ? null : "refused or answered by the rules, yet the upstream received " + received.get(0).rawPathAndQuery();
        }
        if (received.size() != 1) {
            return "expected " + expected.method() + " " + expected.pathAndQuery() + ", the upstream received " + received.size() + " requests";
        }
        RecordingUpstream.Recorded seen = received.get(0);
        if (!seen.method().equals(expected.method())) {
            return "method " + seen.method() + " instead of " + expected.method();
        }
        if (!seen.rawPathAndQuery().equals(expected.pathAndQuery())) {
            return "the upstream received " + seen.rawPathAndQuery() + " instead of " + expected.pathAndQuery();
        }
        if (!Arrays.equals(seen.body(), expected.body())) {
            return "the upstream received another body: " + seen.body() + " instead of "
                    + new String(expected.body(), StandardCharsets.UTF_8);
        }
        return null;
    }

    private static RawHttpConnection.Response send(RawHttpConnection gateway, IsolationGrammar.Form form, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", basic(TwoTenants.tokenA, "token"));
        if (form.contentType() != null) {
            headers.put("Content-Type", form.contentType());
        }
        return gateway.exchange(form.method(), form.target(), headers, body);
    }

    /** The cluster's indices as OpenSearch reports them, read as the gateway reads them. */
    private static IndexCatalog catalog() throws Exception {
        String state = OpenSearchServer.get().get("/_cluster/state/version,metadata?filter_path=state_uuid,"
                + "metadata.indices.*.state,metadata.indices.*.aliases,metadata.indices.*.settings.index.hidden");
        return IndexCatalog.fromClusterState(new ObjectMapper().readTree(state), 1, System.nanoTime());
    }
}
