package io.logstokengateway.console;

import io.logstokengateway.e2e.Http;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The console as a script without a browser drives it: cookies and CSRF fields handled by hand. */
final class ConsoleClient {

    private static final Pattern CSRF_FIELD = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final int port;
    private String sessionCookie;
    private String csrf;

    ConsoleClient(int port) {
        this.port = port;
    }

    /** Signs in with account credentials and answers the sign-in response (303 on success). */
    HttpResponse<String> signIn(String username, String password) {
        return signIn(Map.of("method", "account", "username", username, "password", password));
    }

    HttpResponse<String> signInAsOperator(String key) {
        return signIn(Map.of("method", "operator", "key", key));
    }

    private HttpResponse<String> signIn(Map<String, String> fields) {
        HttpResponse<String> page = get("/console/login");
        String nonce = cookie(page, ConsoleWeb.LOGIN_COOKIE).orElseThrow();
        Map<String, String> form = new LinkedHashMap<>(fields);
        form.put("csrf", csrfIn(page.body()));
        HttpResponse<String> answer = Http.send(Http.request(port, "/console/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", ConsoleWeb.LOGIN_COOKIE + "=" + nonce)
                .POST(HttpRequest.BodyPublishers.ofString(encode(form))).build());
        cookie(answer, ConsoleWeb.SESSION_COOKIE).ifPresent(id -> sessionCookie = id);
        if (answer.statusCode() == 303) {
            HttpResponse<String> landing = get(answer.headers().firstValue("Location").orElseThrow());
            csrf = csrfIn(landing.body());
        }
        return answer;
    }

    HttpResponse<String> get(String path) {
        HttpRequest.Builder request = Http.request(port, URI.create(path).getPath()).GET();
        if (sessionCookie != null) {
            request.header("Cookie", ConsoleWeb.SESSION_COOKIE + "=" + sessionCookie);
        }
        return Http.send(request.build());
    }

    /** A form post with this session's cookie; the CSRF field only when {@code withCsrf}. */
    HttpResponse<String> post(String path, Map<String, String> fields, boolean withCsrf) {
        Map<String, String> form = new LinkedHashMap<>(fields);
        if (withCsrf) {
            form.put("csrf", csrf);
        }
        HttpRequest.Builder request = Http.request(port, path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(encode(form)));
        if (sessionCookie != null) {
            request.header("Cookie", ConsoleWeb.SESSION_COOKIE + "=" + sessionCookie);
        }
        return Http.send(request.build());
    }

    String csrf() {
        return csrf;
    }

    String sessionCookie() {
        return sessionCookie;
    }

    static Optional<String> cookie(HttpResponse<?> response, String name) {
        return response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith(name + "="))
                .map(c -> c.substring(name.length() + 1, c.indexOf(';')))
                .filter(v -> !v.isEmpty())
                .findFirst();
    }

    static String csrfIn(String html) {
        Matcher m = CSRF_FIELD.matcher(html);
        if (!m.find()) {
            throw new AssertionError("no CSRF field in the page");
        }
        return m.group(1);
    }

    private static String encode(Map<String, String> form) {
        return form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
