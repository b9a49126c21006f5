package io.logstokengateway.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.PropertyBindingException;
import io.logstokengateway.error.GatewayError;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Arrays;
import java.util.Collection;
import java.util.stream.Collectors;

/**
 * Every failure of the management API becomes {@code {"class", "message"}} with the matching status. Messages are
 * written here, never copied from an exception that may quote the request (and so a password). Framework failures
 * (unknown path, wrong method, unreadable body) are translated only under {@code /dbaas/logs} and {@code /admin};
 * elsewhere on the listener they keep Quarkus' default answers.
 */
public class ApiExceptionMappers {

    private static final Logger LOG = Logger.getLogger(ApiExceptionMappers.class);

    @ServerExceptionMapper
    public Response refused(GatewayError e) {
        if (e.kind() == GatewayError.Kind.UNAVAILABLE) {
            // The failure's own words are for the operator; the client gets the error's client message.
            LOG.errorf("Management API call failed: %s", e.getMessage());
        } else {
            LOG.debugf("Management API refusal %d: %s", e.status(), e.getMessage());
        }
        return ApiError.response(e);
    }

    @ServerExceptionMapper
    public Response unreadableBody(MismatchedInputException e, UriInfo uri) {
        if (!inManagementApi(uri)) {
            return Response.status(400).build();
        }
        String message = describe(e);
        LOG.debugf("Management API body refused: %s", message);
        return ApiError.response(400, message);
    }

    @ServerExceptionMapper
    public Response framework(WebApplicationException e, UriInfo uri, Request request) {
        if (!inManagementApi(uri)) {
            return e.getResponse();
        }
        return ApiError.response(e.getResponse().getStatus(), describe(e, request.getMethod()));
    }

    /**
     * The framework could not decode the request (bad percent-encoding in a form, say): the client's mistake, not a
     * fault, so no stack trace. The exception's message quotes the undecodable input, which may be a password: not logged.
     */
    @ServerExceptionMapper
    public Response undecodable(IllegalArgumentException e, UriInfo uri) {
        StackTraceElement[] trace = e.getStackTrace();
        if (trace.length == 0 || !trace[0].getClassName().startsWith("org.jboss.resteasy.reactive.")) {
            return unexpected(e, uri);
        }
        LOG.debugf("Request to %s could not be decoded (%s at %s)", uri.getPath(), e.getClass().getSimpleName(), trace[0]);
        if (!inManagementApi(uri)) {
            return Response.status(400).type(MediaType.TEXT_PLAIN_TYPE).entity("The request could not be decoded").build();
        }
        return ApiError.response(400, "The request could not be decoded (percent-encoding or character set)");
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        // A fault of ours: the stack trace goes to the log, the client gets no detail.
        LOG.errorf(e, "Request to %s failed", uri.getPath());
        if (!inManagementApi(uri)) {
            return Response.serverError().build();
        }
        return ApiError.response(500, "Internal server error");
    }

    private static boolean inManagementApi(UriInfo uri) {
        String path = uri.getPath();
        String relative = path.startsWith("/") ? path.substring(1) : path;
        return relative.equals("dbaas/logs") || relative.startsWith("dbaas/logs/")
                || relative.equals("admin") || relative.startsWith("admin/");
    }

    private static String describe(WebApplicationException e, String method) {
        if (e instanceof NotFoundException) {
            return "No such call in the management API";
        }
        if (e instanceof NotAllowedException) {
            return "Method " + method + " is not allowed on this path";
        }
        if (e instanceof NotSupportedException) {
            return "The body must be application/json";
        }
        if (e instanceof NotAcceptableException) {
            return "The management API answers application/json only";
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            // The reader wraps syntax errors; Jackson's message may quote the body, so only the position is given.
            JsonLocation at = json.getLocation();
            return at == null ? "The body is not valid JSON"
                    : "The body is not valid JSON (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        return status.getReasonPhrase() != null ? status.getReasonPhrase() : "Request refused";
    }

    /** "name must be a string", "unknown field 'nmae' (expected: ...)": the field and what was expected, never the value. */
    static String describe(MismatchedInputException e) {
        String field = fieldPath(e);
        if (e instanceof PropertyBindingException unknown) {
            String expected = unknown.getKnownPropertyIds() == null ? ""
                    : unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ", " (expected: ", ")"));
            return "Unknown field '" + field + "'" + expected;
        }
        if (field.isEmpty()) {
            return "The body must be a JSON object";
        }
        Class<?> target = e.getTargetType();
        if (target == null) {
            return field + " has the wrong type";
        }
        if (target == String.class) {
            return field + " must be a string";
        }
        if (target.isEnum()) {
            return field + " must be one of " + Arrays.stream(target.getEnumConstants()).map(String::valueOf).collect(Collectors.joining(", "));
        }
        if (Collection.class.isAssignableFrom(target)) {
            return field + " must be a list of strings";
        }
        if (target.isRecord()) {
            return field + " must be a JSON object";
        }
        return field + " has the wrong type";
    }

    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference step : e.getPath()) {
            if (step.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(step.getFieldName());
            } else if (step.getIndex() >= 0) {
                path.append('[').append(step.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
