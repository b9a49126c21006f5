package io.logstokengateway.scope;

import io.logstokengateway.crypto.SearchContextSeal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/**
 * What the scoping tables decide against: a cluster holding tenant A ({@code logs-aa-00001}), tenant B
 * ({@code logs-bb-00002}) and tenant C ({@code logs-aa-000010}, whose name extends A's), plus an alias in A's
 * namespace that someone pointed at B's index; ids sealed under a fixed key at a fixed time.
 */
final class ScopeFixtures {

    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    static final SearchContextSeal SEAL = new SearchContextSeal(new byte[32]);
    static final SearchContexts CONTEXTS = new SearchContexts(SEAL, Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));
    static final String SERVICE = "ldp-test";

    /** A's concrete indices, as narrowing forwards every index A may read. */
    static final String A_INDICES = "logs-aa-00001-i-app,logs-aa-00001-i-web";

    static final IndexCatalog CATALOG = IndexCatalog.of(List.of(
            index("logs-aa-00001-i-app", "logs-aa-00001-a-all"),
            index("logs-aa-00001-i-web", "logs-aa-00001-a-all"),
            index("logs-bb-00002-i-app", "logs-bb-00002-a-all", "logs-aa-00001-a-evil"),
            index("logs-bb-00002-i-hidden"),
            index("logs-aa-000010-i-app")), 1, 0);

    private ScopeFixtures() {
    }

    /** The context of a request from {@code scope}'s service, on {@link #CATALOG} read after the request arrived. */
    static ScopeContext context(ServiceScope scope) {
        return new ScopeContext(SERVICE, scope, CATALOG, true, CONTEXTS, ScopeLimits.DEFAULTS);
    }

    static Decision decide(String method, String target, ServiceScope scope) {
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? null : target.substring(question + 1);
        return ScopeRules.decide(method, path, query, context(scope)).decision();
    }

    /** {@code upstreamId} as the gateway hands it to the test service. */
    static String sealed(SearchContextSeal.Kind kind, String upstreamId) {
        return SEAL.seal(kind, SERVICE, upstreamId, NOW.plus(Duration.ofHours(1)));
    }

    private static IndexCatalog.IndexState index(String name, String... aliases) {
        return new IndexCatalog.IndexState(name, true, false, List.of(aliases));
    }
}
