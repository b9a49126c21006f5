package io.logstokengateway.proxy;

import io.logstokengateway.auth.Caller;
import io.logstokengateway.scope.Decision;
import io.logstokengateway.scope.ScopeRules;
import io.logstokengateway.scope.ServiceScope;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The index-scope check of the search API for the requests dashboards send most: a {@code _search} on one of the
 * service's indices and a Grafana-style {@code _msearch}. {@code decide*} runs the rules themselves
 * ({@link ScopeRules#decide}: parse, route, check the index expression against the patterns); {@code policy*} is
 * the path a request really takes, {@link SearchRoutePolicy#route}, whose remembered decision answers a repeated
 * request. The request handed to the policy is a stand-in {@link HttpServerRequest} (a dynamic proxy answering
 * method, path and query, a few nanoseconds of the figure), since a real one needs a live connection.
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

    private SearchRoutePolicy policy;
    private Caller caller;
    private HttpServerRequest searchRequest;
    private HttpServerRequest msearchRequest;

    @Setup(Level.Trial)
    public void setUp() {
        policy = new SearchRoutePolicy(true);
        caller = new Caller("ldp-jmh-00001", "logs-jmh-00001", "token-id", null, null, SCOPE);
        searchRequest = request(HttpMethod.POST, SEARCH_PATH, SEARCH_QUERY);
        msearchRequest = request(HttpMethod.POST, MSEARCH_PATH, MSEARCH_QUERY);
        for (Decision d : List.of(decideSearch(), decideMsearch(), policySearch(), policyMsearch())) {
            if (d instanceof Decision.Deny deny) {
                throw new IllegalStateException("benchmark set-up: a typical request is refused: " + deny.reason());
            }
        }
    }

    @Benchmark
    public Decision decideSearch() {
        return ScopeRules.decide("POST", SEARCH_PATH, SEARCH_QUERY, SCOPE);
    }

    @Benchmark
    public Decision decideMsearch() {
        return ScopeRules.decide("POST", MSEARCH_PATH, MSEARCH_QUERY, SCOPE);
    }

    @Benchmark
    public Decision policySearch() {
        return policy.route(searchRequest, caller);
    }

    @Benchmark
    public Decision policyMsearch() {
        return policy.route(msearchRequest, caller);
    }

    private static HttpServerRequest request(HttpMethod method, String path, String query) {
        String uri = query == null ? path : path + "?" + query;
        return (HttpServerRequest) Proxy.newProxyInstance(ScopeBenchmark.class.getClassLoader(),
                new Class<?>[] {HttpServerRequest.class}, (self, m, args) -> switch (m.getName()) {
                    case "method" -> method;
                    case "path" -> path;
                    case "query" -> query;
                    case "uri" -> uri;
                    case "hashCode" -> System.identityHashCode(self);
                    case "equals" -> self == args[0];
                    case "toString" -> method + " " + uri;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
