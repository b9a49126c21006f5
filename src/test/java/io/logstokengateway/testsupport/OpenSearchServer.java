package io.logstokengateway.testsupport;

import java.util.List;

/** One real OpenSearch (the integ-test distribution from Maven Central) shared by every test in the JVM. */
public final class OpenSearchServer extends LocalSearchServer {

    private static final SearchDistribution OPENSEARCH = new SearchDistribution("OpenSearch", "bin/opensearch",
            "OPENSEARCH", "ltg-opensearch", "opensearch-run", "ltg.test.opensearch.uri",
            "opensearch.zip", "target/opensearch-dist/opensearch.zip", "opensearch.java.home", List.of());

    private static final Shared<OpenSearchServer> SHARED = new Shared<>(OPENSEARCH, OpenSearchServer::new);

    private OpenSearchServer(Node node) {
        super(OPENSEARCH, node);
    }

    /** The shared server, started (once) on first call. */
    public static OpenSearchServer get() {
        return SHARED.get();
    }
}
