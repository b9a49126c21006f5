package io.logstokengateway.scope;

import static io.logstokengateway.scope.ScopeCase.checked;
import static io.logstokengateway.scope.ScopeCase.deny;
import static io.logstokengateway.scope.ScopeCase.forward;
import static io.logstokengateway.scope.ScopeRulesTest.A;
import static io.logstokengateway.scope.ScopeRulesTest.B;
import static io.logstokengateway.scope.ScopeRulesTest.NOT_ALLOWED;
import static io.logstokengateway.scope.ScopeRulesTest.OUTSIDE;
import static io.logstokengateway.scope.ScopeRulesTest.READ_A;
import static io.logstokengateway.scope.ScopeRulesTest.scopeOf;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Targets written to slip past the scoping (encodings, date math, remote clusters), and other services' scopes. */
class ScopeTargetsTest {

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void cleverlyWrittenTargetsAreReadAsElasticsearchReadsThem(ScopeCase request) {
        request.verify(A);
    }

    static Stream<ScopeCase> cleverlyWrittenTargetsAreReadAsElasticsearchReadsThem() {
        String dateMathA = "%3Clogs-aa-00001-a-%7Bnow%2Fd%7D%3E";
        return Stream.of(
                checked("GET", "/<logs-aa-00001-a-{now%2Fd}>/_search", "/" + dateMathA + "/_search"),
                checked("GET", "/" + dateMathA + "/_search", "/" + dateMathA + "/_search"),
                checked("GET", "/%3Clogs-aa-00001-i-%7Bnow%2Fd%7Byyyy.MM.dd%7C%2B12%3A00%7D%7D%3E/_search",
                        "/%3Clogs-aa-00001-i-%7Bnow%2Fd%7Byyyy.MM.dd%7C%2B12%3A00%7D%7D%3E/_search"),
                checked("GET", "/%3Clogs-aa-00001-a-%7Bnow%2Fd-1d%7D%3E," + dateMathA + "/_search",
                        "/%3Clogs-aa-00001-a-%7Bnow%2Fd-1d%7D%3E," + dateMathA + "/_search"),
                deny("GET", "/%3Clogs-bb-00002-a-%7Bnow%2Fd%7D%3E/_search", OUTSIDE),
                deny("GET", "/%3Clogs-aa-00001%7Bnow%2Fd%7D%3E/_search", OUTSIDE),
                deny("GET", "/%3Clogs-aa-00001-a-%7Bnow%2Fd%7D/_search", "malformed"),
                deny("GET", "/%3Clogs-aa-00001-a-%7Bnow%2Fd%3E/_search", "unbalanced"),
                deny("GET", "/%3Clogs-aa-00001-a-%7B%7D%3E/_search", "empty braces"),
                deny("GET", "/%3Clogs-aa-00001-a-%5C%7Bx%7D%3E/_search", "invalid character"),
                checked("GET", "/%6Cogs-aa-00001-a-x/_search", "/logs-aa-00001-a-x/_search"),
                deny("GET", "/%6Cogs-bb-00002-a-x/_search", OUTSIDE),
                deny("GET", "/logs-aa-00001-a-x%2Clogs-bb-00002-a-x/_search", "[logs-bb-00002-a-x]"),
                deny("GET", "/logs-aa-00001-a-x%2F..%2Flogs-bb-00002-a-x/_search", "invalid character"),
                deny("GET", "/logs-aa-00001-a-*%2F/_search", "invalid character"),
                deny("GET", "/cluster_two:logs-aa-00001-a-x/_search", "remote cluster"),
                deny("GET", "/cluster_two%3Alogs-aa-00001-a-x/_search", "remote cluster"),
                deny("GET", "/*:*/_search", "remote cluster"),
                deny("GET", "/logs-aa-00001-a-x::failures/_search", "remote cluster"),
                deny("GET", "//_search", "empty segment"),
                deny("GET", "/logs-aa-00001-a-x//_search", "empty segment"),
                deny("GET", "/%5Fsearch", "invalid index name"),
                deny("GET", "/%5Fall%2Clogs-bb-00002-a-x/_search", OUTSIDE),
                deny("GET", "/logs-aa-00001-a-x/%5Fsearch", NOT_ALLOWED),
                deny("GET", "/logs-aa-00001-a-x%20/_search", "invalid character"),
                deny("GET", "/logs-aa-00001-a-x+/_search", "percent-encoded"),
                deny("GET", "/logs-aa-00001-a-x,/_search", "empty item"),
                deny("GET", "/,/_search", "empty item"),
                deny("GET", "/logs%zz/_search", "invalid percent-escape"),
                deny("GET", "/logs%2/_search", "incomplete percent-escape"),
                deny("GET", "/logs-aa-00001-a-x%00/_search", "control character"),
                deny("GET", "/logs-aa-00001-a-%C0%AF/_search", "not valid UTF-8"),
                deny("GET", "/logs-aa-00001-a-x%3F/_search", "invalid character"),
                deny("GET", "/logs-aa-00001-a-x%23/_search", "invalid character"),
                deny("GET", "/+logs-bb-00002-a-x/_search", "percent-encoded"),
                deny("GET", "/%2Blogs-bb-00002-a-x/_search", "invalid index name"),
                deny("GET", "/_search?%69ndex=logs-bb-00002-a-x", "[index] " + NOT_ALLOWED),
                deny("GET", "/_search?source=%7B%7D&source_content_type=application/json", "[source] " + NOT_ALLOWED),
                deny("GET", "/_msearch?source=%7B%22index%22%3A%22logs-bb-00002-a-x%22%7D", "[source] " + NOT_ALLOWED),
                deny("GET", "/_search?q=%zz", "invalid percent-escape"),
                checked("GET", "/_search?q=message:%22a+b%22", "/" + READ_A + "/_search?q=message:%22a+b%22"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void eachServiceIsNarrowedToItsOwnIndices(ScopeCase request) {
        request.verify(B);
    }

    static Stream<ScopeCase> eachServiceIsNarrowedToItsOwnIndices() {
        String readB = "logs-bb-00002-a-*,logs-bb-00002-i-*";
        return Stream.of(
                checked("GET", "/_search", "/" + readB + "/_search"),
                checked("GET", "/logs-*/_search", "/" + readB + "/_search"),
                forward("GET", "/_cat/indices", "/_cat/indices/" + readB),
                deny("GET", "/logs-aa-00001-a-x/_search", OUTSIDE),
                deny("GET", "/logs-aa-00001*/_search", "matches no index"),
                forward("PUT", "/logs-bb-00002-i-x/_doc/1", "/logs-bb-00002-i-x/_doc/1"),
                deny("PUT", "/logs-aa-00001-i-x/_doc/1", "may write"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void aServiceWhoseNameExtendsAnotherStaysApart(ScopeCase request) {
        request.verify(scopeOf("logs-aa-000010"));
    }

    static Stream<ScopeCase> aServiceWhoseNameExtendsAnotherStaysApart() {
        String readC = "logs-aa-000010-a-*,logs-aa-000010-i-*";
        return Stream.of(
                checked("GET", "/logs-aa-00001*/_search", "/" + readC + "/_search"),
                deny("GET", "/logs-aa-00001-a-x/_search", OUTSIDE),
                deny("GET", "/logs-aa-00001-*/_search", "matches no index"),
                checked("GET", "/logs-aa-000010-a-x/_search", "/logs-aa-000010-a-x/_search"));
    }
    @Test
    void patternsThatAreNotOneNameOrGlobAreIgnored() {
        ServiceScope odd = new ServiceScope(List.of("logs-x-*", "remote:*", "<logs-x-{now/d}>", "-logs-*"), List.of());

        checked("GET", "/_search", "/logs-x-*/_search").verify(odd);
        deny("PUT", "/logs-x-1/_doc/1", "may write").verify(odd);
    }

    @Test
    void aServiceWithoutReadPatternsReadsNothing() {
        deny("GET", "/_search", "this token may read no index").verify(new ServiceScope(List.of(), List.of()));
    }

    @Test
    void aSharedAliasGrantedReadOnlyIsReadButNotWritten() {
        ServiceScope shared = new ServiceScope(List.of("logs-aa-00001-a-*", "shared-alias"), List.of("logs-aa-00001-i-*"));

        checked("GET", "/shared-alias/_search", "/shared-alias/_search").verify(shared);
        checked("GET", "/_search", "/logs-aa-00001-a-*,shared-alias/_search").verify(shared);
        checked("GET", "/shared*/_search", "/shared-alias/_search").verify(shared);
        deny("PUT", "/shared-alias/_doc/1", "may write").verify(shared);
    }

    @Test
    void aRepeatAfterAnExclusionIsKeptBecauseItAddsBackWhatWasExcluded() {
        checked("GET", "/*,-logs-aa-00001-a-x,logs-aa-00001-a-*/_search",
                "/" + READ_A + ",-logs-aa-00001-a-x,logs-aa-00001-a-*/_search").verify(A);
        checked("GET", "/_all,logs-*,logs-aa-00001-a-*/_search", "/" + READ_A + "/_search").verify(A);
    }
}
