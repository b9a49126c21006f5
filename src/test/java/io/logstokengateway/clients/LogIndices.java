package io.logstokengateway.clients;

import io.logstokengateway.testsupport.OpenSearchServer;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Log indices as the Grafana tests set them up in the real OpenSearch: a date field, a level, a message, a latency. */
final class LogIndices {

    private LogIndices() {
    }

    /** Creates the index with that many shards and the log mapping, its time field named {@code timeField}. */
    static void create(String index, int shards, String timeField) {
        String mapping = "{\"settings\":{\"number_of_shards\":" + shards + ",\"number_of_replicas\":0},\"mappings\":{\"properties\":{"
                + "\"" + timeField + "\":{\"type\":\"date\"},\"level\":{\"type\":\"keyword\"},"
                + "\"message\":{\"type\":\"text\"},\"latency\":{\"type\":\"float\"}}}}";
        assertEquals(200, OpenSearchServer.get().request("PUT", "/" + index, mapping).statusCode());
    }

    /** Indexes one log line. */
    static void line(String index, String id, String timeField, long epochMillis, String level, String message, int latency) {
        OpenSearchServer.get().index(index, id, "{\"" + timeField + "\":\"" + Instant.ofEpochMilli(epochMillis)
                + "\",\"level\":\"" + level + "\",\"message\":\"" + message + "\",\"latency\":" + latency + "}");
    }

    /** Points {@code alias} at {@code indices} (an expression: a name or a pattern). */
    static void alias(String indices, String alias) {
        assertEquals(200, OpenSearchServer.get().request("POST", "/_aliases",
                "{\"actions\":[{\"add\":{\"index\":\"" + indices + "\",\"alias\":\"" + alias + "\"}}]}").statusCode());
    }
}
