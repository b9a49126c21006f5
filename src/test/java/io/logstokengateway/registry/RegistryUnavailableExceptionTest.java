package io.logstokengateway.registry;

import io.logstokengateway.error.GatewayError;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class RegistryUnavailableExceptionTest {

    @Test
    void theMessageNamesTheFailureWithoutQuotingTheDriver() {
        SQLException driver = new SQLException("null value in column \"name\" violates not-null constraint; Failing row contains "
                + "(t1, ldp-1, null, sealed-secret-value, argon2-hash)", "23502");
        RegistryUnavailableException e = new RegistryUnavailableException(driver);
        assertEquals("The token registry is unavailable (SQLState 23502, SQLException)", e.getMessage());
        assertFalse(e.getMessage().contains("sealed-secret-value"));
    }

    @Test
    void theClientIsToldOnlyThatTheRegistryIsUnavailable() {
        RegistryUnavailableException e = new RegistryUnavailableException(new SQLException("Failing row contains (sealed-secret-value)", "08006"));
        assertEquals(GatewayError.Kind.UNAVAILABLE, e.kind());
        assertEquals(503, e.status());
        assertEquals("The token registry is temporarily unavailable, try again later", e.clientMessage());
    }
}
