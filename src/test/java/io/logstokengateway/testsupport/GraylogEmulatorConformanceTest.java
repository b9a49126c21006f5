package io.logstokengateway.testsupport;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keeps {@link GraylogEmulator} honest: the same requests, from the same user, sent to the emulator and to a real
 * Graylog 6.1 ({@link GraylogServer}) get the same status, media type and authentication challenge, and for errors
 * the same body. Ids differ between the two and are written as {@code {user}}, {@code {userId}}, {@code {stream}}.
 */
@ExtendWith(GraylogAvailability.class)
class GraylogEmulatorConformanceTest {

    private static final String PASSWORD = "Conformance-Password-1";
    private static final String USER = "conformance-" + UUID.randomUUID().toString().substring(0, 8);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One side of the comparison: where it listens, and the values of the placeholders there. */
    private record Side(URI uri, String token, Map<String, String> ids) {
        String fill(String template) {
            String filled = template;
            for (Map.Entry<String, String> id : ids.entrySet()) {
                filled = filled.replace("{" + id.getKey() + "}", id.getValue());
            }
            return filled;
        }

        /** The reverse of {@link #fill}: an answer with this side's ids written as placeholders. */
        String generalise(String answer) {
            String general = answer;
            for (Map.Entry<String, String> id : ids.entrySet()) {
                general = general.replace(id.getValue(), "{" + id.getKey() + "}");
            }
            return general;
        }
    }

    /** How a request authenticates. */
    enum Credentials { NONE, TOKEN, TOKEN_UPPER_CASE, TOKEN_AS_PASSWORD, WRONG_TOKEN, PASSWORD, NO_COLON }

    /**
     * A request and what must agree: {@code sameBody} for answers that carry no id of their own (errors, mostly).
     */
    record Case(String method, String path, Credentials credentials, Map<String, String> headers, String body, boolean sameBody) {
        @Override
        public String toString() {
            return method + " " + path + " " + credentials + (headers.isEmpty() ? "" : " " + headers);
        }
    }

    private static GraylogEmulator emulator;
    private static Side emulated;
    private static Side real;

