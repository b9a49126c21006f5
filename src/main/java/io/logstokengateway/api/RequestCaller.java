package io.logstokengateway.api;

import jakarta.enterprise.context.RequestScoped;

/** The caller of the management operation under way, as {@link ManagementAccess} authenticated it. */
@RequestScoped
public class RequestCaller {

    private ApiCaller caller;

    void set(ApiCaller caller) {
        this.caller = caller;
    }

    /** The caller; an operation whose {@link Access} checked none has none. */
    public ApiCaller get() {
        if (caller == null) {
            throw new IllegalStateException("no caller was authenticated for this operation");
        }
        return caller;
    }
}
