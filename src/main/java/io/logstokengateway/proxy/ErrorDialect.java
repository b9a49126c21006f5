package io.logstokengateway.proxy;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Errors the gateway itself answers, in the language of the API the client thinks it talks to. */
public enum ErrorDialect {

    /** Elasticsearch/OpenSearch error JSON, as their clients parse it. */
    ELASTICSEARCH {
        @Override
        String body(int status, String type, String reason) {
            JsonObject cause = new JsonObject().put("type", type).put("reason", reason);
            return new JsonObject()
                    .put("error", cause.copy().put("root_cause", new JsonArray().add(cause)))
                    .put("status", status)
                    .encode();
        }
    },

    /** Graylog's {@code ApiError} JSON. */
    GRAYLOG {
        @Override
        String body(int status, String type, String reason) {
            return new JsonObject().put("type", "ApiError").put("message", reason).encode();
        }
    };

    static final String REALM = "Basic realm=\"logs-token-gateway\"";

    abstract String body(int status, String type, String reason);

    /** Answers the request with this error, unless an answer has already started. */
    Future<Void> send(HttpServerRequest request, int status, String type, String reason) {
        return sendAsUpstream(request, status, body(status, type, reason));
    }

    /** Answers with a JSON body of the upstream's own making (what it answers to the same request), unless an answer has started. */
    Future<Void> sendAsUpstream(HttpServerRequest request, int status, String json) {
        HttpServerResponse response = request.response();
        if (response.headWritten() || response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        response.setStatusCode(status).putHeader("Content-Type", "application/json; charset=UTF-8");
        if (status == 401) {
            response.putHeader("WWW-Authenticate", REALM);
        }
        return request.method() == HttpMethod.HEAD ? response.end() : response.end(json);
    }
}