    @BeforeAll
    static void sameUserOnBothSides() {
        emulator = GraylogEmulator.start();
        emulator.addUser(USER, PASSWORD);
        String emulatedToken = "emulated-" + UUID.randomUUID();
        emulator.addAccessToken(USER, emulatedToken);
        emulator.allowStream(USER, "5f0000000000000000000001");
        emulated = new Side(emulator.uri(), emulatedToken,
                Map.of("userId", emulator.userId(USER), "stream", "5f0000000000000000000001", "user", USER));

        GraylogServer graylog = GraylogServer.get();
        GraylogServer.User user = graylog.createUser(USER, PASSWORD);
        String stream = graylog.createStream(USER + " logs");
        graylog.shareStream(stream, user);
        real = new Side(graylog.uri(), graylog.createAccessToken(user, "conformance"),
                Map.of("userId", user.id(), "stream", stream, "user", USER));
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    static List<Case> cases() {
        Map<String, String> none = Map.of();
        Map<String, String> json = Map.of("Content-Type", "application/json");
        Map<String, String> jsonWrite = Map.of("Content-Type", "application/json", "X-Requested-By", "test");
        return List.of(
                // authentication
                new Case("GET", "/api/system", Credentials.NONE, none, null, true),
                new Case("GET", "/api/system", Credentials.WRONG_TOKEN, none, null, true),
                new Case("GET", "/api/system", Credentials.NO_COLON, none, null, true),
                new Case("GET", "/api/system", Credentials.TOKEN, none, null, false),
                new Case("GET", "/api/system", Credentials.TOKEN_UPPER_CASE, none, null, false),
                new Case("GET", "/api/system", Credentials.TOKEN_AS_PASSWORD, none, null, true),
                new Case("GET", "/api/system", Credentials.PASSWORD, none, null, false),
                new Case("GET", "/api/system", Credentials.NONE, Map.of("X-Requested-With", "XMLHttpRequest"), null, true),
                // Jersey's matching comes before authentication, the CSRF filter after it
                new Case("GET", "/api/system", Credentials.NONE, Map.of("Accept", "application/xml"), null, true),
                new Case("GET", "/api/system", Credentials.TOKEN, Map.of("Accept", "text/csv"), null, true),
                new Case("POST", "/api/views/search", Credentials.TOKEN, json, "{}", true),
                new Case("POST", "/api/views/search", Credentials.NONE, json, "{}", true),
                new Case("POST", "/api/views/search", Credentials.TOKEN, Map.of("Content-Type", "text/plain", "X-Requested-By", "test"), "{}", true),
                new Case("POST", "/api/views/search", Credentials.TOKEN, Map.of("Content-Type", "text/plain"), "{}", true),
                new Case("POST", "/api/views/search", Credentials.TOKEN, jsonWrite, "{\"queries\":[]}", false),
                // the web interface, under /api too
                new Case("GET", "/", Credentials.NONE, none, null, false),
                new Case("GET", "/streams", Credentials.NONE, none, null, false),
                new Case("GET", "/config.js", Credentials.NONE, none, null, false),
                new Case("GET", "/api/no-such-resource", Credentials.NONE, none, null, false),
                new Case("GET", "/api/no/such/resource", Credentials.TOKEN, none, null, false),
                new Case("HEAD", "/api/no-such-resource", Credentials.TOKEN, none, null, false),
                new Case("POST", "/api/no-such-resource", Credentials.TOKEN, jsonWrite, "{}", true),
                new Case("GET", "/api/system/no-such-resource", Credentials.TOKEN, none, null, true),
                new Case("GET", "/api/api-browser/", Credentials.NONE, none, null, true),
                new Case("GET", "/api/api-browser/", Credentials.TOKEN, none, null, false),
                // users and their access tokens
                new Case("GET", "/api/users/{user}", Credentials.TOKEN, none, null, false),
                new Case("GET", "/api/users/nobody", Credentials.TOKEN, none, null, true),
                new Case("GET", "/api/users/{userId}/tokens", Credentials.TOKEN, none, null, false),
                new Case("GET", "/api/users/{user}/tokens", Credentials.TOKEN, none, null, true),
                new Case("GET", "/api/users/0123456789abcdef01234567/tokens", Credentials.TOKEN, none, null, true),
                new Case("DELETE", "/api/users/{userId}/tokens/no-such-token", Credentials.TOKEN, jsonWrite, null, true),
                // sessions
                new Case("GET", "/api/system/sessions", Credentials.NONE, none, null, true),
                new Case("GET", "/api/system/sessions", Credentials.TOKEN, none, null, true),
                new Case("POST", "/api/system/sessions", Credentials.NONE, jsonWrite,
                        "{\"username\":\"{user}\",\"password\":\"wrong\",\"host\":\"\"}", true),
                new Case("POST", "/api/system/sessions", Credentials.NONE, json,
                        "{\"username\":\"{user}\",\"password\":\"wrong\",\"host\":\"\"}", true),
                // streams the user may read, and one it may not
                new Case("GET", "/api/streams", Credentials.TOKEN, none, null, false),
                new Case("GET", "/api/streams/{stream}", Credentials.TOKEN, none, null, false),
                new Case("GET", "/api/streams/000000000000000000000001", Credentials.TOKEN, none, null, true));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void emulatorAnswersAsGraylogDoes(Case request) throws Exception {
        HttpResponse<String> fromGraylog = send(real, request);
        HttpResponse<String> fromEmulator = send(emulated, request);
        String what = request + ": Graylog answered " + fromGraylog.statusCode() + " " + real.generalise(fromGraylog.body());
        assertEquals(fromGraylog.statusCode(), fromEmulator.statusCode(), what);
        assertEquals(mediaType(fromGraylog), mediaType(fromEmulator), what);
        assertEquals(fromGraylog.headers().firstValue("WWW-Authenticate"), fromEmulator.headers().firstValue("WWW-Authenticate"), what);
        if (request.sameBody()) {
            assertEquals(real.generalise(fromGraylog.body()), emulated.generalise(fromEmulator.body()), what);
        }
    }

    private static Optional<String> mediaType(HttpResponse<String> response) {
        return response.headers().firstValue("Content-Type").map(type -> type.split(";")[0].trim());
    }

    private static HttpResponse<String> send(Side side, Case request) throws IOException, InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(side.uri().resolve(side.fill(request.path())))
                .method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(side.fill(request.body())));
        request.headers().forEach(builder::header);
        String authorization = switch (request.credentials()) {
            case NONE -> null;
            case TOKEN -> GraylogServer.basic(side.token(), "token");
            case TOKEN_UPPER_CASE -> GraylogServer.basic(side.token(), "TOKEN");
            case TOKEN_AS_PASSWORD -> GraylogServer.basic("token", side.token());
            case WRONG_TOKEN -> GraylogServer.basic("no-such-token", "token");
            case PASSWORD -> GraylogServer.basic(USER, PASSWORD);
            case NO_COLON -> "Basic bm8tY29sb24=";
        };
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }
}
