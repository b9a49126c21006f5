import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Helper of run-demo.sh, run from source with a plain JDK 17 (no build, no dependency):
 *
 * <pre>
 *   java demo/Demo.java wait-for URL SECONDS [PID]
 *       Polls URL until it answers 2xx; fails after SECONDS, or as soon as process PID has exited.
 *
 *   DEMO_ADMIN_KEY=... java demo/Demo.java provision [--management URL] [--search URL] [--graylog URL]
 *       [--public-management URL] [--public-search URL] [--service NAME] [--username NAME]
 *       Through the gateway's own APIs: creates the service (admin API), creates a token (token API),
 *       indexes sample logs through the search listener with that token, checks a search, and prints
 *       ready-to-paste commands. The admin key comes from the environment so it never shows in ps.
 * </pre>
 */
public class Demo {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    public static void main(String[] args) {
        if (args.length == 0) {
            usage();
        }
        try {
            switch (args[0]) {
                case "wait-for" -> System.exit(waitFor(args));
                case "provision" -> {
                    provision(options(args));
                    System.exit(0);
                }
                default -> usage();
            }
        } catch (DemoFailure e) {
            System.err.println("demo: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            System.exit(130);
        } catch (RuntimeException e) {
            System.err.println("demo: " + e);
            System.exit(1);
        }
    }

    private static void usage() {
        System.err.println("""
                usage: java demo/Demo.java wait-for URL SECONDS [PID]
                       DEMO_ADMIN_KEY=... java demo/Demo.java provision [--management URL] [--search URL] [--graylog URL]
                                [--public-management URL] [--public-search URL] [--service NAME] [--username NAME]""");
        System.exit(64);
    }

    // ------------------------------------------------------------------ wait-for

    private static int waitFor(String[] args) throws InterruptedException {
        if (args.length < 3) {
            usage();
        }
        URI uri = URI.create(args[1]);
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[2])).toNanos();
        Optional<ProcessHandle> watched = args.length > 3 ? ProcessHandle.of(Long.parseLong(args[3])) : Optional.empty();
        if (args.length > 3 && watched.isEmpty()) {
            System.err.println("demo: process " + args[3] + " is not running");
            return 2;
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (watched.isPresent() && !watched.get().isAlive()) {
                System.err.println("demo: process " + args[3] + " exited before " + uri + " answered");
                return 2;
            }
            try {
                HttpResponse<Void> response = HTTP.send(request, HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    return 0;
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException notYet) {
                last = notYet.getClass().getSimpleName();
            }
            Thread.sleep(500);
        }
        System.err.println("demo: " + uri + " did not answer 2xx within " + args[2] + " s (last: " + last + ")");
        return 1;
    }

