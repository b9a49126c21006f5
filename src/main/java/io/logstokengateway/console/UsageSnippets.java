package io.logstokengateway.console;

import io.quarkus.qute.TemplateData;

/**
 * Ready-to-paste usage of a token: curl against both APIs, Grafana data source settings, Kibana and OpenSearch
 * Dashboards settings. An address the operator has not configured is left as a visible placeholder, never guessed.
 */
final class UsageSnippets {

    static final String GRAYLOG_PLACEHOLDER = "https://<graylog-api-address>";
    static final String SEARCH_PLACEHOLDER = "https://<search-api-address>";

    private UsageSnippets() {
    }

    @TemplateData
    record Snippets(String curlGraylog, String curlSearch, String grafana, String kibana, String dashboards) {
    }

    static Snippets of(String token, String username, ConsoleViews.Urls urls) {
        String graylog = trimSlash(urls.graylogApi() != null ? urls.graylogApi() : GRAYLOG_PLACEHOLDER);
        String search = trimSlash(urls.searchApi() != null ? urls.searchApi() : SEARCH_PLACEHOLDER);
        String indices = username + "-i-*";
        // saved objects must live inside the service's write patterns, not in the default .kibana index
        String savedObjects = username + "-i-kibana";
        return new Snippets(
                "curl -u '" + token + ":token' -H 'Accept: application/json' \\\n  '" + graylog
                        + "/api/search/universal/relative?query=*&range=300'",
                "curl -u '" + token + ":token' \\\n  '" + search + "/" + indices + "/_search?q=*&size=10'",
                "Type:             Elasticsearch (or OpenSearch)\n"
                        + "URL:              " + search + "\n"
                        + "Basic auth:       on\n"
                        + "User:             " + token + "\n"
                        + "Password:         token\n"
                        + "Index name:       " + indices + "\n"
                        + "Time field name:  timestamp\n"
                        + "PPL (OpenSearch): off",
                "# kibana.yml (Kibana 7.10 OSS)\n"
                        + "elasticsearch.hosts: [\"" + search + "\"]\n"
                        + "elasticsearch.username: \"" + token + "\"\n"
                        + "elasticsearch.password: \"token\"\n"
                        + "kibana.index: \"" + savedObjects + "\"\n"
                        + "# index pattern: " + indices,
                "# opensearch_dashboards.yml\n"
                        + "opensearch.hosts: [\"" + search + "\"]\n"
                        + "opensearch.username: \"" + token + "\"\n"
                        + "opensearch.password: \"token\"\n"
                        + "opensearchDashboards.index: \"" + savedObjects + "\"\n"
                        + "# index pattern: " + indices);
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
