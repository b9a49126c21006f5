package io.logstokengateway.proxy;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A Graylog answer that is a web page is refused, whatever the spelling of its media type; API answers pass. */
class GraylogWebAnswerTest {

    private final GraylogRoutePolicy policy = new GraylogRoutePolicy(Optional.empty());

    @ParameterizedTest
    @ValueSource(strings = {"text/html", "text/html;charset=utf-8", "TEXT/HTML; charset=UTF-8", " text/html ", "application/xhtml+xml"})
    void webPageAnswersAreRefused(String contentType) {
        Refusal refusal = policy.refuseAnswer(MultiMap.caseInsensitiveMultiMap().add("Content-Type", contentType));
        assertEquals(403, refusal.status(), contentType);
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/json", "application/json; charset=utf-8", "text/plain", "text/csv",
            "application/x-ndjson", "application/octet-stream", "text/htmlx"})
    void apiAnswersPass(String contentType) {
        assertNull(policy.refuseAnswer(MultiMap.caseInsensitiveMultiMap().add("Content-Type", contentType)), contentType);
    }

    @Test
    void anAnswerWithoutMediaTypePasses() {
        assertNull(policy.refuseAnswer(MultiMap.caseInsensitiveMultiMap()));
    }
}
