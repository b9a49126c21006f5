package io.logstokengateway.testsupport;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.List;

/**
 * The Graylog listener in front of the real Graylog instead of the emulator the other tests share (the search
 * listener stays in front of the shared OpenSearch). One profile for every test class against the real Graylog, so
 * Quarkus starts the application once for all of them.
 */
public class GraylogServerUpstream implements QuarkusTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(OpenSearchResource.class), new TestResourceEntry(GraylogServerResource.class));
    }

    @Override
    public boolean disableGlobalTestResources() {
        return true;
    }
}
