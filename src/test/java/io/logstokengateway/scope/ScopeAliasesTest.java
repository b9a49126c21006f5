package io.logstokengateway.scope;

import static io.logstokengateway.scope.ScopeCase.bodyDenied;
import static io.logstokengateway.scope.ScopeCase.checked;
import static io.logstokengateway.scope.ScopeCase.deny;
import static io.logstokengateway.scope.ScopeCase.forward;
import static io.logstokengateway.scope.ScopeCase.rewritten;
import static io.logstokengateway.scope.ScopeRulesTest.A;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Alias changes, run as service A (writes {@code logs-aa-00001-i-*}, reads {@code -a-*} too): the alias and the
 * indices it points at must both lie within the write patterns.
 */
class ScopeAliasesTest {

    private static final String MANAGE = "outside the names this token may manage";
    private static final String MAY_WRITE = "is outside the indices this token may write";

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void aliasesStayWithinTheWritePatterns(ScopeCase request) {
        request.verify(A);
    }

    static Stream<ScopeCase> aliasesStayWithinTheWritePatterns() {
        return Stream.of(
                // what the Kibana / OpenSearch Dashboards saved-objects migrator sends
                checked("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-aa-00001-i-kibana_1\",\"alias\":\"logs-aa-00001-i-kibana\"}}"),
                        "/_aliases"),
                checked("POST", "/_aliases", actions("{\"remove\":{\"index\":\"logs-aa-00001-i-kibana_1\",\"alias\":\"logs-aa-00001-i-kibana\"}}",
                        "{\"add\":{\"index\":\"logs-aa-00001-i-kibana_2\",\"alias\":\"logs-aa-00001-i-kibana\"}}"), "/_aliases"),
                // wildcards become the concrete indices they reach (none here: no index of 2026 exists)
                rewritten("POST", "/_aliases", actions("{\"add\":{\"indices\":[\"logs-aa-00001-i-2026.*\",\"-logs-aa-00001-i-2026.01\"],"
                        + "\"aliases\":[\"logs-aa-00001-i-year\"],\"is_write_index\":false}}"), "/_aliases",
                        actions("{\"add\":{\"indices\":[\"" + IndexScoping.NOTHING + "\"],"
                        + "\"aliases\":[\"logs-aa-00001-i-year\"],\"is_write_index\":false}}")),
                rewritten("POST", "/_aliases", actions("{\"remove\":{\"index\":\"logs-aa-00001-i-*\",\"alias\":\"logs-aa-00001-i-old*\"}}"),
                        "/_aliases", actions("{\"remove\":{\"index\":[\"logs-aa-00001-i-app\",\"logs-aa-00001-i-web\"],"
                        + "\"alias\":\"logs-aa-00001-i-old*\"}}")),
                rewritten("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-*\",\"alias\":\"logs-aa-00001-i-all\"}}"),
                        "/_aliases", actions("{\"add\":{\"index\":[\"logs-aa-00001-i-app\",\"logs-aa-00001-i-web\"],"
                        + "\"alias\":\"logs-aa-00001-i-all\"}}")),
                checked("POST", "/_aliases", actions("{\"remove_index\":{\"index\":\"logs-aa-00001-i-tmp\"}}"), "/_aliases"),
                checked("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-aa-00001-i-x\",\"alias\":\"logs-aa-00001-i-errors\","
                        + "\"filter\":{\"term\":{\"level\":\"ERROR\"}}}}"), "/_aliases"),
                // an alias named outside the write patterns, or pointing outside them
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-aa-00001-i-x\",\"alias\":\"logs-bb-00002-i-feed\"}}"), MANAGE),
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-aa-00001-i-x\",\"alias\":\"logs-aa-00001-a-mine\"}}"), MANAGE),
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-aa-00001-i-x\",\"alias\":\"logs-aa-000010-i-x\"}}"), MANAGE),
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-bb-00002-i-x\",\"alias\":\"logs-aa-00001-i-stolen\"}}"), MAY_WRITE),
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-aa-00001-a-shared\",\"alias\":\"logs-aa-00001-i-s\"}}"), MAY_WRITE),
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-bb-*\",\"alias\":\"logs-aa-00001-i-all\"}}"), "matches no index"),
                // an existing alias within the write patterns that leads to another tenant's index is not a way in
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-aa-00001-i-app\",\"alias\":\"logs-aa-00001-i-mine\"}}",
                        "{\"remove\":{\"index\":\"logs-aa-00001-a-evil\",\"alias\":\"logs-aa-00001-i-mine\"}}"), MAY_WRITE),
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":\"_all\",\"alias\":\"logs-aa-00001-i-all\"}}"), "must name its indices"),
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"indices\":[\"logs-aa-00001-i-x\",\"logs-bb-00002-i-x\"],"
                        + "\"alias\":\"logs-aa-00001-i-two\"}}"), MAY_WRITE),
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-aa-00001-i-x\",\"alias\":\"logs-aa-00001-i-*\"}}"),
                        "not allowed here"),
                bodyDenied("POST", "/_aliases", actions("{\"remove\":{\"index\":\"logs-aa-00001-i-x\",\"alias\":\"*\"}}"), MANAGE),
                bodyDenied("POST", "/_aliases", actions("{\"remove\":{\"index\":\"logs-bb-00002-i-x\",\"alias\":\"logs-aa-00001-i-x\"}}"), MAY_WRITE),
                bodyDenied("POST", "/_aliases", actions("{\"remove_index\":{\"index\":\"logs-aa-00001-i-*\"}}"), "must name its indices"),
                bodyDenied("POST", "/_aliases", actions("{\"remove_index\":{\"index\":\"logs-bb-00002-i-x\"}}"), MAY_WRITE),
                // a filter runs on every search through the alias: checked like a search body
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-aa-00001-i-x\",\"alias\":\"logs-aa-00001-i-f\","
                        + "\"filter\":{\"terms\":{\"user\":{\"index\":\"logs-bb-00002-i-users\",\"id\":\"1\",\"path\":\"u\"}}}}}"),
                        "logs-bb-00002-i-users"),
                // malformed or unknown shapes
                bodyDenied("POST", "/_aliases", "", "needs a body"),
                bodyDenied("POST", "/_aliases", "{\"actions\":[]}", "non-empty array"),
                bodyDenied("POST", "/_aliases", "{\"actions\":[],\"extra\":1}", "[extra]"),
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-aa-00001-i-x\",\"alias\":\"logs-aa-00001-i-y\"},"
                        + "\"remove\":{\"index\":\"logs-aa-00001-i-x\",\"alias\":\"logs-aa-00001-i-z\"}}"), "one of"),
                bodyDenied("POST", "/_aliases", actions("{\"rename\":{\"index\":\"logs-aa-00001-i-x\"}}"), "[rename]"),
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"alias\":\"logs-aa-00001-i-y\"}}"), "needs [index]"),
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-aa-00001-i-x\"}}"), "needs [alias]"),
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-aa-00001-i-x\",\"indices\":[\"logs-bb-00002-i-x\"],"
                        + "\"alias\":\"logs-aa-00001-i-y\"}}"), "not both"),
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":1,\"alias\":\"logs-aa-00001-i-y\"}}"), "string"),
                bodyDenied("POST", "/_aliases", actions("{\"add\":{\"index\":\"logs-aa-00001-i-x\",\"alias\":\"logs-aa-00001-i-y\",\"script\":{}}}"),
                        "[script]"),
                // the path forms
                checked("PUT", "/logs-aa-00001-i-x/_alias/logs-aa-00001-i-current", "", "/logs-aa-00001-i-x/_alias/logs-aa-00001-i-current"),
                checked("POST", "/logs-aa-00001-i-*/_aliases/logs-aa-00001-i-all", "{\"is_write_index\":false}",
                        "/logs-aa-00001-i-app,logs-aa-00001-i-web/_aliases/logs-aa-00001-i-all"),
                bodyDenied("PUT", "/logs-aa-00001-i-x/_alias/logs-aa-00001-i-f", "{\"filter\":{\"more_like_this\":{\"like\":"
                        + "[{\"_index\":\"logs-bb-00002-i-x\",\"_id\":\"1\"}]}}}", "logs-bb-00002-i-x"),
                bodyDenied("PUT", "/logs-aa-00001-i-x/_alias/logs-aa-00001-i-y", "{\"routing\":\"1\",\"other\":true}", "[other]"),
                deny("PUT", "/logs-aa-00001-i-x/_alias/logs-bb-00002-a-evil", MANAGE),
                deny("PUT", "/logs-bb-00002-i-x/_alias/logs-aa-00001-i-stolen", MAY_WRITE),
                deny("PUT", "/_all/_alias/logs-aa-00001-i-all", "must name its indices"),
                deny("PUT", "/_alias/logs-aa-00001-i-x", "is not allowed"),
                forward("DELETE", "/logs-aa-00001-i-x/_alias/logs-aa-00001-i-current", "/logs-aa-00001-i-x/_alias/logs-aa-00001-i-current"),
                forward("DELETE", "/logs-aa-00001-i-*/_aliases/logs-aa-00001-i-old*",
                        "/logs-aa-00001-i-app,logs-aa-00001-i-web/_aliases/logs-aa-00001-i-old*"),
                deny("DELETE", "/logs-aa-00001-i-x/_alias/logs-aa-00001-a-mine", MANAGE),
                deny("DELETE", "/logs-aa-00001-i-x/_alias/*", MANAGE),
                deny("DELETE", "/_all/_alias/*", "must name its indices"));
    }

    private static String actions(String... actions) {
        return "{\"actions\":[" + String.join(",", actions) + "]}";
    }
}
