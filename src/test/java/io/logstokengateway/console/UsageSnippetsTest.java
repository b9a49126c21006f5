package io.logstokengateway.console;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.logstokengateway.crypto.SearchContextSeal;
import io.logstokengateway.scope.Decision;
import io.logstokengateway.scope.IndexCatalog;
import io.logstokengateway.scope.ScopeContext;
import io.logstokengateway.scope.ScopeLimits;
import io.logstokengateway.scope.ScopeRules;
import io.logstokengateway.scope.SearchContexts;
import io.logstokengateway.scope.ServiceScope;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The console's ready-to-paste settings must be settings the gateway then accepts. */
class UsageSnippetsTest {

    private static final String USER = "logs-ab-12345";
    /** A service's default patterns, as the registry sets them. */
    private static final ServiceScope DEFAULT_SCOPE = new ServiceScope(List.of(USER + "-a-*", USER + "-i-*"), List.of(USER + "-i-*"));
    /** A first start: the cluster holds none of the service's indices yet. */
    private static final ScopeContext FIRST_START = new ScopeContext("ldp-ab-12345", DEFAULT_SCOPE, IndexCatalog.EMPTY, true,
            new SearchContexts(new SearchContextSeal(new byte[32]), Duration.ofHours(1), Clock.systemUTC()), ScopeLimits.DEFAULTS);

    @Test
    void dashboardsAndKibanaKeepTheirSavedObjectsWhereTheServiceMayWrite() {
        UsageSnippets.Snippets snippets = UsageSnippets.of("TOKENVALUE", USER, new ConsoleViews.Urls(null, "https://search.example", null));
        for (String[] setting : new String[][] {{snippets.dashboards(), "opensearchDashboards.index"}, {snippets.kibana(), "kibana.index"}}) {
            Matcher index = Pattern.compile(Pattern.quote(setting[1]) + ": \"([^\"]+)\"").matcher(setting[0]);
            assertTrue(index.find(), setting[0]);
            String name = index.group(1);
            // what the saved-objects migrator does first: create <name>_1, then point <name> at it
            assertInstanceOf(Decision.ForwardCheckedBody.class, ScopeRules.decide("PUT", "/" + name + "_1", null, FIRST_START).decision());
            assertInstanceOf(Decision.ForwardCheckedBody.class, ScopeRules.decide("PUT", "/" + name + "_1/_alias/" + name, null, FIRST_START).decision());
        }
    }

    @Test
    void anUnconfiguredAddressIsAPlaceholder() {
        UsageSnippets.Snippets snippets = UsageSnippets.of("TOKENVALUE", USER, new ConsoleViews.Urls(null, null, null));
        assertTrue(snippets.curlSearch().contains(UsageSnippets.SEARCH_PLACEHOLDER), snippets.curlSearch());
        assertTrue(snippets.curlGraylog().contains(UsageSnippets.GRAYLOG_PLACEHOLDER), snippets.curlGraylog());
        assertTrue(snippets.grafana().contains("PPL (OpenSearch): off"), snippets.grafana());
    }
}
