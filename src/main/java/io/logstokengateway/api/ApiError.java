package io.logstokengateway.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.logstokengateway.error.GatewayError;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The error body of the management API, in the OVHcloud dialect its clients already parse:
 * {@code {"class": "Client::NotFound", "message": "..."}}. The message is shown to the caller as is, so it never
 * carries a secret or a fragment of the request body. Registered for reflection: it reaches Jackson only as the
 * entity of a {@link Response} (exception mappers), which Quarkus cannot see when it registers the API's types for the
 * native executable (without it, Jackson there writes {@code {}}).
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"class", "message"})
public record ApiError(@JsonProperty("class") String errorClass, String message) {

    /** Sent with every 401 so that curl and browsers know Basic credentials are expected. */
    public static final String BASIC_CHALLENGE = "Basic realm=\"logs-token-gateway\"";

    /** The OVHcloud error class of an HTTP status. */
    public static String classOf(int status) {
        return switch (status) {
            case 400 -> "Client::BadRequest";
            case 401 -> "Client::Unauthorized";
            case 403 -> "Client::Forbidden";
            case 404 -> "Client::NotFound";
            case 405 -> "Client::MethodNotAllowed";
            case 406 -> "Client::NotAcceptable";
            case 409 -> "Client::Conflict";
            case 413 -> "Client::RequestEntityTooLarge";
            case 415 -> "Client::UnsupportedMediaType";
            case 429 -> "Client::TooManyRequests";
            case 503 -> "Server::ServiceUnavailable";
            default -> status < 500 ? "Client::BadRequest" : "Server::InternalServerError";
        };
    }

    /** The body of the answer to a {@link GatewayError}: the management API's one mapping of the error model. */
    public static ApiError of(GatewayError e) {
        return new ApiError(classOf(e.status()), e.clientMessage());
    }

    /** The whole answer to a {@link GatewayError}, with its {@code Retry-After} when it has one. */
    static Response response(GatewayError e) {
        Response answer = response(e.status(), e.clientMessage());
        e.retryAfterSeconds().ifPresent(seconds -> answer.getHeaders().putSingle(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
        return answer;
    }

    /** The whole answer for a status and a caller-safe message. */
    static Response response(int status, String message) {
        Response.ResponseBuilder answer = Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(classOf(status), message));
        if (status == 401) {
            answer.header(HttpHeaders.WWW_AUTHENTICATE, BASIC_CHALLENGE);
        }
        return answer.build();
    }
}
