package io.logstokengateway.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Points the gateway's Elasticsearch/OpenSearch upstream at the shared real Elasticsearch. {@link OpenSearchResource}
 * is a global test resource (many classes declare it unrestricted) setting the same property, so list this one in a
 * test profile's {@code testResources()} with {@code disableGlobalTestResources()} on, as
 * {@code ElasticsearchJavaClientTest} does.
 */
public class ElasticsearchResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("gateway.elasticsearch.upstream", ElasticsearchServer.get().uri().toString());
    }

    @Override
    public void stop() {
        // The server is shared by every test class of the run; its shutdown hook stops it.
    }
}
