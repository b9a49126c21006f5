package io.logstokengateway.api;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Body of {@code POST /dbaas/logs/{serviceName}/user/changePassword}. */
@Schema(name = "PasswordChange")
public record ChangePasswordRequest(
        @Schema(required = true, minLength = 12, maxLength = 256) String password) {

    @Override
    public String toString() {
        return "ChangePasswordRequest[redacted]";
    }
}
