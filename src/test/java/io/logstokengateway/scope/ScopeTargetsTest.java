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
        String dateMathA = "%3Clogs-aa-00001-i-%7Bnow%2Fd%7D%3E";
        return Stream.of(
                checked("GET", "/<logs-aa-00001-i-{now%2Fd}>/_search", "/" + dateMathA + "/_search"),
                checked("GET", "/" + dateMathA + "/_search", "/" + dateMathA + "/_search"),
                checked("GET", "/%3Clogs-aa-00001-i-%7Bnow%2Fd%7Byyyy.MM.dd%7C%2B12%3A00%7D%7D%3E/_search",
                        "/%3Clogs-aa-00001-i-%7Bnow%2Fd%7Byyyy.MM.dd%7C%2B12%3A00%7D%7D%3E/_search"),
                checked("GET", "/%3Clogs-aa-00001-i-%7Bnow%2Fd-1d%7D%3E," + dateMathA + "/_search",
                        "/%3Clogs-aa-00001-i-%7Bnow%2Fd-1d%7D%3E," + dateMathA + "/_search"),
                // date math could resolve to any name its placeholders allow: one of them leads to another tenant
                deny("GET", "/%3Clogs-aa-00001-a-%7Bnow%2Fd%7D%3E/_search", "leads to indices this token may not read"),
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
                deny("GET", "/_search?%69ndex=logs-bb-00002-a-x", "unrecognized parameter: [index]"),
                deny("GET", "/_search?source=%7B%7D&source_content_type=application/json", "unrecognized parameter: [source]"),
                deny("GET", "/_msearch?source=%7B%22index%22%3A%22logs-bb-00002-a-x%22%7D", "unrecognized parameter: [source]"),
                // an encoded ';' is no separator, to OpenSearch either: the value stays whole (and is forwarded encoded)
                checked("GET", "/_search?size=1%3Bindex=logs-bb-00002-a-x", "/" + READ_A + "/_search?size=1%3Bindex%3Dlogs-bb-00002-a-x"),
                deny("GET", "/_search?q=%zz", "invalid percent-escape"),
                checked("GET", "/_search?q=message:%22a+b%22", "/" + READ_A + "/_search?q=message:%22a%20b%22"),
                checked("GET", "/_search?q=a%3Bb", "/" + READ_A + "/_search?q=a%3Bb"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void eachServiceIsNarrowedToItsOwnIndices(ScopeCase request) {
        request.verify(B);
    }

    static Stream<ScopeCase> eachServiceIsNarrowedToItsOwnIndices() {
        String readB = "logs-bb-00002-i-app,logs-bb-00002-i-hidden";
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
        String readC = "logs-aa-000010-i-app";
        return Stream.of(
                checked("GET", "/logs-aa-00001*/_search", "/" + readC + "/_search"),
                deny("GET", "/logs-aa-00001-a-x/_search", OUTSIDE),
                deny("GET", "/logs-aa-00001-*/_search", "matches no index"),
                checked("GET", "/logs-aa-000010-a-x/_search", "/logs-aa-000010-a-x/_search"));
    }
    @Test
    void patternsThatAreNotOneNameOrGlobAreIgnored() {
        ServiceScope odd = new ServiceScope(List.of("logs-x-*", "remote:*", "<logs-x-{now/d}>", "-logs-*"), List.of());

        checked("GET", "/_search", "/" + IndexScoping.NOTHING + "/_search").verify(odd);
        deny("PUT", "/logs-x-1/_doc/1", "may write").verify(odd);
    }

    @Test
    void aServiceWithoutReadPatternsReadsNothing() {
        deny("GET", "/_search", "this token may read no index").verify(new ServiceScope(List.of(), List.of()));
    }

    @Test
    void aSharedIndexGrantedReadOnlyIsReadButNotWritten() {
        ServiceScope shared = new ServiceScope(List.of("logs-aa-00001-a-*", "logs-aa-00001-i-*", "logs-bb-00002-i-app"),
                List.of("logs-aa-00001-i-*"));

        checked("GET", "/logs-bb-00002-i-app/_search", "/logs-bb-00002-i-app/_search").verify(shared);
        // the alias that led to it is now an alias to readable indices only
        checked("GET", "/_search", "/" + READ_A + ",logs-bb-00002-i-app/_search").verify(shared);
        deny("GET", "/logs-bb-00002-a-all/_search", OUTSIDE).verify(shared);
        deny("PUT", "/logs-bb-00002-i-app/_doc/1", "may write").verify(shared);
    }

    @Test
    void exclusionsApplyToWhatCameBeforeThemAndARepeatAddsBack() {
        checked("GET", "/logs-aa-00001-i-*,-logs-aa-00001-i-web/_search", "/logs-aa-00001-i-app/_search").verify(A);
        checked("GET", "/logs-aa-00001-i-*,-logs-aa-00001-i-web,logs-aa-00001-i-web/_search", "/" + READ_A + "/_search").verify(A);
        checked("GET", "/_all,logs-*,logs-aa-00001-a-*/_search", "/" + READ_A + "/_search").verify(A);
    }
}
