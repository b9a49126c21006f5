package io.logstokengateway.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** Points the gateway's Elasticsearch/OpenSearch upstream at the shared real OpenSearch. */
public class OpenSearchResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("gateway.elasticsearch.upstream", OpenSearchServer.get().uri().toString());
    }

    @Override
    public void stop() {
        // The server is shared by every test class of the run; its shutdown hook stops it.
    }
}
