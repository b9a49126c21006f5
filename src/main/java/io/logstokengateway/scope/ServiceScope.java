package io.logstokengateway.scope;

import java.util.List;

/** The indices and aliases a service may read, and those it may write, as index name patterns ({@code *} wildcards). */
public record ServiceScope(List<String> readPatterns, List<String> writePatterns) {

    public ServiceScope {
        readPatterns = List.copyOf(readPatterns);
        writePatterns = List.copyOf(writePatterns);
    }
}
