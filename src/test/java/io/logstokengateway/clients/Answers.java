package io.logstokengateway.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.http.HttpResponse;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every answer a client gets through the gateway must be: the expected status, and nothing of another tenant. */
final class Answers {

    /** Written into every foreign tenant's documents by these tests. */
    static final String FOREIGN_MARKER = "FOREIGNMARKER";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Answers() {
    }

    /** The answer as JSON, once its status is one of {@code accepted} and it holds no trace of {@code foreignIndex}. */
    static JsonNode ok(HttpResponse<String> response, String foreignIndex, Integer... accepted) throws Exception {
        assertTrue(Arrays.asList(accepted).contains(response.statusCode()),
                response.uri() + " -> " + response.statusCode() + " " + response.body());
        assertFalse(response.body().contains(foreignIndex) || response.body().contains(FOREIGN_MARKER),
                "another tenant's data leaked: " + response.body());
        return JSON.readTree(response.body());
    }
}
