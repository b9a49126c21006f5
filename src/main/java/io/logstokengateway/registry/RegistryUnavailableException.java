package io.logstokengateway.registry;

import java.sql.SQLException;

/** The registry database failed; callers answer 503/500 without details, the cause is logged once. */
public class RegistryUnavailableException extends RuntimeException {
    public RegistryUnavailableException(SQLException cause) {
        super("The token registry is unavailable: " + cause.getMessage(), cause);
    }
}
