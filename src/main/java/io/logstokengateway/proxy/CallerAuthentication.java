package io.logstokengateway.proxy;

import io.logstokengateway.auth.Caller;
import io.vertx.core.Future;

/** Who is calling, from a request's {@code Authorization} header: the gateway's {@code Authenticator} in production. */
@FunctionalInterface
interface CallerAuthentication {

    /** The caller, or a failure that says why not (an {@code Authenticator} refusal, a limit, a broken registry). */
    Future<Caller> authenticate(String authorization, String listener, String clientAddress);
}
