package io.logstokengateway.testsupport.graylog;

import org.graylog2.plugin.Plugin;
import org.graylog2.plugin.PluginMetaData;
import org.graylog2.plugin.PluginModule;
import org.graylog2.plugin.ServerStatus;
import org.graylog2.plugin.Version;

import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * A Graylog plugin in place of the search-storage plugins ({@code graylog-storage-opensearch2}, ...), which are not
 * published on Maven Central. Without one Graylog does not start; with this one everything but search works for real.
 * Found on the classpath through {@code META-INF/services/org.graylog2.plugin.Plugin}.
 */
public final class SearchStorageStandIn implements Plugin {

    @Override
    public PluginMetaData metadata() {
        return new PluginMetaData() {
            @Override
            public String getUniqueId() {
                return SearchStorageStandIn.class.getName();
            }

            @Override
            public String getName() {
                return "Search storage stand-in";
            }

            @Override
            public String getAuthor() {
                return "logs-token-gateway";
            }

            @Override
            public URI getURL() {
                return URI.create("https://github.com/logs-token-gateway");
            }

            @Override
            public Version getVersion() {
                return Version.from(1, 0, 0);
            }

            @Override
            public String getDescription() {
                return "Answers Graylog's storage adapters with empty values; no search backend is contacted.";
            }

            @Override
            public Version getRequiredVersion() {
                return Version.from(6, 1, 0);
            }

            @Override
            public Set<ServerStatus.Capability> getRequiredCapabilities() {
                return Set.of();
            }
        };
    }

    @Override
    public Collection<PluginModule> modules() {
        return List.of(new SearchStorageStandInModule());
    }
}