    // ------------------------------------------------------------------ provision

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("management", "http://127.0.0.1:8080");
        options.put("search", "http://127.0.0.1:9200");
        options.put("graylog", "http://127.0.0.1:9000");
        options.put("public-management", "http://localhost:8080");
        options.put("public-search", "http://localhost:9200");
        options.put("service", "ldp-demo-00001");
        options.put("username", "logs-demo-00001");
        for (int i = 1; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !options.containsKey(name) || i + 1 >= args.length) {
                usage();
            }
            options.put(name, stripSlash(args[i + 1]));
        }
        return options;
    }

    private static void provision(Map<String, String> o) throws InterruptedException {
        String adminKey = System.getenv("DEMO_ADMIN_KEY");
        if (adminKey == null || adminKey.isBlank()) {
            throw new DemoFailure("set DEMO_ADMIN_KEY to the gateway's gateway.admin.key");
        }
        String admin = "Bearer " + adminKey;
        String management = o.get("management");
        String service = o.get("service");
        String username = o.get("username");
        String serviceApi = management + "/dbaas/logs/" + service;

        // 1. The service (admin API). A previous run may have created it already.
        String password = randomSecret(24);
        Response created = send("POST", management + "/admin/services", admin, "application/json",
                "{" + field("serviceName", service) + "," + field("username", username) + ","
                        + field("password", password) + "," + field("displayName", "Demo service") + "}");
        if (created.status / 100 == 2) {
            say("Created service " + service + " (account " + username + ") with the admin API.");
        } else if (created.status == 409) {
            say("Service " + service + " already exists (from a previous run); keeping it.");
        } else if (created.status == 404 || created.status == 405) {
            throw new DemoFailure("POST /admin/services answered " + created.status
                    + ": this build of the gateway has no admin API yet");
        } else {
            throw created.failure("POST /admin/services");
        }

        // 2. Revoke the "demo" tokens of earlier runs, so runs do not pile up live tokens.
        int revoked = 0;
        for (Object id : asList(send("GET", serviceApi + "/token", admin, null, null).expect2xx("GET token list").json())) {
            Map<String, Object> token = asMap(send("GET", serviceApi + "/token/" + id, admin, null, null)
                    .expect2xx("GET token").json());
            if ("demo".equals(token.get("name"))) {
                Map<String, Object> operation = asMap(send("DELETE", serviceApi + "/token/" + id, admin, null, null)
                        .expect2xx("DELETE token").json());
                awaitOperation(serviceApi, admin, operation);
                revoked++;
            }
        }
        if (revoked > 0) {
            say("Revoked " + revoked + " token(s) named \"demo\" left by a previous run.");
        }

        // 3. A new token: the answer is an Operation, polled until SUCCESS, which then names the token.
        Map<String, Object> operation = asMap(send("POST", serviceApi + "/token", admin, "application/json",
                "{" + field("name", "demo") + "}").expect2xx("POST token").json());
        operation = awaitOperation(serviceApi, admin, operation);
        String tokenId = string(operation, "tokenId");
        Map<String, Object> token = asMap(send("GET", serviceApi + "/token/" + tokenId, admin, null, null)
                .expect2xx("GET token").json());
        String value = string(token, "value");
        String tokenAuth = basic(value, "token");
        say("Created token \"demo\" (" + tokenId + ") with the token API.");

        // 4. Sample logs, written through the gateway's search listener with the token.
        String index = username + "-i-demo";
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        StringBuilder bulk = new StringBuilder();
        String[][] samples = {
                {"INFO", "user alice signed in from 192.0.2.10"},
                {"WARN", "disk usage at 85% on web-1"},
                {"ERROR", "payment request timed out after 30 s"},
        };
        for (int i = 0; i < samples.length; i++) {
            // Fixed ids: a second run updates the same three documents instead of adding more.
            bulk.append("{\"index\":{").append(field("_id", "sample-" + (i + 1))).append("}}\n");
            bulk.append("{").append(field("timestamp", now.minusSeconds(60L * (samples.length - i)).toString())).append(",")
                    .append(field("level", samples[i][0])).append(",")
                    .append(field("message", samples[i][1])).append(",")
                    .append(field("host", "demo-host")).append("}\n");
        }
        Response indexed = send("POST", o.get("search") + "/" + index + "/_bulk?refresh=true", tokenAuth,
                "application/x-ndjson", bulk.toString()).expect2xx("POST /" + index + "/_bulk");
        if (!Boolean.FALSE.equals(asMap(indexed.json()).get("errors"))) {
            throw new DemoFailure("the bulk request reported errors: " + indexed.body);
        }
        say("Indexed " + samples.length + " sample log documents into " + index + " through the gateway (port 9200), with the token.");

        // 5. Check what the printed commands will show.
        String searchPath = "/" + username + "-i-*/_search?q=*";
        Map<String, Object> found = asMap(send("GET", o.get("search") + searchPath, tokenAuth, null, null)
                .expect2xx("GET " + searchPath).json());
        Object total = asMap(found.get("hits")).get("total");
        Object hits = total instanceof Map<?, ?> map ? map.get("value") : total;
        int wrong = send("GET", o.get("search") + searchPath, basic(randomSecret(32), "token"), null, null).status;
        int graylog = send("GET", o.get("graylog") + "/api/system", tokenAuth, null, null).status;
        say("Checked: a search with the token finds " + hits + " documents; a wrong token gets " + wrong
                + "; the Graylog API listener answers " + graylog + (graylog == 502 ? " (no Graylog runs in this demo)" : "") + ".");

        // 6. Ready-to-paste commands. Printing the token is the point of this demo: it goes to the
        //    terminal only, never to a file.
        String pm = o.get("public-management");
        String ps = o.get("public-search");
        String bearer = shellWord("Authorization: Bearer " + adminKey);
        String publicServiceApi = pm + "/dbaas/logs/" + service;
        say("");
        say("Search the sample logs with the token (user = token value, password = \"token\"):");
        say("  curl -u " + shellWord(value + ":token") + " \"" + ps + "/" + username + "-i-*/_search?q=*&pretty\"");
        say("The same token as a Bearer token:");
        say("  curl -H " + shellWord("Authorization: Bearer " + value) + " \"" + ps + "/" + username + "-i-*/_search?q=level:ERROR&pretty\"");
        say("");
        say("Token API (operator key; the service's account credentials work too):");
        say("  # list the tokens of " + service);
        say("  curl -H " + bearer + " " + publicServiceApi + "/token");
        say("  # show this token");
        say("  curl -H " + bearer + " " + publicServiceApi + "/token/" + tokenId);
        say("  # create another one (answers an Operation; GET .../operation/<operationId> until SUCCESS gives its tokenId)");
        say("  curl -H " + bearer + " -H 'Content-Type: application/json' -d '{\"name\":\"second\"}' " + publicServiceApi + "/token");
        say("  # delete this token: the search above then answers 401");
        say("  curl -X DELETE -H " + bearer + " " + publicServiceApi + "/token/" + tokenId);
        say("");
        // Only what this build serves.
        if (send("GET", management + "/console", null, null, null).status / 100 == 2) {
            say("Console: " + pm + "/console");
        }
        if (send("GET", management + "/q/swagger-ui/", null, null, null).status / 100 == 2) {
            say("API reference: " + pm + "/q/swagger-ui/");
        }
    }

    /** Polls an Operation until SUCCESS; fails on FAILURE or REVOKED or after 60 s. */
    private static Map<String, Object> awaitOperation(String serviceApi, String admin, Map<String, Object> operation)
            throws InterruptedException {
        String operationId = string(operation, "operationId");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            String state = String.valueOf(operation.get("state"));
            if ("SUCCESS".equals(state)) {
                return operation;
            }
            if ("FAILURE".equals(state) || "REVOKED".equals(state)) {
                throw new DemoFailure("operation " + operationId + " ended in state " + state);
            }
            if (System.nanoTime() > deadline) {
                throw new DemoFailure("operation " + operationId + " still " + state + " after 60 s");
            }
            Thread.sleep(250);
            operation = asMap(send("GET", serviceApi + "/operation/" + operationId, admin, null, null)
                    .expect2xx("GET operation").json());
        }
    }

    // ------------------------------------------------------------------ HTTP

    private record Response(int status, String body, String what) {
        Response expect2xx(String call) {
            if (status / 100 != 2) {
                throw failure(call);
            }
            return this;
        }

        DemoFailure failure(String call) {
            String shown = body.length() > 500 ? body.substring(0, 500) + "..." : body;
            return new DemoFailure(call + " answered HTTP " + status + (shown.isBlank() ? "" : ": " + shown));
        }

        Object json() {
            try {
                return new Json(body).parse();
            } catch (RuntimeException e) {
                throw new DemoFailure(what + " answered something that is not JSON: " + e.getMessage());
            }
        }
    }

    private static Response send(String method, String url, String authorization, String contentType, String body)
            throws InterruptedException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        String what = method + " " + URI.create(url).getRawPath();
        try {
            HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), what);
        } catch (ConnectException e) {
            throw new DemoFailure(what + ": nothing answers at " + URI.create(url).getAuthority());
        } catch (HttpTimeoutException e) {
            throw new DemoFailure(what + ": no answer within 30 s");
        } catch (IOException e) {
            throw new DemoFailure(what + ": " + e);
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ small helpers

    private static final class DemoFailure extends RuntimeException {
        DemoFailure(String message) {
            super(message);
        }
    }

    private static void say(String line) {
        System.out.println(line);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String randomSecret(int bytes) {
        byte[] random = new byte[bytes];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** The word as is when the shell leaves it alone, else single-quoted. */
    private static String shellWord(String word) {
        return word.matches("[A-Za-z0-9._~+/=:@%-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    private static String field(String name, String value) {
        return quote(name) + ":" + quote(value);
    }

    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String string(Map<String, Object> object, String name) {
        Object value = object.get(name);
        if (!(value instanceof String s) || s.isEmpty()) {
            throw new DemoFailure("expected a \"" + name + "\" string in " + object.keySet());
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object json) {
        if (json instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new DemoFailure("expected a JSON object, got " + (json == null ? "null" : json.getClass().getSimpleName()));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> asList(Object json) {
        if (json instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw new DemoFailure("expected a JSON array, got " + (json == null ? "null" : json.getClass().getSimpleName()));
    }

    /** Just enough JSON: objects, arrays, strings, numbers, true/false/null. */
    private static final class Json {
        private final String text;
        private int pos;

        Json(String text) {
            this.text = text;
        }

        Object parse() {
            Object value = value();
            skipSpace();
            if (pos != text.length()) {
                throw error("trailing characters");
            }
            return value;
        }

        private Object value() {
            skipSpace();
            if (pos >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(pos);
            switch (c) {
                case '{': {
                    pos++;
                    Map<String, Object> object = new LinkedHashMap<>();
                    skipSpace();
                    if (peek('}')) {
                        pos++;
                        return object;
                    }
                    while (true) {
                        skipSpace();
                        String key = string();
                        skipSpace();
                        expect(':');
                        object.put(key, value());
                        skipSpace();
                        if (peek(',')) {
                            pos++;
                        } else {
                            expect('}');
                            return object;
                        }
                    }
                }
                case '[': {
                    pos++;
                    List<Object> array = new ArrayList<>();
                    skipSpace();
                    if (peek(']')) {
                        pos++;
                        return array;
                    }
                    while (true) {
                        array.add(value());
                        skipSpace();
                        if (peek(',')) {
                            pos++;
                        } else {
                            expect(']');
                            return array;
                        }
                    }
                }
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    return number();
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (pos >= text.length()) {
                    break;
                }
                char e = text.charAt(pos++);
                switch (e) {
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw error("bad \\u escape");
                        }
                        out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        pos += 4;
                    }
                    default -> out.append(e);
                }
            }
            throw error("unterminated string");
        }

        private Object number() {
            int start = pos;
            while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
                pos++;
            }
            String n = text.substring(start, pos);
            if (n.isEmpty()) {
                throw error("unexpected character '" + text.charAt(pos) + "'");
            }
            return n.matches("-?\\d+") ? (Object) Long.parseLong(n) : (Object) Double.parseDouble(n);
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) {
                throw error("unexpected token");
            }
            pos += word.length();
            return value;
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private boolean peek(char c) {
            return pos < text.length() && text.charAt(pos) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at offset " + pos);
        }
    }
}
