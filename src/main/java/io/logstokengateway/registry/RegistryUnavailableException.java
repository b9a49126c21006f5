package io.logstokengateway.registry;

import java.sql.SQLException;

/**
 * The registry database failed; callers answer 503/500 without details. The message names the failure by its
 * SQLState and type only: a driver's own message can quote row values (sealed secrets, hashes) or a JDBC URL
 * with its credentials, and this message ends up in logs. The cause stays attached for a debugger.
 */
public class RegistryUnavailableException extends RuntimeException {
    public RegistryUnavailableException(SQLException cause) {
        super("The token registry is unavailable (SQLState " + cause.getSQLState() + ", " + cause.getClass().getSimpleName() + ")", cause);
    }
}
