package io.logstokengateway.testsupport;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/**
 * The search listener in front of the real Elasticsearch instead of the OpenSearch the other tests share (whose
 * global resource would otherwise set the same upstream), with a small bound on checked bodies so a test can reach
 * it. One profile for every Elasticsearch test class, so Quarkus starts the application once for all of them.
 */
public class ElasticsearchUpstream implements QuarkusTestProfile {

    /** {@code gateway.elasticsearch.scope.max-body-size} under this profile. */
    public static final int MAX_CHECKED_BODY = 64 * 1024;

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(ElasticsearchResource.class), new TestResourceEntry(GraylogResource.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("gateway.elasticsearch.scope.max-body-size", Integer.toString(MAX_CHECKED_BODY));
    }
}
