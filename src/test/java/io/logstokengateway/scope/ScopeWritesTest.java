package io.logstokengateway.scope;

import static io.logstokengateway.scope.ScopeCase.checked;
import static io.logstokengateway.scope.ScopeCase.deny;
import static io.logstokengateway.scope.ScopeCase.forward;
import static io.logstokengateway.scope.ScopeRulesTest.A;
import static io.logstokengateway.scope.ScopeRulesTest.NOT_ALLOWED;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Writes (without bodies the gateway reads; those are in {@link ScopeBodiesTest}), run as service A. */
class ScopeWritesTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void writesStayWithinTheWritePatterns(ScopeCase request) {
        request.verify(A);
    }

    static Stream<ScopeCase> writesStayWithinTheWritePatterns() {
        return Stream.of(
                forward("PUT", "/logs-aa-00001-i-x/_doc/1", "/logs-aa-00001-i-x/_doc/1"),
                forward("POST", "/logs-aa-00001-i-x/_doc?refresh=true", "/logs-aa-00001-i-x/_doc?refresh=true"),
                forward("PUT", "/logs-aa-00001-i-x/_create/1", "/logs-aa-00001-i-x/_create/1"),
                forward("POST", "/logs-aa-00001-i-x/_update/1", "/logs-aa-00001-i-x/_update/1"),
                forward("DELETE", "/logs-aa-00001-i-x/_doc/1", "/logs-aa-00001-i-x/_doc/1"),
                forward("PUT", "/%3Clogs-aa-00001-i-%7Bnow%2Fd%7D%3E/_doc/1", "/%3Clogs-aa-00001-i-%7Bnow%2Fd%7D%3E/_doc/1"),
                forward("DELETE", "/logs-aa-00001-i-old", "/logs-aa-00001-i-old"),
                forward("DELETE", "/logs-aa-00001-i-old,logs-aa-00001-i-older", "/logs-aa-00001-i-old,logs-aa-00001-i-older"),
                checked("PUT", "/logs-aa-00001-i-x/_mapping", "{\"properties\":{}}", "/logs-aa-00001-i-x/_mapping"),
                checked("PUT", "/logs-aa-00001-i-*/_mapping", "{\"properties\":{}}", "/logs-aa-00001-i-app,logs-aa-00001-i-web/_mapping"),
                forward("POST", "/logs-aa-00001-i-*/_refresh", "/logs-aa-00001-i-app,logs-aa-00001-i-web/_refresh"),
                // a wildcard wider than the write patterns reaches only the concrete indices within them
                forward("POST", "/logs-*/_refresh", "/logs-aa-00001-i-app,logs-aa-00001-i-web/_refresh"),
                forward("POST", "/logs-aa-00001-i-x/_flush", "/logs-aa-00001-i-x/_flush"),
                deny("PUT", "/logs-aa-00001-a-x/_doc/1", "is outside the indices this token may write"),
                deny("PUT", "/logs-bb-00002-i-x/_doc/1", "may write"),
                deny("PUT", "/logs-aa-000010-i-x/_doc/1", "may write"),
                deny("PUT", "/logs-aa-00001-i-*/_doc/1", "exactly one index"),
                deny("PUT", "/_all/_doc/1", "exactly one index"),
                deny("POST", "/logs-bb-00002-i-x/_update/1", "may write"),
                deny("DELETE", "/logs-bb-00002-i-x/_doc/1", "may write"),
                deny("PUT", "/%3Clogs-bb-00002-i-%7Bnow%2Fd%7D%3E/_doc/1", "may write"),
                deny("PUT", "/logs-aa-00001-i-x/_doc/1?pipeline=to-b", "unrecognized parameter: [pipeline]"),
                deny("PUT", "/logs-aa-00001-i-x/_doc/1?refresh=true;pipeline=to-b", "unrecognized parameter: [pipeline]"),
                deny("PUT", "/logs-bb-00002-i-new", "may write"),
                deny("DELETE", "/logs-aa-00001-i-*", "must name its indices"),
                deny("DELETE", "/_all", "must name its indices"),
                deny("DELETE", "/*", "must name its indices"),
                deny("DELETE", "/logs-aa-00001-a-old", "may write"),
                deny("PUT", "/_mapping", "the method [PUT] is not allowed"),
                deny("POST", "/_refresh", "the search API path [/_refresh] " + NOT_ALLOWED),
                deny("POST", "/_all/_refresh", "must name its indices"),
                deny("POST", "/logs-bb-*/_refresh", "matches no index this token may write"),
                deny("POST", "/_all/_delete_by_query", "must name its indices"),
                deny("POST", "/logs-bb-00002-i-*/_delete_by_query", "may write"),
                deny("POST", "/logs-aa-00001-i-x/_close", NOT_ALLOWED),
                deny("POST", "/logs-aa-00001-i-x/_open", NOT_ALLOWED),
                deny("POST", "/_all/_close", NOT_ALLOWED),
                deny("POST", "/logs-aa-00001-i-x/_shrink/logs-aa-00001-i-y", NOT_ALLOWED),
                deny("POST", "/logs-aa-00001-i-x/_rollover", NOT_ALLOWED),
                deny("POST", "/logs-aa-00001-i-x/_forcemerge", NOT_ALLOWED),
                deny("POST", "/logs-aa-00001-i-x/_cache/clear", NOT_ALLOWED),
                deny("POST", "/_search/template", "search templates"),
                deny("GET", "/logs-aa-00001-a-x/_search/template", "search templates"),
                deny("POST", "/_msearch/template", "search templates"),
                deny("POST", "/_render/template", "search templates"),
                deny("GET", "/_scripts/painless-b", "stored scripts"),
                deny("PUT", "/_scripts/painless-b", "stored scripts"));
    }

    @Test
    void anAliasWithinTheWritePatternsThatLeadsElsewhereIsNoWayIn() {
        ServiceScope aliasesWritable = new ServiceScope(List.of("logs-aa-00001-a-*"), List.of("logs-aa-00001-a-*", "logs-aa-00001-i-*"));
        deny("POST", "/logs-aa-00001-a-evil/_doc", "leads to indices this token may not write").verify(aliasesWritable);
        deny("POST", "/logs-aa-00001-a-evil/_delete_by_query", "leads to indices this token may not write").verify(aliasesWritable);
        forward("POST", "/logs-aa-00001-a-*/_refresh", "/logs-aa-00001-i-app,logs-aa-00001-i-web/_refresh").verify(aliasesWritable);
    }

    @Test
    void aServiceHoldsNoMoreIndicesThanItsLimit() {
        ScopeContext twoAtMost = new ScopeContext(ScopeFixtures.SERVICE, A, ScopeFixtures.CATALOG, true, ScopeFixtures.CONTEXTS,
                new ScopeLimits(5, 2, 2, 1000, 64, 1000));
        ScopeContext threeAtMost = new ScopeContext(ScopeFixtures.SERVICE, A, ScopeFixtures.CATALOG, true, ScopeFixtures.CONTEXTS,
                new ScopeLimits(5, 2, 3, 1000, 64, 1000));
        assertDenied(ScopeRules.decide("PUT", "/logs-aa-00001-i-new", null, twoAtMost).decision(), "may hold at most 2");
        assertDenied(ScopeRules.decide("PUT", "/logs-aa-00001-i-new/_doc/1", null, twoAtMost).decision(), "may hold at most 2");
        assertInstanceOf(Decision.Forward.class, ScopeRules.decide("PUT", "/logs-aa-00001-i-app/_doc/1", null, twoAtMost).decision());
        assertInstanceOf(Decision.ForwardCheckedBody.class, ScopeRules.decide("PUT", "/logs-aa-00001-i-new", null, threeAtMost).decision());
        String twoNew = "{\"index\":{\"_index\":\"logs-aa-00001-i-n1\"}}\n{}\n{\"index\":{\"_index\":\"logs-aa-00001-i-n2\"}}\n{}\n";
        BodyRule.BodyVerdict verdict = WholeBody.check(ScopeRules.decide("POST", "/_bulk", null, threeAtMost).decision(), twoNew);
        assertTrue(assertInstanceOf(BodyRule.BodyVerdict.Deny.class, verdict).reason().contains("may hold at most 3"));
    }

    private static void assertDenied(Decision decision, String reasonPart) {
        assertTrue(assertInstanceOf(Decision.Deny.class, decision, decision::toString).reason().contains(reasonPart), decision::toString);
    }
}
