package io.logstokengateway.scope;

import static io.logstokengateway.scope.Route.IndexPart.NONE;
import static io.logstokengateway.scope.Route.route;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The cluster-level requests Grafana and Kibana need, none of which lists another tenant's indices: the root,
 * cluster health, node info, {@code _xpack}, {@code _license}, cluster settings and {@code _cat/health}.
 */
final class ClusterRoutes {

    /** Node info metrics; statistics, hot threads, usage and the like are other APIs and stay refused. */
    private static final Set<String> NODE_INFO_METRICS = Set.of("settings", "os", "process", "jvm", "thread_pool",
            "transport", "http", "remote_cluster_server", "plugins", "ingest", "aggregations", "indices",
            "search_pipelines", "_all", "_none");
    /** Literal routes under {@code _nodes} that a node id position could otherwise be mistaken for. */
    private static final Set<String> NODE_APIS = Set.of("stats", "usage", "hot_threads", "hotthreads",
            "reload_secure_settings", "shutdown", "_repositories_metering");

    private ClusterRoutes() {
    }

    static List<Route> routes() {
        return List.of(
                route("GET", NONE, "", Parameters.NONE, ClusterRoutes::asReceived),
                route("GET", NONE, "_cluster/health", Parameters.CLUSTER_HEALTH, ClusterRoutes::clusterHealth),
                route("GET", NONE, "_cluster/health/*", Parameters.CLUSTER_HEALTH, (request, scoping) -> new Decision.Forward(
                        request.pathAndQueryWithSegment(2, scoping.narrowForRead(indexAt(request, 2))))),
                route("GET", NONE, "_cluster/settings", Parameters.CLUSTER_SETTINGS, ClusterRoutes::asReceived),
                route("GET", NONE, "_nodes", Parameters.NODES_INFO, ClusterRoutes::asReceived),
                route("GET", NONE, "_nodes/*", Parameters.NODES_INFO, ClusterRoutes::nodesInfo),
                route("GET", NONE, "_nodes/*/*", Parameters.NODES_INFO, ClusterRoutes::nodesInfo),
                route("GET", NONE, "_xpack", Parameters.XPACK, ClusterRoutes::asReceived),
                route("GET", NONE, "_license", Parameters.LICENSE, ClusterRoutes::asReceived),
                route("GET", NONE, "_cat/health", Parameters.CAT_HEALTH, ClusterRoutes::asReceived));
    }

    static Optional<IndexExpression> indexAt(SearchApiRequest request, int position) {
        return Optional.of(IndexExpression.parse(request.segment(position)));
    }

    private static Decision asReceived(SearchApiRequest request, IndexScoping scoping) {
        return new Decision.Forward(request.pathAndQuery());
    }

    /** Per-index health ({@code level=indices|shards}) would list every index, so it is narrowed to the service's. */
    private static Decision clusterHealth(SearchApiRequest request, IndexScoping scoping) {
        boolean perIndex = request.query().value("level").filter(level -> !level.equals("cluster")).isPresent();
        if (!perIndex) {
            return asReceived(request, scoping);
        }
        return new Decision.Forward(request.pathAndQueryWithSegment(2, scoping.narrowForRead(Optional.empty())));
    }

    /** {@code /_nodes/{node_id}}, {@code /_nodes/{metrics}}, {@code /_nodes/{node_id}/{metrics}}: info only. */
    private static Decision nodesInfo(SearchApiRequest request, IndexScoping scoping) {
        String nodes = request.segment(1);
        for (String part : nodes.split(",", -1)) {
            if (NODE_APIS.contains(part) || part.isEmpty() || !part.matches("[A-Za-z0-9_.*:-]+")) {
                throw new ScopeRefusal("the search API path [" + request.rawPath() + "] is not allowed through the gateway");
            }
        }
        if (request.endpoint().size() == 3) {
            for (String metric : request.segment(2).split(",", -1)) {
                if (!NODE_INFO_METRICS.contains(metric)) {
                    throw new ScopeRefusal("only node info is allowed through the gateway, not [" + metric + "]");
                }
            }
        }
        return asReceived(request, scoping);
    }

}
