package io.logstokengateway.scope;

import io.logstokengateway.limits.LimitExceeded;
import org.junit.jupiter.api.Test;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.logstokengateway.scope.ScopeRulesTest.A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lists a client controls are bounded ({@code limits.max-index-names}, {@code max-query-parameters},
 * {@code max-body-lines}): past a bound the request is refused with the limit's name, before the list is resolved.
 */
class ScopeListLimitsTest {

    private static final ScopeContext SMALL = new ScopeContext(ScopeFixtures.SERVICE, A, ScopeFixtures.CATALOG, true,
            ScopeFixtures.CONTEXTS, new ScopeLimits(5, 2, 1000, 10, 4, 6));

    private static String names(int count) {
        return IntStream.range(0, count).mapToObj(i -> "logs-aa-00001-i-n" + i).collect(Collectors.joining(","));
    }

    private static Decision decide(String method, String path, String query) {
        return ScopeRules.decide(method, path, query, SMALL).decision();
    }

    @Test
    void aPathOfMoreNamesThanTheLimitIsRefused() {
        assertInstanceOf(Decision.ForwardCheckedBody.class, decide("GET", "/" + names(10) + "/_search", null));
        LimitExceeded refused = assertThrows(LimitExceeded.class, () -> decide("GET", "/" + names(11) + "/_search", null));
        assertEquals("max-index-names", refused.limit());
        assertEquals(400, refused.status());
        assertTrue(refused.getMessage().contains("at most 10 names"), refused.getMessage());
    }

    @Test
    void moreQueryParametersThanTheLimitAreRefused() {
        assertInstanceOf(Decision.ForwardCheckedBody.class, decide("GET", "/logs-aa-00001-i-app/_search", "q=a&size=1&from=0&timeout=1s"));
        LimitExceeded refused = assertThrows(LimitExceeded.class,
                () -> decide("GET", "/logs-aa-00001-i-app/_search", "q=a&size=1&from=0&timeout=1s&pretty"));
        assertEquals("max-query-parameters", refused.limit());
    }

    @Test
    void aMultiSearchHeaderOfMoreNamesThanTheLimitIsRefused() {
        Decision decision = decide("POST", "/_msearch", null);
        assertInstanceOf(BodyRule.BodyVerdict.Accept.class, WholeBody.check(decision, "{\"index\":\"" + names(10) + "\"}\n{}\n"));
        LimitExceeded refused = assertThrows(LimitExceeded.class,
                () -> WholeBody.check(decide("POST", "/_msearch", null), "{\"index\":\"" + names(11) + "\"}\n{}\n"));
        assertEquals("max-index-names", refused.limit());
    }

    @Test
    void aBodyOfMoreLinesThanTheLimitIsRefused() {
        String pair = "{\"index\":{\"_index\":\"logs-aa-00001-i-app\"}}\n{}\n";
        assertInstanceOf(BodyRule.BodyVerdict.Accept.class, WholeBody.check(decide("POST", "/_bulk", null), pair.repeat(3)));
        LimitExceeded refused = assertThrows(LimitExceeded.class,
                () -> WholeBody.check(decide("POST", "/_bulk", null), pair.repeat(4)));
        assertEquals("max-body-lines", refused.limit());
    }
}
