package io.logstokengateway.api;

import io.logstokengateway.auth.ClientAddress;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;

/**
 * Authenticates and authorises every operation of the management listener as its {@link Access} declares, before it
 * runs; the caller is then the {@link RequestCaller}. It runs on the operation's worker thread (an account check
 * waits for a password hash).
 */
public class ManagementAccess {

    private static final Logger LOG = Logger.getLogger(ManagementAccess.class);

    private final ApiCallers callers;
    private final RequestCaller requestCaller;

    public ManagementAccess(ApiCallers callers, RequestCaller requestCaller) {
        this.callers = callers;
        this.requestCaller = requestCaller;
    }

    @ServerRequestFilter
    public void check(ContainerRequestContext context, ResourceInfo resource, HttpServerRequest request) {
        Access access = declared(resource.getResourceMethod(), resource.getResourceClass());
        if (access == null) {
            // a defect: fail closed, and say so to the operator
            LOG.warnf("No access rule is declared for %s: refused", resource.getResourceMethod());
            throw ApiCallers.unauthenticated();
        }
        String authorization = context.getHeaderString(HttpHeaders.AUTHORIZATION);
        String client = ClientAddress.of(request);
        switch (access.value()) {
            case OPERATOR -> requestCaller.set(callers.requireOperator(authorization, client));
            case SERVICE -> requestCaller.set(callers.requireService(authorization, client,
                    context.getUriInfo().getPathParameters().getFirst("serviceName")));
            case CALLER -> requestCaller.set(callers.authenticate(authorization, ApiCallers.MANAGEMENT, client));
            case CONSOLE -> {
                // the console's session and CSRF checks are its own
            }
        }
    }

    private static Access declared(Method method, Class<?> type) {
        Access onMethod = method == null ? null : method.getAnnotation(Access.class);
        return onMethod != null ? onMethod : type == null ? null : type.getAnnotation(Access.class);
    }
}
