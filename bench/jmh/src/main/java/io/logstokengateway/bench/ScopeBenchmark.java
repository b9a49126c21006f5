package io.logstokengateway.bench;

import io.logstokengateway.crypto.SearchContextSeal;
import io.logstokengateway.scope.Decision;
import io.logstokengateway.scope.IndexCatalog;
import io.logstokengateway.scope.LineRule;
import io.logstokengateway.scope.ScopeContext;
import io.logstokengateway.scope.ScopeLimits;
import io.logstokengateway.scope.ScopeRules;
import io.logstokengateway.scope.SearchContexts;
import io.logstokengateway.scope.ServiceScope;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The index-scope check of the search API for the requests dashboards send most, on a catalog of the service's
 * indices: a {@code _search} on one of them ({@link ScopeRules#decide}: parse, route, resolve the expression to
 * concrete indices), and a Grafana-style {@code _msearch}, decided and then its header and search line checked as the
 * gateway streams them ({@link LineRule}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScopeBenchmark {

    private static final ServiceScope SCOPE = new ServiceScope(List.of("logs-jmh-00001-a-*", "logs-jmh-00001-i-*"),
            List.of("logs-jmh-00001-i-*"));
    private static final String SEARCH_PATH = "/logs-jmh-00001-i-app/_search";
    private static final String SEARCH_QUERY = "ignore_unavailable=true";
    private static final String MSEARCH_PATH = "/_msearch";
    private static final String MSEARCH_QUERY = "max_concurrent_shard_requests=5";
    private static final byte[] MSEARCH_HEADER = "{\"search_type\":\"query_then_fetch\",\"ignore_unavailable\":true,\"index\":\"logs-jmh-00001-i-*\"}"
            .getBytes(StandardCharsets.UTF_8);
    private static final byte[] MSEARCH_SEARCH = ("{\"size\":0,\"query\":{\"bool\":{\"filter\":[{\"range\":{\"@timestamp\":{\"gte\":1732780800000,"
            + "\"lte\":1732784400000,\"format\":\"epoch_millis\"}}},{\"query_string\":{\"analyze_wildcard\":true,\"query\":\"level:ERROR\"}}]}},"
            + "\"aggs\":{\"2\":{\"date_histogram\":{\"interval\":\"1m\",\"field\":\"@timestamp\",\"min_doc_count\":0,"
            + "\"extended_bounds\":{\"min\":1732780800000,\"max\":1732784400000},\"format\":\"epoch_millis\"}}}}").getBytes(StandardCharsets.UTF_8);

    private ScopeContext context;

    @Setup(Level.Trial)
    public void setUp() {
        IndexCatalog catalog = IndexCatalog.of(List.of(
                new IndexCatalog.IndexState("logs-jmh-00001-i-app", true, false, List.of("logs-jmh-00001-a-all")),
                new IndexCatalog.IndexState("logs-jmh-00001-i-web", true, false, List.of("logs-jmh-00001-a-all")),
                new IndexCatalog.IndexState("logs-jmh-00002-i-app", true, false, List.of())), 1, System.nanoTime());
        SearchContexts contexts = new SearchContexts(new SearchContextSeal(new byte[32]), Duration.ofHours(1), Clock.systemUTC());
        context = new ScopeContext("ldp-jmh-00001", SCOPE, catalog, false, contexts, ScopeLimits.DEFAULTS);
        if (decideSearch() instanceof Decision.Deny deny) {
            throw new IllegalStateException("benchmark set-up: a typical _search is refused: " + deny.reason());
        }
        if (!(checkMsearch() instanceof LineRule.LineVerdict.Forward)) {
            throw new IllegalStateException("benchmark set-up: a typical _msearch is refused");
        }
    }

    @Benchmark
    public Decision decideSearch() {
        return ScopeRules.decide("POST", SEARCH_PATH, SEARCH_QUERY, context).decision();
    }

    @Benchmark
    public LineRule.LineVerdict checkMsearch() {
        Decision decision = ScopeRules.decide("POST", MSEARCH_PATH, MSEARCH_QUERY, context).decision();
        LineRule lines = ((Decision.ForwardCheckedLines) decision).rule();
        lines.check(MSEARCH_HEADER, true);
        return lines.check(MSEARCH_SEARCH, true);
    }
}
