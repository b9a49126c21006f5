package io.logstokengateway.api;

import io.logstokengateway.audit.AuditLog;
import io.logstokengateway.config.GatewayConfig;
import io.logstokengateway.error.GatewayError;
import io.logstokengateway.registry.OperationRecord;
import io.logstokengateway.registry.Operations;
import io.logstokengateway.registry.ServiceRecord;
import io.logstokengateway.registry.Services;
import io.logstokengateway.registry.Tokens;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecuritySchemes;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The token API, compatible with the OVHcloud {@code /dbaas/logs} calls scripts and the Terraform provider use.
 * Each call is authenticated and checked against the service it names before it runs, as {@link Access} declares,
 * then hands over to the registry ({@link Services}, {@link Tokens}, {@link Operations}), where every rule lives. Blocking (the registry is JDBC, account checks hash passwords): Quarkus runs it on worker threads.
 */
@Path("/dbaas/logs")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@Tag(name = "Tokens", description = "API tokens of a service, OVHcloud /dbaas/logs compatible")
@SecuritySchemes({
        @SecurityScheme(securitySchemeName = "account", type = SecuritySchemeType.HTTP, scheme = "basic",
                description = "The service's account username and password"),
        @SecurityScheme(securitySchemeName = "operator", type = SecuritySchemeType.HTTP, scheme = "bearer",
                description = "The operator key (gateway.admin.key)")})
@SecurityRequirement(name = "account")
@SecurityRequirement(name = "operator")
@Access(Access.Who.SERVICE)
public class TokenResource {

    private final Services services;
    private final Tokens tokens;
    private final Operations operations;
    private final RequestCaller caller;
    private final AuditLog audit;
    private final GatewayConfig.PublicUrl publicUrls;

    public TokenResource(Services services, Tokens tokens, Operations operations, RequestCaller caller, AuditLog audit,
                         GatewayConfig config) {
        this.services = services;
        this.tokens = tokens;
        this.operations = operations;
        this.audit = audit;
        this.caller = caller;
        this.publicUrls = config.publicUrl();
    }

    @GET
    @Access(Access.Who.CALLER)
    @Operation(summary = "List the services the caller may see")
    public List<String> services() {
        if (!caller.get().operator()) {
            return List.of(caller.get().serviceName());
        }
        return services.services().stream().map(ServiceRecord::serviceName).toList();
    }

    @GET
    @Path("/{serviceName}")
    @Operation(summary = "Describe a service")
    public ServiceSummary service(@PathParam("serviceName") String serviceName) {
        return ServiceSummary.of(existing(serviceName));
    }

    @GET
    @Path("/{serviceName}/url")
    @Operation(summary = "List the public addresses of the Graylog API, the search API and the Graylog web interface")
    public List<PublicUrl> urls(@PathParam("serviceName") String serviceName) {
        existing(serviceName);
        // Only the addresses the operator configured: an absent one is omitted rather than guessed.
        List<PublicUrl> urls = new ArrayList<>();
        addIfSet(urls, publicUrls.graylogApi(), PublicUrl.Type.GRAYLOG_API);
        addIfSet(urls, publicUrls.elasticsearchApi(), PublicUrl.Type.ELASTICSEARCH_API);
        addIfSet(urls, publicUrls.graylogWebui(), PublicUrl.Type.GRAYLOG_WEBUI);
        return urls;
    }

    @POST
    @Path("/{serviceName}/token")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictJsonReader.class)
    @Operation(summary = "Create a token", description = "Answers an Operation; poll it until SUCCESS, then read its tokenId")
    public OperationView createToken(@PathParam("serviceName") String serviceName, CreateTokenRequest request) {
        CreateTokenRequest body = StrictJsonReader.requireBody(request);
        OperationRecord operation = tokens.createToken(serviceName, body.name(), body.clusterId(),
                IsoTimes.parseOptional("expiresAt", body.expiresAt()));
        audit.change("token.created", caller.get().describe(), Map.of("service", serviceName, "tokenId", operation.tokenId()));
        return OperationView.of(operation);
    }

    @GET
    @Path("/{serviceName}/token")
    @Operation(summary = "List the ids of the service's tokens")
    public List<String> tokenIds(@PathParam("serviceName") String serviceName) {
        return tokens.tokenIds(serviceName);
    }

    @GET
    @Path("/{serviceName}/token/{tokenId}")
    @Operation(summary = "Read a token, with its value") // answered with Cache-Control: no-store, like every management answer
    public TokenDetails token(@PathParam("serviceName") String serviceName, @PathParam("tokenId") String tokenId) {
        return TokenDetails.of(tokens.token(serviceName, tokenId));
    }

    @DELETE
    @Path("/{serviceName}/token/{tokenId}")
    @Operation(summary = "Revoke a token", description = "Refused by this node at once; the Operation reaches SUCCESS when every live node refuses it")
    public OperationView deleteToken(@PathParam("serviceName") String serviceName, @PathParam("tokenId") String tokenId) {
        OperationRecord operation = tokens.deleteToken(serviceName, tokenId);
        audit.change("token.deleted", caller.get().describe(), Map.of("service", serviceName, "tokenId", tokenId));
        return OperationView.of(operation);
    }

    @GET
    @Path("/{serviceName}/operation")
    @Operation(summary = "List the ids of the service's operations")
    public List<String> operationIds(@PathParam("serviceName") String serviceName) {
        return operations.operationIds(serviceName);
    }

    @GET
    @Path("/{serviceName}/operation/{operationId}")
    @Operation(summary = "Read an operation")
    public OperationView operation(@PathParam("serviceName") String serviceName, @PathParam("operationId") String operationId) {
        return OperationView.of(operations.operation(serviceName, operationId));
    }

    @POST
    @Path("/{serviceName}/user/changePassword")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictJsonReader.class)
    @Operation(summary = "Change the account password", description = "Every node forgets the old password at once")
    public OperationView changePassword(@PathParam("serviceName") String serviceName, ChangePasswordRequest request) {
        OperationRecord operation = services.changePassword(serviceName, StrictJsonReader.requireBody(request).password());
        audit.change("service.password-changed", caller.get().describe(), Map.of("service", serviceName));
        return OperationView.of(operation);
    }

    private ServiceRecord existing(String serviceName) {
        return services.service(serviceName)
                .orElseThrow(() -> GatewayError.notFound("service " + serviceName));
    }

    private static void addIfSet(List<PublicUrl> urls, Optional<String> address, PublicUrl.Type type) {
        address.filter(a -> !a.isBlank()).ifPresent(a -> urls.add(new PublicUrl(a, type)));
    }
}
