package io.logstokengateway.console;

import io.logstokengateway.api.Access;
import io.logstokengateway.audit.AuditLog;
import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.error.GatewayError;
import io.logstokengateway.registry.OperationRecord;
import io.logstokengateway.registry.ServiceRecord;
import io.logstokengateway.registry.Services;
import io.logstokengateway.registry.TokenView;
import io.logstokengateway.registry.Tokens;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The console's service pages: the operator's service picker, a service with its tokens, creating and deleting a
 * token. Every rule (names, lifetimes, limits, revocation) is the registry's ({@link Services}, {@link Tokens}), as for the token API; the
 * console adds the session, the CSRF check and the audit line naming the actor.
 */
@Path("/console/services")
@Blocking
@Access(Access.Who.CONSOLE)
public class ConsoleServiceResource {

    private final Services services;
    private final Tokens tokens;
    private final ConsoleSessions sessions;
    private final ConsolePages pages;
    private final AuditLog audit;
    private final ConsoleViews.Urls urls;

    public ConsoleServiceResource(Services services, Tokens tokens, ConsoleSessions sessions, ConsolePages pages, AuditLog audit,
                                  GatewayConfig config) {
        this.services = services;
        this.tokens = tokens;
        this.sessions = sessions;
        this.pages = pages;
        this.audit = audit;
        GatewayConfig.PublicUrl publicUrl = config.publicUrl();
        this.urls = new ConsoleViews.Urls(configured(publicUrl.graylogApi()), configured(publicUrl.elasticsearchApi()),
                configured(publicUrl.graylogWebui()));
    }

    @GET
    public Response picker(@CookieParam(ConsoleWeb.SESSION_COOKIE) String sessionId) {
        ConsoleSession session = session(sessionId);
        if (!session.caller().operator()) {
            return ConsoleWeb.seeOther("/console/services/" + session.caller().serviceName()).build();
        }
        List<ServiceRecord> all = services.services().stream().sorted(Comparator.comparing(ServiceRecord::serviceName)).toList();
        return ConsoleWeb.html(200, pages.services(session, all)).build();
    }

    @GET
    @Path("/{serviceName}")
    public Response service(@CookieParam(ConsoleWeb.SESSION_COOKIE) String sessionId, @PathParam("serviceName") String serviceName) {
        ConsoleSession session = session(sessionId);
        ServiceRecord service = visible(session, serviceName);
        return ConsoleWeb.html(200, servicePage(session, service, null, null, null)).build();
    }

    @POST
    @Path("/{serviceName}/tokens")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response createToken(@CookieParam(ConsoleWeb.SESSION_COOKIE) String sessionId, @PathParam("serviceName") String serviceName,
                                @FormParam(ConsoleWeb.CSRF_FIELD) String csrf, @FormParam("name") String name,
                                @FormParam("expires") String expires) {
        ConsoleSession session = postingSession(sessionId, csrf, null);
        ServiceRecord service = visible(session, serviceName);
        String trimmedName = name == null ? null : name.strip();
        OperationRecord operation;
        try {
            operation = tokens.createToken(serviceName, trimmedName, null, endOfDay(expires));
        } catch (GatewayError refused) {
            if (refused.kind() == GatewayError.Kind.UNAVAILABLE) {
                throw refused;
            }
            int status = refused.kind() == GatewayError.Kind.CONFLICT ? 409 : 422;
            return ConsoleWeb.html(status, servicePage(session, service, refused.clientMessage(), trimmedName, expires)).build();
        }
        audit.change("token.created", session.caller().describe(),
                Map.of("service", serviceName, "tokenId", operation.tokenId(), "via", "console"));
        session.showOnce(operation.tokenId());
        return ConsoleWeb.seeOther("/console/services/" + serviceName + "#new-token").build();
    }

    @GET
    @Path("/{serviceName}/tokens/{tokenId}/delete")
    public Response confirmDelete(@CookieParam(ConsoleWeb.SESSION_COOKIE) String sessionId, @PathParam("serviceName") String serviceName,
                                  @PathParam("tokenId") String tokenId) {
        ConsoleSession session = session(sessionId);
        ServiceRecord service = visible(session, serviceName);
        TokenView token = existingToken(serviceName, tokenId);
        return ConsoleWeb.html(200, pages.confirmDelete(session, ConsoleViews.ServiceView.of(service),
                ConsoleViews.TokenRow.of(token.token()))).build();
    }

