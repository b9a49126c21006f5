package io.logstokengateway.testsupport;

import java.util.List;

/**
 * One real Elasticsearch 8 (the integ-test distribution from Maven Central) shared by every test in the JVM, for
 * clients that check they talk to Elasticsearch ({@code X-Elastic-Product}). It needs a JDK that still has a
 * Security Manager (17 to 23; set {@code elasticsearch.java.home} when the tests run on a later one).
 * This distribution has no {@code GET /} (its rest-root module is absent: 405).
 */
public final class ElasticsearchServer extends LocalSearchServer {

    private static final SearchDistribution ELASTICSEARCH = new SearchDistribution("Elasticsearch", "bin/elasticsearch",
            "ES", "ltg-elasticsearch", "elasticsearch-run", "ltg.test.elasticsearch.uri",
            "elasticsearch.zip", "target/elasticsearch-dist/elasticsearch.zip", "elasticsearch.java.home",
            // Its x-pack-security module is on by default: it would rewrite config/ for TLS and answer only HTTPS.
            List.of("-Expack.security.enabled=false"));

    private static final Shared<ElasticsearchServer> SHARED = new Shared<>(ELASTICSEARCH, ElasticsearchServer::new);

    private ElasticsearchServer(Node node) {
        super(ELASTICSEARCH, node);
    }

    /** The shared server, started (once) on first call. */
    public static ElasticsearchServer get() {
        return SHARED.get();
    }
}
