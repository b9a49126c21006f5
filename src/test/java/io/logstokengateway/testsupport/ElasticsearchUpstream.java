package io.logstokengateway.testsupport;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;
import java.util.Map;

/**
 * The search listener in front of the real Elasticsearch instead of the OpenSearch the other tests share (whose
 * global resource would otherwise set the same upstream), with small bounds on checked bodies and lines so a test
 * can reach them. One profile for every Elasticsearch test class, so Quarkus starts the application once for all of them.
 */
public class ElasticsearchUpstream implements QuarkusTestProfile {

    /** {@code gateway.elasticsearch.scope.max-body-size} under this profile. */
    public static final int MAX_CHECKED_BODY = 64 * 1024;
    /** {@code gateway.limits.max-checked-line} under this profile: above the size checked on the event loop. */
    public static final int MAX_CHECKED_LINE = 256 * 1024;

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
        return Map.of("gateway.elasticsearch.scope.max-body-size", Integer.toString(MAX_CHECKED_BODY),
                "gateway.limits.max-checked-line", Integer.toString(MAX_CHECKED_LINE));
    }
}
