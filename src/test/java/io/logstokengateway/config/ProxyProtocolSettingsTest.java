package io.logstokengateway.config;

import io.logstokengateway.testsupport.GatewayConfigs;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway refuses to start on PROXY protocol settings it cannot honour safely. */
class ProxyProtocolSettingsTest {

    private static List<String> problems(Map<String, String> properties, boolean managementProxyProtocol) {
        Map<String, String> settings = new HashMap<>(properties);
        settings.put("gateway.elasticsearch.upstream", "http://127.0.0.1:9200");
        settings.put("gateway.graylog.upstream", "http://127.0.0.1:9000");
        return ConfigValidator.problems(GatewayConfigs.of(settings), managementProxyProtocol);
    }

    @Test
    void numericSourcesAreAccepted() {
        assertEquals(List.of(), problems(Map.of("gateway.proxy-protocol.trusted-sources", "10.0.0.0/8, fd00::/8,192.0.2.10"), false));
        assertEquals(List.of(), problems(Map.of(), false));
    }

    @Test
    void aNameOrABadPrefixIsRefusedAndNamed() {
        List<String> problems = problems(Map.of("gateway.proxy-protocol.trusted-sources", "10.0.0.0/8,lb.example.com"), false);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("gateway.proxy-protocol.trusted-sources: 'lb.example.com'"), problems.get(0));
    }

    @Test
    void quarkusProxyProtocolOnTheManagementListenerIsRefused() {
        List<String> problems = problems(Map.of(), true);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("quarkus.http.proxy.use-proxy-protocol:"), problems.get(0));
    }
}
