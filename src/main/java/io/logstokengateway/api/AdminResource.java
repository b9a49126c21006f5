package io.logstokengateway.api;

import io.logstokengateway.audit.AuditLog;
import io.logstokengateway.error.GatewayError;
import io.logstokengateway.registry.Services;
import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;
import java.util.Map;

/**
 * The operator's provisioning API: create, inspect, change and delete services. Only the operator key is accepted
 * (a service's account gets 403), as {@link Access} declares. Blocking, like {@link TokenResource}; every rule lives in {@link Services}.
 */
@Path("/admin/services")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
@Tag(name = "Admin", description = "Provisioning of services, operator key only")
@SecurityRequirement(name = "operator")
@Access(Access.Who.OPERATOR)
public class AdminResource {

    private final Services services;
    private final AuditLog audit;

    public AdminResource(Services services, AuditLog audit) {
        this.services = services;
        this.audit = audit;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictJsonReader.class)
    @Operation(summary = "Provision a service")
    @APIResponse(responseCode = "201", description = "The service, without its secrets")
    public RestResponse<AdminServiceView> create(ServiceRequest request) {
        AdminServiceView created = AdminServiceView.of(services.createService(StrictJsonReader.requireBody(request).toSpec()));
        audit.change("service.created", ApiCaller.OPERATOR.describe(), Map.of("service", created.serviceName()));
        return RestResponse.ResponseBuilder.<AdminServiceView>created(
                        UriBuilder.fromResource(AdminResource.class).path(created.serviceName()).build())
                .entity(created)
                .build();
    }

    @GET
    @Operation(summary = "List the services")
    public List<AdminServiceView> list() {
        return services.services().stream().map(AdminServiceView::of).toList();
    }

    @GET
    @Path("/{serviceName}")
    @Operation(summary = "Describe a service")
    public AdminServiceView get(@PathParam("serviceName") String serviceName) {
        return services.service(serviceName).map(AdminServiceView::of)
                .orElseThrow(() -> GatewayError.notFound("service " + serviceName));
    }

    @PATCH
    @Path("/{serviceName}")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictJsonReader.class)
    @Operation(summary = "Change a service", description = "Absent fields are kept; every node forgets the service's cached credentials")
    public AdminServiceView update(@PathParam("serviceName") String serviceName, ServiceRequest request) {
        AdminServiceView updated = AdminServiceView.of(services.updateService(serviceName, StrictJsonReader.requireBody(request).toSpec()));
        audit.change("service.changed", ApiCaller.OPERATOR.describe(), Map.of("service", serviceName));
        return updated;
    }

    @DELETE
    @Path("/{serviceName}")
    @Operation(summary = "Delete a service", description = "Revokes all its tokens")
    @APIResponse(responseCode = "204", description = "Deleted")
    public void delete(@PathParam("serviceName") String serviceName) {
        services.deleteService(serviceName);
        audit.change("service.deleted", ApiCaller.OPERATOR.describe(), Map.of("service", serviceName));
    }
}
