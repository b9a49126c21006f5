package io.logstokengateway.console;

import io.logstokengateway.api.Access;
import io.logstokengateway.api.ApiCaller;
import io.logstokengateway.api.ApiCallers;
import io.logstokengateway.audit.AuditLog;
import io.logstokengateway.auth.ClientAddress;
import io.logstokengateway.error.GatewayError;
import io.smallrye.common.annotation.Blocking;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Signing in to and out of the console. The credentials are those of the management API, checked by the same
 * {@link ApiCallers} (a service's account, or the operator key) behind the same guessing throttle: the console has no
 * rules of its own about who may sign in, only a session behind.
 */
@Path("/console")
@Blocking
@Access(Access.Who.CONSOLE)
public class ConsoleLoginResource {

    private static final Logger LOG = Logger.getLogger(ConsoleLoginResource.class);
    /** The listener name of console sign-ins in the audit log and the metrics. */
    static final String LISTENER = "console";
    static final String FAILED = "Sign-in failed. Check your credentials and try again.";
    static final String THROTTLED = "Too many failed sign-ins. Wait a few minutes, then try again.";

    private final ApiCallers callers;
    private final ConsoleSessions sessions;
    private final ConsolePages pages;
    private final AuditLog audit;

    @Context
    HttpServerRequest request;

    public ConsoleLoginResource(ApiCallers callers, ConsoleSessions sessions, ConsolePages pages, AuditLog audit) {
        this.callers = callers;
        this.sessions = sessions;
        this.pages = pages;
        this.audit = audit;
    }

    @GET
    public Response home(@CookieParam(ConsoleWeb.SESSION_COOKIE) String sessionId) {
        return sessions.find(sessionId).map(ConsoleLoginResource::landing)
                .orElseGet(() -> ConsoleWeb.seeOther("/console/login")).build();
    }

    @GET
    @Path("/login")
    public Response loginPage(@CookieParam(ConsoleWeb.SESSION_COOKIE) String sessionId) {
        if (sessions.find(sessionId).isPresent()) {
            return home(sessionId);
        }
        return loginForm(200, null, false).build();
    }

    @POST
    @Path("/login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response login(@CookieParam(ConsoleWeb.LOGIN_COOKIE) String nonce, @FormParam(ConsoleWeb.CSRF_FIELD) String csrf,
                          @FormParam("method") String method, @FormParam("username") String username,
                          @FormParam("password") String password, @FormParam("key") String key) {
        if (nonce == null || !ConsoleSessions.sameToken(nonce, csrf)) {
            throw ConsoleWeb.csrfRefused();
        }
        boolean operator = "operator".equals(method);
        String address = ClientAddress.of(request);
        String authorization = operator ? bearer(key) : basic(username, password);
        ApiCaller caller;
        try {
            caller = callers.authenticate(authorization, LISTENER, address); // throttled and audited there
        } catch (GatewayError refused) {
            if (refused.kind() == GatewayError.Kind.UNAVAILABLE) {
                throw refused; // not the caller's doing: answered by the console's mapping
            }
            LOG.debugf("Console sign-in refused (%d) for a client at %s", refused.status(), address);
            if (refused.status() == 429) {
                return loginForm(429, THROTTLED, operator).header(HttpHeaders.RETRY_AFTER, refused.retryAfterSeconds().orElse(0L)).build();
            }
            return loginForm(401, FAILED, operator).build();
        }
        ConsoleSession session = sessions.open(caller);
        audit.change("console.login", caller.describe(), Map.of("client", address));
        return landing(session)
                .header(HttpHeaders.SET_COOKIE, ConsoleWeb.cookie(ConsoleWeb.SESSION_COOKIE, session.id(), request))
                .header(HttpHeaders.SET_COOKIE, ConsoleWeb.expiredCookie(ConsoleWeb.LOGIN_COOKIE, request))
                .build();
    }

    @POST
    @Path("/logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response logout(@CookieParam(ConsoleWeb.SESSION_COOKIE) String sessionId, @FormParam(ConsoleWeb.CSRF_FIELD) String csrf) {
        ConsoleSession session = sessions.find(sessionId).orElse(null);
        if (session != null) {
            if (!ConsoleSessions.sameToken(session.csrfToken(), csrf)) {
                throw ConsoleWeb.csrfRefused();
            }
            sessions.close(sessionId);
            audit.change("console.logout", session.caller().describe(), Map.of());
        }
        return ConsoleWeb.seeOther("/console/login")
                .header(HttpHeaders.SET_COOKIE, ConsoleWeb.expiredCookie(ConsoleWeb.SESSION_COOKIE, request)).build();
    }

    @ServerExceptionMapper
    public Response refused(GatewayError e) {
        return ConsoleWeb.answer(e, pages);
    }

    private Response.ResponseBuilder loginForm(int status, String message, boolean operatorOpen) {
        String nonce = sessions.randomToken();
        return ConsoleWeb.html(status, pages.login(nonce, message, operatorOpen))
                .header(HttpHeaders.SET_COOKIE, ConsoleWeb.cookie(ConsoleWeb.LOGIN_COOKIE, nonce, request));
    }

    /** Where a signed-in caller starts: its service, or the service picker for the operator. */
    private static Response.ResponseBuilder landing(ConsoleSession session) {
        ApiCaller caller = session.caller();
        return ConsoleWeb.seeOther(caller.operator() ? "/console/services" : "/console/services/" + caller.serviceName());
    }

    /** The management API's header for these account credentials; {@code null} when a part is missing. */
    private static String basic(String username, String password) {
        if (username == null || username.isBlank() || password == null || password.isEmpty() || username.indexOf(':') >= 0) {
            return null;
        }
        return "Basic " + Base64.getEncoder().encodeToString((username.trim() + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static String bearer(String key) {
        return key == null || key.isBlank() ? null : "Bearer " + key.trim();
    }

}
