package io.logstokengateway.console;

import io.logstokengateway.error.GatewayError;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.net.URI;

/** Cookies, redirects and HTML answers of the console, and the facts about a request it needs. */
final class ConsoleWeb {

    static final String SESSION_COOKIE = "console_session";
    /** Login CSRF: a nonce in a cookie that the sign-in form must echo (double submit), before any session exists. */
    static final String LOGIN_COOKIE = "console_login";
    static final String CSRF_FIELD = "csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String COOKIE_PATH = "/console";
    static final MediaType HTML = MediaType.valueOf("text/html;charset=UTF-8");

    private static final Logger LOG = Logger.getLogger(ConsoleWeb.class);

    private ConsoleWeb() {
    }

    static String cookie(String name, String value, HttpServerRequest request) {
        return name + "=" + value + "; Path=" + COOKIE_PATH + "; HttpOnly; SameSite=Strict" + (secure(request) ? "; Secure" : "");
    }

    static String expiredCookie(String name, HttpServerRequest request) {
        return name + "=; Path=" + COOKIE_PATH + "; Max-Age=0; HttpOnly; SameSite=Strict" + (secure(request) ? "; Secure" : "");
    }

    /** Over TLS, directly or (when the operator enabled proxy-address forwarding) as a trusted proxy says. */
    static boolean secure(HttpServerRequest request) {
        return request.isSSL() || "https".equalsIgnoreCase(request.scheme());
    }

    static Response.ResponseBuilder html(int status, String body) {
        return Response.status(status).type(HTML).entity(body);
    }

    static Response.ResponseBuilder seeOther(String path) {
        return Response.seeOther(URI.create(path));
    }

    static boolean wantsJson(String accept) {
        return accept != null && accept.contains("application/json") && !accept.contains("text/html");
    }

    /** A request that needs a session came without a live one: back to the sign-in page. */
    static GatewayError notSignedIn() {
        return new GatewayError(GatewayError.Kind.UNAUTHENTICATED, "Not signed in.");
    }

    /** A POST without this session's CSRF token. */
    static GatewayError csrfRefused() {
        return GatewayError.forbidden("This form has expired or did not come from the console. Go back, reload the page and try again.");
    }

    /** A service the caller may not see, or a token that is not there: answered like one that does not exist. */
    static GatewayError notFound(String message) {
        return new GatewayError(GatewayError.Kind.NOT_FOUND, message);
    }

    /** The console's one mapping of the error model: a page (or, not signed in, the way to the sign-in page). */
    static Response answer(GatewayError e, ConsolePages pages) {
        return switch (e.kind()) {
            case UNAUTHENTICATED -> seeOther("/console/login").build();
            case NOT_FOUND -> html(404, pages.error(null, "Not found", e.clientMessage())).build();
            case UNAVAILABLE -> {
                LOG.errorf("Console request failed: %s", e.getMessage());
                yield html(503, pages.error(null, "Temporarily unavailable", "The console cannot reach its registry. Try again in a minute.")).build();
            }
            default -> {
                Response.ResponseBuilder page = html(e.status(), pages.error(null, "Request refused", e.clientMessage()));
                e.retryAfterSeconds().ifPresent(seconds -> page.header(HttpHeaders.RETRY_AFTER, seconds));
                yield page.build();
            }
        };
    }
}
