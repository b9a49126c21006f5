package io.logstokengateway.proxy;

import io.logstokengateway.auth.Caller;
import io.logstokengateway.scope.Decision;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Only the Graylog REST API ({@code /api/**}) goes through; every other path is the web interface, which tokens
 * must not open. Tokens may not open web sessions nor manage the upstream's own access tokens either. Graylog serves
 * parts of its web interface under {@code /api} too: its API browser, and its start page for any path no API resource
 * matches, so an HTML answer is refused as well. The decision is taken on the path and query as Graylog's JAX-RS
 * server reads them, and what is forwarded is rebuilt from that reading; matrix parameters ({@code ;}), which that
 * server strips before it dispatches, are refused.
 */
final class GraylogRoutePolicy implements RoutePolicy {

    private static final Pattern UPSTREAM_TOKEN_PATHS = Pattern.compile("/api/users/[^/]+/tokens(/.*)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern SESSION_PATHS = Pattern.compile("/api/system/sessions(/.*)?", Pattern.CASE_INSENSITIVE);
    /** Graylog's REST API browser (Swagger UI): HTML, scripts and style sheets of a web page. */
    private static final String API_BROWSER = "/api/api-browser";
    private static final Set<String> WEB_PAGE_TYPES = Set.of("text/html", "application/xhtml+xml");

    private final String webUiRefusal;

    GraylogRoutePolicy(Optional<String> webUiUrl) {
        this.webUiRefusal = "The Graylog web interface cannot be used through the gateway; only the API under /api is forwarded."
                + webUiUrl.map(url -> " Open the web interface at " + url + " with your account credentials.").orElse("");
    }

    @Override
    public Refusal beforeAuthentication(HttpServerRequest request) {
        Optional<RequestPath> path = RequestPath.of(request.path());
        if (path.isEmpty()) {
            return Refusal.badRequest("the request path is not valid percent-encoded UTF-8");
        }
        if (path.get().hasMatrixParameters()) {
            return Refusal.badRequest("a ';' (matrix parameters) is not allowed in a path through the gateway");
        }
        if (!path.get().isUnder("/api") || path.get().isUnder(API_BROWSER)) {
            return Refusal.forbidden(webUiRefusal);
        }
        if (GraylogQuery.rebuild(request.query()).isEmpty()) {
            return Refusal.badRequest("the query string is not valid percent-encoded UTF-8, or has more than "
                    + GraylogQuery.MAX_PARAMETERS + " parameters");
        }
        return null;
    }

    @Override
    public Future<Decision> route(HttpServerRequest request, Caller caller, long arrivedNanos) {
        return Future.succeededFuture(decide(request, caller));
    }

    @Override
    public Future<Decision> routeAgain(HttpServerRequest request, Caller caller, long arrivedNanos) {
        return route(request, caller, arrivedNanos);
    }

    private Decision decide(HttpServerRequest request, Caller caller) {
        RequestPath path = RequestPath.of(request.path()).orElseThrow(); // checked before authentication
        if (caller.viaToken()) {
            if (SESSION_PATHS.matcher(path.normalized()).matches()) {
                return new Decision.Deny("an API token cannot open a Graylog web session");
            }
            if (UPSTREAM_TOKEN_PATHS.matcher(path.normalized()).matches()) {
                return new Decision.Deny("an API token cannot manage Graylog access tokens");
            }
        }
        String forwarded = path.forwardable();
        String query = GraylogQuery.rebuild(request.query()).orElseThrow(); // checked before authentication
        return new Decision.Forward(query.isEmpty() ? forwarded : forwarded + "?" + query);
    }

    @Override
    public Refusal refuseAnswer(MultiMap upstreamHeaders) {
        String contentType = upstreamHeaders.get(HttpHeaders.CONTENT_TYPE);
        if (contentType == null) {
            return null;
        }
        int parameters = contentType.indexOf(';');
        String mediaType = (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
        return WEB_PAGE_TYPES.contains(mediaType) ? Refusal.forbidden(webUiRefusal) : null;
    }
}