    /** The confirmed deletion: a form post (then back to the service page), or the page's script asking for JSON. */
    @POST
    @Path("/{serviceName}/tokens/{tokenId}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response deleteToken(@CookieParam(ConsoleWeb.SESSION_COOKIE) String sessionId, @PathParam("serviceName") String serviceName,
                                @PathParam("tokenId") String tokenId, @FormParam(ConsoleWeb.CSRF_FIELD) String csrf,
                                @HeaderParam(ConsoleWeb.CSRF_HEADER) String csrfHeader, @HeaderParam(HttpHeaders.ACCEPT) String accept) {
        ConsoleSession session = postingSession(sessionId, csrf, csrfHeader);
        visible(session, serviceName);
        String name = existingToken(serviceName, tokenId).token().name();
        try {
            tokens.deleteToken(serviceName, tokenId);
        } catch (GatewayError gone) {
            throw gone.kind() == GatewayError.Kind.NOT_FOUND ? ConsoleWeb.notFound("This token does not exist (any more).") : gone;
        }
        audit.change("token.deleted", session.caller().describe(), Map.of("service", serviceName, "tokenId", tokenId, "via", "console"));
        if (ConsoleWeb.wantsJson(accept)) {
            return Response.ok(Map.of("deleted", tokenId, "name", name), MediaType.APPLICATION_JSON).build();
        }
        session.notice("Token \u201c" + name + "\u201d deleted: it is refused from now on.");
        return ConsoleWeb.seeOther("/console/services/" + serviceName).build();
    }

    @ServerExceptionMapper
    public Response refused(GatewayError e) {
        return ConsoleWeb.answer(e, pages);
    }

    private String servicePage(ConsoleSession session, ServiceRecord service, String error, String draftName, String draftExpires) {
        String serviceName = service.serviceName();
        List<ConsoleViews.TokenRow> tokens = this.tokens.tokenIds(serviceName).stream()
                .map(id -> readToken(serviceName, id))
                .flatMap(Optional::stream)
                .map(view -> ConsoleViews.TokenRow.of(view.token()))
                .sorted(Comparator.comparing((ConsoleViews.TokenRow t) -> t.created().iso()).reversed())
                .toList();
        ConsoleViews.NewToken created = null;
        String justCreated = session.takeCreatedTokenId();
        if (justCreated != null) {
            created = readToken(serviceName, justCreated).map(view -> new ConsoleViews.NewToken(view.token().tokenId(),
                    view.token().name(), view.value(), UsageSnippets.of(view.value(), service.username(), urls))).orElse(null);
        }
        String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).toString();
        return pages.service(session, new ConsoleViews.ServicePage(ConsoleViews.ServiceView.of(service), urls, tokens, created,
                session.takeNotice(), error, draftName, draftExpires, tomorrow));
    }

    private Optional<TokenView> readToken(String serviceName, String tokenId) {
        try {
            return Optional.of(tokens.token(serviceName, tokenId));
        } catch (GatewayError refused) {
            if (refused.kind() != GatewayError.Kind.NOT_FOUND) {
                throw refused;
            }
            return Optional.empty(); // deleted meanwhile
        }
    }

    private TokenView existingToken(String serviceName, String tokenId) {
        return readToken(serviceName, tokenId).orElseThrow(() -> ConsoleWeb.notFound("This token does not exist (any more)."));
    }

    private ConsoleSession session(String sessionId) {
        return sessions.find(sessionId).orElseThrow(ConsoleWeb::notSignedIn);
    }

    /** The session of a state-changing request: it must carry the session's CSRF token, in the form or the header. */
    private ConsoleSession postingSession(String sessionId, String csrfField, String csrfHeader) {
        ConsoleSession session = session(sessionId);
        if (!ConsoleSessions.sameToken(session.csrfToken(), csrfField) && !ConsoleSessions.sameToken(session.csrfToken(), csrfHeader)) {
            throw ConsoleWeb.csrfRefused();
        }
        return session;
    }

    /** The service, when this session may see it; otherwise answered exactly like a service that does not exist. */
    private ServiceRecord visible(ConsoleSession session, String serviceName) {
        Optional<ServiceRecord> service = session.caller().maySee(serviceName) ? services.service(serviceName) : Optional.empty();
        return service.orElseThrow(() -> ConsoleWeb.notFound("There is no service " + serviceName + " here."));
    }

    /** A date from the form's date field: the token is valid through that whole day (UTC). */
    private static Instant endOfDay(String date) {
        if (date == null || date.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(date.strip()).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw GatewayError.invalid("The expiry must be a date (YYYY-MM-DD).");
        }
    }

    private static String configured(Optional<String> url) {
        return url.filter(u -> !u.isBlank()).orElse(null);
    }
}
