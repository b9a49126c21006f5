package io.logstokengateway.registry;

import io.logstokengateway.error.GatewayError;

import java.sql.SQLException;

/**
 * The registry database failed; callers answer 503 without details. The message names the failure by its
 * SQLState and type only: a driver's own message can quote row values (sealed secrets, hashes) or a JDBC URL
 * with its credentials, and this message ends up in logs. The cause stays attached for a debugger.
 */
public class RegistryUnavailableException extends GatewayError {
    public RegistryUnavailableException(SQLException cause) {
        super(Kind.UNAVAILABLE, "The token registry is unavailable (SQLState " + cause.getSQLState() + ", "
                + cause.getClass().getSimpleName() + ")", cause);
    }

    @Override
    public String clientMessage() {
        return "The token registry is temporarily unavailable, try again later";
    }
}
