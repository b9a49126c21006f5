package io.logstokengateway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process stand-in for a Graylog server, for the search answers (a real Graylog runs in the tests, see
 * {@link GraylogServer}, but without a search backend) and for tests that must see exactly what reached the
 * upstream. It answers the way Graylog 6.1 answers where a client can tell, as checked against the real one by
 * {@code GraylogEmulatorConformanceTest}: Basic auth with user:password, {@code <token>:token} or
 * {@code <session>:session} (the word in any case); Jersey's 405, 406 and 415 before authentication, then 401, then
 * the {@code X-Requested-By} CSRF header on state-changing requests; per-stream read permissions; Graylog's error
 * bodies; and the web UI's index.html for every path no API resource matches, under {@code /api} too, and the API
 * browser. Every request is recorded.
 */
public final class GraylogEmulator implements AutoCloseable {

    /** Graylog's built-in "All messages" stream. */
    public static final String ALL_MESSAGES_STREAM = "000000000000000000000001";
    public static final String VERSION = "6.1.0";

    static final String INDEX_HTML = """
            <!DOCTYPE html>
            <html>
              <head>
                <meta charset="UTF-8">
                <title>Graylog Web Interface</title>
                <link rel="shortcut icon" href="/assets/favicon.png">
              </head>
              <body>
                <script src="/config.js"></script>
                <div id="app-root"></div>
                <script src="/assets/builtins.js"></script>
                <script src="/assets/app.js"></script>
              </body>
            </html>
            """;

    static final String CONFIG_JS = """
            window.appConfig = {
              gl2ServerUrl: '/api/',
              gl2AppPathPrefix: '/',
              rootTimeZone: 'UTC',
              isCloud: false,
            };
            """;

    static final String API_BROWSER_HTML = """

            <!DOCTYPE html>
            <html>
            <head>
              <title>Graylog REST API browser</title>
              <base href="/api/api-browser/global/index.html">
            </head>
            <body class="swagger-section"><div id="swagger-ui-container" class="swagger-ui-wrap"></div></body>
            </html>
            """;

    /** First path segments under {@code /api} of the resources the emulator knows: their unknown sub-paths are 404. */
    private static final Set<String> RESOURCE_ROOTS = Set.of("system", "search", "views", "streams", "users");

    /** What the emulator received, exactly as it arrived. */
    public record Recorded(String method, String rawPathAndQuery, Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }

        public String rawPath() {
            int q = rawPathAndQuery.indexOf('?');
            return q < 0 ? rawPathAndQuery : rawPathAndQuery.substring(0, q);
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private record User(String id, String name, String password, Set<String> streams) { }

    private record Token(String id, String name, String owner, String value, Instant createdAt) { }

    private record Message(String id, String stream, String text, Instant timestamp) { }

    private record Reply(int status, String contentType, byte[] body, Map<String, String> headers) { }

    /** A Graylog error answer, thrown anywhere in request handling. */
    private static final class Failure extends RuntimeException {
        final Reply reply;

        Failure(Reply reply) {
            super(null, null, false, false);
            this.reply = reply;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter GRAYLOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern KEYWORD = Pattern.compile("(?i)\\s*last\\s+(\\d+)\\s+(second|minute|hour|day|week)s?\\s*");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "graylog-emulator");
        t.setDaemon(true);
        return t;
    });
    private final String clusterId = UUID.randomUUID().toString();
    private final String nodeId = UUID.randomUUID().toString();
    private final Instant startedAt = Instant.now();

    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Map<String, String> sessions = new ConcurrentHashMap<>();
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final Map<String, ObjectNode> searches = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> jobs = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();

    private GraylogEmulator(HttpServer server) {
        this.server = server;
    }

    /** Starts an emulator on 127.0.0.1 with an ephemeral port. */
    public static GraylogEmulator start() {
        // without it, the JDK server writes the head and the body apart and waits on the peer's delayed ACK (40 ms)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            GraylogEmulator emulator = new GraylogEmulator(server);
            server.createContext("/", emulator::handle);
            server.setExecutor(emulator.executor);
            server.start();
            return emulator;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- test set-up

    public void addUser(String user, String password) {
        users.put(user, new User(objectId(), user, password, ConcurrentHashMap.newKeySet()));
    }

    /** Registers an access token for an existing user, as if created in the UI. */
    public void addAccessToken(String user, String token) {
        requireUser(user);
        String id = objectId();
        tokens.put(token, new Token(id, "token-" + id.substring(18), user, token, Instant.now()));
    }

    /** Grants {@code streams:read:<streamId>}. */
    public void allowStream(String user, String streamId) {
        requireUser(user).streams().add(streamId);
    }

    /** A stored message, found by the searches of users who may read its stream. */
    public void addMessage(String streamId, String text) {
        messages.add(new Message(UUID.randomUUID().toString(), streamId, text, Instant.now()));
    }

    /** The user's Graylog id, as used by the token endpoints. */
    public String userId(String user) {
        return requireUser(user).id();
    }

    /** Forgets users, tokens, sessions, messages, searches and recorded requests (the emulator is shared). */
    public void reset() {
        users.clear();
        tokens.clear();
        sessions.clear();
        messages.clear();
        searches.clear();
        jobs.clear();
        requests.clear();
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public Recorded lastRequest() {
        List<Recorded> all = requests();
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    public void clearRequests() {
        requests.clear();
    }

    private User requireUser(String user) {
        User u = users.get(user);
        if (u == null) {
            throw new IllegalArgumentException("Unknown user " + user + "; addUser first");
        }
        return u;
    }

    // ---------------------------------------------------------------- HTTP plumbing

    private void handle(HttpExchange exchange) throws IOException {
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            URI requestUri = exchange.getRequestURI();
            String raw = requestUri.getRawPath() + (requestUri.getRawQuery() == null ? "" : "?" + requestUri.getRawQuery());
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
            Recorded request = new Recorded(exchange.getRequestMethod(), raw, Collections.unmodifiableMap(headers), body);
            requests.add(request);

            Reply reply;
            try {
                reply = route(request, requestUri.getPath(), query(requestUri.getRawQuery()));
            } catch (Failure f) {
                reply = f.reply;
            } catch (RuntimeException e) {
                e.printStackTrace(); // a bug in the emulator, not an answer Graylog would give
                reply = apiError(500, "HTTP 500 Internal Server Error");
            }
            reply.headers().forEach(exchange.getResponseHeaders()::add);
            exchange.getResponseHeaders().set("X-Graylog-Node-ID", nodeId);
            if (reply.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            }
            boolean noBody = reply.body().length == 0 || "HEAD".equals(request.method()) || reply.status() == 204;
            exchange.sendResponseHeaders(reply.status(), noBody ? -1 : reply.body().length);
            if (!noBody) {
                exchange.getResponseBody().write(reply.body());
            }
        } finally {
            exchange.close();
        }
    }

    private Reply route(Recorded req, String path, Map<String, String> params) {
        if (!(path.equals("/api") || path.startsWith("/api/"))) {
            return webInterface(req);
        }
        List<String> seg = new ArrayList<>();
        for (String s : path.substring(4).split("/")) {
            if (!s.isEmpty()) {
                seg.add(s);
            }
        }
        String m = req.method();
        String p = String.join("/", seg);

        // Public resources (no @RequiresAuthentication in Graylog).
        if (seg.isEmpty()) {
            return only(req, "GET", () -> json(200, obj("cluster_id", clusterId, "node_id", nodeId, "version", VERSION,
                    "tagline", "Manage your logs in the dark and have lasers going and make it look like you're from space!")));
        }
        if (p.equals("system/lbstatus")) {
            return only(req, "GET", () -> new Reply(200, "text/plain", "ALIVE".getBytes(StandardCharsets.UTF_8), Map.of()));
        }
        if (p.equals("system/sessions") && (m.equals("POST") || m.equals("GET"))) {
            if (m.equals("POST")) {
                mediaTypes(req, true);
                csrf(req);
                return login(req);
            }
            mediaTypes(req, false);
            return validateSession(req);
        }
        if (seg.get(0).equals("api-browser")) {
            return authed(req, m, "GET", u -> new Reply(200, "text/html", API_BROWSER_HTML.getBytes(StandardCharsets.UTF_8), Map.of()));
        }

        // Authenticated resources.
        if (p.equals("system")) {
            return authed(req, m, "GET", u -> json(200, systemOverview()));
        }
        if (p.equals("system/sessions") || (seg.size() == 3 && p.startsWith("system/sessions/"))) {
            return authed(req, m, "DELETE", u -> {
                sessions.values().removeIf(u.name()::equals);
                return new Reply(200, null, new byte[0],
                        Map.of("Set-Cookie", "authentication=\"\"; Version=1; Path=/; Max-Age=0"));
            });
        }
        if (seg.size() == 3 && p.startsWith("search/universal/")
                && Set.of("relative", "absolute", "keyword").contains(seg.get(2))) {
            return authed(req, m, "GET", u -> universalSearch(u, seg.get(2), params));
        }
        if (p.equals("views/search")) {
            return authed(req, m, "POST", u -> createSearch(u, req));
        }
        if (p.equals("views/search/sync") && m.equals("POST")) {
            return authed(req, m, "POST", u -> json(200, execute(u, storeSearch(u, req), params)));
        }
        if (seg.size() == 4 && p.startsWith("views/search/status/")) {
            return authed(req, m, "GET", u -> {
                ObjectNode job = jobs.get(seg.get(3));
                if (job == null || !job.path("owner").asText().equals(u.name())) {
                    throw new Failure(apiError(404, "HTTP 404 Not Found"));
                }
                return json(200, job);
            });
        }
        if (seg.size() == 3 && p.startsWith("views/search/")) {
            return authed(req, m, "GET", u -> json(200, searchFor(u, seg.get(2))));
        }
        if (seg.size() == 4 && p.startsWith("views/search/") && seg.get(3).equals("execute")) {
            return authed(req, m, "POST", u -> {
                ObjectNode job = execute(u, searchFor(u, seg.get(2)), params);
                return json(201, job, Map.of("Location", uri() + "/api/views/search/status/" + job.get("id").asText()));
            });
        }
        if (p.equals("streams")) {
            return authed(req, m, "GET", this::streams);
        }
        if (seg.size() == 2 && seg.get(0).equals("streams")) {
            return authed(req, m, "GET", u -> stream(u, seg.get(1)));
        }
        if (seg.size() == 2 && seg.get(0).equals("users")) {
            return authed(req, m, "GET", u -> userSummary(u, seg.get(1)));
        }
        if (seg.size() == 3 && seg.get(0).equals("users") && seg.get(2).equals("tokens")) {
            return authed(req, m, "GET", u -> listTokens(u, seg.get(1)));
        }
        if (seg.size() == 4 && seg.get(0).equals("users") && seg.get(2).equals("tokens")) {
            if (m.equals("POST")) {
                return authed(req, m, "POST", u -> createToken(u, seg.get(1), seg.get(3)));
            }
            return authed(req, m, "DELETE", u -> deleteToken(u, seg.get(1), seg.get(3)));
        }
        if (RESOURCE_ROOTS.contains(seg.get(0))) {
            return apiError(404, "HTTP 404 Not Found");
        }
        return webInterface(req); // no API resource matched: Graylog's web interface takes the path, even under /api
    }

    /** The web interface: its configuration script, and its start page for every path Graylog does not otherwise know. */
    private static Reply webInterface(Recorded req) {
        if (req.method().equals("GET") || req.method().equals("HEAD")) {
            if (req.rawPath().equals("/config.js")) {
                return new Reply(200, "application/javascript", CONFIG_JS.getBytes(StandardCharsets.UTF_8), Map.of());
            }
            return new Reply(200, "text/html", INDEX_HTML.getBytes(StandardCharsets.UTF_8), Map.of());
        }
        return apiError(405, "HTTP 405 Method Not Allowed");
    }

    private interface Handler {
        Reply handle(User user);
    }

    /** A resource without @RequiresAuthentication. */
    private Reply only(Recorded req, String allowed, Supplier<Reply> handler) {
        if (!allowedMethod(req.method(), allowed)) {
            return apiError(405, "HTTP 405 Method Not Allowed");
        }
        csrf(req);
        return handler.get();
    }

    /**
     * A resource with @RequiresAuthentication, in Graylog's order: Jersey's matching (method, then media types),
     * then authentication, then the CSRF filter, then the handler.
     */
    private Reply authed(Recorded req, String method, String allowed, Handler handler) {
        if (!allowedMethod(method, allowed)) {
            return apiError(405, "HTTP 405 Method Not Allowed");
        }
        mediaTypes(req, method.equals("POST") || method.equals("PUT"));
        if (invalidBasic(req)) {
            throw new Failure(apiError(400, "Invalid credentials in Authorization header"));
        }
        User user = authenticate(req);
        if (user == null) {
            Map<String, String> headers = "XMLHttpRequest".equalsIgnoreCase(req.header("X-Requested-With"))
                    ? Map.of() // Graylog drops the challenge for XHR so browsers show no login popup
                    : Map.of("WWW-Authenticate", "Basic realm=\"Graylog Server\"");
            return new Reply(401, null, new byte[0], headers);
        }
        csrf(req);
        return handler.handle(user);
    }

    /** Jersey's content negotiation: every API resource produces JSON, and those taking a body consume JSON. */
    private static void mediaTypes(Recorded req, boolean consumesJson) {
        String contentType = req.header("Content-Type");
        if (consumesJson && contentType != null && !mediaType(contentType).equals("application/json")) {
            throw new Failure(apiError(415, "HTTP 415 Unsupported Media Type"));
        }
        String accept = req.header("Accept");
        if (accept != null && !accept.isBlank()) {
            for (String range : accept.split(",")) {
                if (Set.of("*/*", "application/*", "application/json").contains(mediaType(range))) {
                    return;
                }
            }
            throw new Failure(apiError(406, "HTTP 406 Not Acceptable"));
        }
    }

    private static String mediaType(String header) {
        int parameters = header.indexOf(';');
        return (parameters < 0 ? header : header.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
    }

    private static boolean allowedMethod(String method, String allowed) {
        return method.equals(allowed) || (method.equals("HEAD") && allowed.equals("GET"));
    }

    private static boolean invalidBasic(Recorded req) {
        String auth = req.header("Authorization");
        return auth != null && auth.startsWith("Basic") && !decodeBasic(auth).contains(":");
    }

    /** Graylog's CSRF filter, on every state-changing request. */
    private static void csrf(Recorded req) {
        if (!Set.of("GET", "HEAD", "OPTIONS").contains(req.method()) && req.header("X-Requested-By") == null) {
            throw new Failure(apiError(400,
                    "CSRF protection header is missing. Please add a \"X-Requested-By\" header to your request."));
        }
    }

    /** Mirrors Graylog's ShiroSecurityContextFilter: the password decides what the username means. */
    private User authenticate(Recorded req) {
        String auth = req.header("Authorization");
        String name = null;
        String credential = null;
        if (auth != null && auth.startsWith("Basic")) {
            String[] split = decodeBasic(auth).split(":", 2);
            name = split[0];
            credential = split[1];
        }
        if ("session".equalsIgnoreCase(credential)) {
            return userOfSession(name);
        }
        if ("token".equalsIgnoreCase(credential)) {
            Token token = tokens.get(name);
            return token == null ? null : users.get(token.owner());
        }
        String cookie = cookie(req, "authentication");
        if (cookie != null) {
            return userOfSession(cookie);
        }
        if (name != null && !name.isEmpty() && !credential.isEmpty()) {
            User user = users.get(name);
            return user != null && user.password().equals(credential) ? user : null;
        }
        return null;
    }

    private User userOfSession(String sessionId) {
        String name = sessionId == null ? null : sessions.get(sessionId);
        return name == null ? null : users.get(name);
    }

    private static String decodeBasic(String header) {
        try {
            return new String(Base64.getDecoder().decode(header.substring(header.indexOf(' ') + 1).trim()),
                    StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String cookie(Recorded req, String name) {
        List<String> values = req.headers().getOrDefault("Cookie", List.of());
        for (String header : values) {
            for (String part : header.split(";")) {
                String[] kv = part.trim().split("=", 2);
                if (kv.length == 2 && kv[0].equals(name)) {
                    return kv[1].replace("\"", "");
                }
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- sessions, system, users, tokens

    private Reply login(Recorded req) {
        JsonNode body = parseBody(req);
        User user = users.get(body.path("username").asText(""));
        if (user == null || !user.password().equals(body.path("password").asText(null))) {
            throw new Failure(new Reply(401, null, new byte[0],
                    Map.of("WWW-Authenticate", "Basic realm=\"Graylog Server session\"")));
        }
        String sessionId = UUID.randomUUID().toString();
        sessions.put(sessionId, user.name());
        Instant validUntil = Instant.now().plus(8, ChronoUnit.HOURS);
        return json(200, obj("valid_until", GRAYLOG_TIME.format(validUntil), "session_id", sessionId,
                        "username", user.name(), "user_id", user.id()),
                Map.of("Set-Cookie", "authentication=" + sessionId + ";Version=1;Path=/;Max-Age=28800;HttpOnly"));
    }

    /** Valid only for a session's own credentials; other credentials name their user, without a session. */
    private Reply validateSession(Recorded req) {
        String sessionId = sessionIdOf(req);
        if (sessionId != null && sessions.containsKey(sessionId)) {
            return json(200, obj("session_id", sessionId, "username", sessions.get(sessionId), "is_valid", true));
        }
        User user = invalidBasic(req) ? null : authenticate(req);
        return json(200, obj("session_id", null, "username", user == null ? null : user.name(), "is_valid", false));
    }

    /** The session id a request presents: {@code <id>:session} credentials or the authentication cookie. */
    private static String sessionIdOf(Recorded req) {
        String auth = req.header("Authorization");
        if (auth != null && auth.startsWith("Basic")) {
            String[] split = decodeBasic(auth).split(":", 2);
            if (split.length == 2 && "session".equalsIgnoreCase(split[1])) {
                return split[0];
            }
        }
        return cookie(req, "authentication");
    }

    private ObjectNode systemOverview() {
        return obj("facility", "graylog-server", "codename", "Noir", "node_id", nodeId, "cluster_id", clusterId,
                "version", VERSION + "+emulator", "started_at", GRAYLOG_TIME.format(startedAt), "is_processing", true,
                "hostname", "graylog", "lifecycle", "running", "lb_status", "alive", "timezone", "UTC",
                "operating_system", "Linux", "is_leader", true);
    }

    private Reply streams(User user) {
        ArrayNode list = JSON.createArrayNode();
        new TreeSet<>(user.streams()).forEach(id -> list.add(streamSummary(id)));
        return json(200, obj("total", list.size(), "streams", list));
    }

    private static ObjectNode streamSummary(String id) {
        return obj("id", id, "title", "Stream " + id, "disabled", false, "is_default", ALL_MESSAGES_STREAM.equals(id));
    }

    private Reply stream(User user, String id) {
        if (!user.streams().contains(id)) {
            throw new Failure(apiError(403, "Not authorized to access resource id <" + id + ">"));
        }
        return json(200, streamSummary(id));
    }

    private Reply userSummary(User caller, String username) {
        if (!caller.name().equals(username)) {
            throw new Failure(apiError(403, "Not allowed to view user " + username));
        }
        ArrayNode permissions = JSON.createArrayNode();
        caller.streams().forEach(s -> permissions.add("streams:read:" + s));
        return json(200, obj("id", caller.id(), "username", caller.name(), "full_name", caller.name(),
                "email", caller.name() + "@example.org", "permissions", permissions, "read_only", false,
                "external", false, "roles", JSON.createArrayNode().add("Reader"), "account_status", "enabled",
                "service_account", false));
    }

    /** Graylog's token endpoints are keyed by user id and only reach the caller's own tokens here. */
    private User tokenOwner(User caller, String userId, String deniedMessage) {
        if (!userId.matches("[0-9a-fA-F]{24}")) {
            // Graylog reads the path segment as a MongoDB ObjectId, and fails like this on anything else (a username).
            throw new Failure(apiError(500, "state should be: hexString has 24 characters"));
        }
        User owner = users.values().stream().filter(u -> u.id().equals(userId)).findFirst()
                .orElseThrow(() -> new Failure(apiError(404, "Couldn't find user with ID <" + userId + ">")));
        if (!owner.name().equals(caller.name())) {
            throw new Failure(apiError(403, String.format(deniedMessage, owner.name())));
        }
        return owner;
    }

    private Reply listTokens(User caller, String userId) {
        User owner = tokenOwner(caller, userId, "Not allowed to list tokens for user %s");
        ArrayNode list = JSON.createArrayNode();
        tokens.values().stream().filter(t -> t.owner().equals(owner.name())).forEach(t -> list.add(obj(
                "id", t.id(), "name", t.name(), "last_access", "1970-01-01T00:00:00.000Z",
                "created_at", GRAYLOG_TIME.format(t.createdAt()),
                "expires_at", GRAYLOG_TIME.format(t.createdAt().plus(30, ChronoUnit.DAYS)))));
        return json(200, obj("tokens", list));
    }

    private Reply createToken(User caller, String userId, String name) {
        User owner = tokenOwner(caller, userId, "You are not allowed to create a token for user %s.");
        byte[] random = new byte[32];
        ThreadLocalRandom.current().nextBytes(random);
        String value = new BigInteger(1, random).toString(36);
        Token token = new Token(objectId(), name, owner.name(), value, Instant.now());
        tokens.put(value, token);
        return json(200, obj("id", token.id(), "name", name, "token", value, "last_access", "1970-01-01T00:00:00.000Z"));
    }

    private Reply deleteToken(User caller, String userId, String idOrToken) {
        User owner = tokenOwner(caller, userId, "Not allowed to remove tokens for user %s");
        boolean removed = tokens.values().removeIf(t -> t.owner().equals(owner.name())
                && (t.id().equals(idOrToken) || t.value().equals(idOrToken)));
        if (!removed) {
            throw new Failure(apiError(404, "Couldn't find access token for user " + owner.name()));
        }
        return new Reply(204, null, new byte[0], Map.of());
    }

    // ---------------------------------------------------------------- legacy universal search

    private Reply universalSearch(User user, String kind, Map<String, String> params) {
        String query = params.get("query");
        if (query == null || query.isEmpty()) {
            String method = "search" + Character.toUpperCase(kind.charAt(0)) + kind.substring(1);
            String resource = Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + "SearchResource";
            throw new Failure(validationError("must not be empty", resource + "." + method + ".arg0"));
        }
        String filter = params.get("filter");
        // SearchResource.checkSearchPermission
        Set<String> streams;
        if (filter == null || filter.isEmpty() || filter.equals("*")) {
            streams = user.streams();
        } else {
            String[] parts = filter.split(":");
            if (!filter.startsWith("streams:") || parts.length <= 1 || parts[1].split(",").length == 0) {
                throw new Failure(apiError(403, "Not allowed to search with filter: [" + filter + "]"));
            }
            streams = new LinkedHashSet<>(List.of(parts[1].split(",")));
            for (String stream : streams) {
                if (!user.streams().contains(stream)) {
                    throw new Failure(apiError(403, "Not allowed to search with filter: [" + filter
                            + "]. (Forbidden stream: " + stream + ")"));
                }
            }
        }
        Instant now = Instant.now();
        Instant from;
        Instant to = now;
        switch (kind) {
            case "relative" -> {
                int range = intParam(params, "range");
                if (range < 0) {
                    throw new Failure(validationError("must be greater than or equal to 0", "RelativeSearchResource.searchRelative.arg1"));
                }
                from = range == 0 ? Instant.EPOCH : now.minusSeconds(range); // 0 means "all time" in Graylog
            }
            case "absolute" -> {
                for (String required : List.of("from", "to")) {
                    if (params.get(required) == null || params.get(required).isEmpty()) {
                        throw new Failure(validationError("must not be empty", "AbsoluteSearchResource.searchAbsolute.arg"
                                + (required.equals("from") ? 1 : 2)));
                    }
                }
                from = parseTime(params.get("from"));
                to = parseTime(params.get("to"));
                if (from.isAfter(to)) {
                    throw new Failure(apiError(400, "Invalid timerange parameters provided"));
                }
            }
            default -> {
                String keyword = params.get("keyword");
                if (keyword == null || keyword.isEmpty()) {
                    throw new Failure(validationError("must not be empty", "KeywordSearchResource.searchKeyword.arg1"));
                }
                Matcher k = KEYWORD.matcher(keyword);
                if (!k.matches()) {
                    throw new Failure(apiError(400, "Invalid timerange parameters provided"));
                }
                ChronoUnit unit = ChronoUnit.valueOf(k.group(2).toUpperCase(Locale.ROOT) + "S");
                from = now.minus(Long.parseLong(k.group(1)) * unit.getDuration().getSeconds(), ChronoUnit.SECONDS);
            }
        }
        List<Message> found = find(streams, query, from, to);
        int total = found.size();
        int offset = Math.min(intParam(params, "offset"), total);
        int limit = intParam(params, "limit");
        found = found.subList(offset, limit > 0 ? Math.min(total, offset + limit) : total);

        ArrayNode list = JSON.createArrayNode();
        found.forEach(msg -> list.add(obj("highlight_ranges", JSON.createObjectNode(), "message", messageFields(msg),
                "index", "graylog_0", "decoration_stats", null)));
        ArrayNode fields = JSON.createArrayNode();
        String requestedFields = params.get("fields");
        if (requestedFields != null && !requestedFields.isEmpty()) {
            fields.add("timestamp");
            for (String f : requestedFields.split(",")) {
                if (!f.isBlank() && !f.trim().equals("timestamp")) {
                    fields.add(f.trim());
                }
            }
        }
        return json(200, obj("query", query, "built_query", query, "used_indices", JSON.createArrayNode(),
                "messages", list, "fields", fields, "time", 5, "total_results", total,
                "from", GRAYLOG_TIME.format(from), "to", GRAYLOG_TIME.format(to), "decoration_stats", null));
    }

    /** "*" matches everything; any other query matches messages containing it (case-insensitive). */
    private List<Message> find(Set<String> streams, String query, Instant from, Instant to) {
        String needle = query.trim().replaceFirst("^message:", "").replace("\"", "").toLowerCase(Locale.ROOT);
        List<Message> found = new ArrayList<>();
        for (Message msg : messages) {
            boolean inStream = streams.contains(msg.stream());
            boolean inTime = !msg.timestamp().isBefore(from) && !msg.timestamp().isAfter(to);
            boolean matches = needle.equals("*") || needle.isEmpty() || msg.text().toLowerCase(Locale.ROOT).contains(needle);
            if (inStream && inTime && matches) {
                found.add(msg);
            }
        }
        found.sort((a, b) -> b.timestamp().compareTo(a.timestamp())); // Graylog sorts newest first
        return found;
    }

    private static ObjectNode messageFields(Message msg) {
        return obj("_id", msg.id(), "message", msg.text(), "source", "emulator",
                "timestamp", GRAYLOG_TIME.format(msg.timestamp()), "streams", JSON.createArrayNode().add(msg.stream()));
    }

    private static Instant parseTime(String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notIso) {
            try {
                return LocalDateTime.parse(value, DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new Failure(apiError(400, "Invalid timerange parameters provided"));
            }
        }
    }

    private static int intParam(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null || value.isEmpty()) {
            return 0; // Jersey's default for a missing int @QueryParam
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new Failure(apiError(400, "Invalid value for QueryParam parameter " + name));
        }
    }

    // ---------------------------------------------------------------- views search

    private Reply createSearch(User user, Recorded req) {
        ObjectNode search = storeSearch(user, req);
        return json(201, search, Map.of("Location", search.get("id").asText()));
    }

    private ObjectNode storeSearch(User user, Recorded req) {
        JsonNode body = parseBody(req);
        if (!body.isObject()) {
            throw new Failure(apiError(400, "Search body is mandatory"));
        }
        ObjectNode search = ((ObjectNode) body).deepCopy();
        search.put("id", objectId());
        ArrayNode queries = search.withArray("queries");
        for (JsonNode q : queries) {
            if (q.isObject() && !q.hasNonNull("id")) {
                ((ObjectNode) q).put("id", UUID.randomUUID().toString());
            }
        }
        if (!search.has("parameters")) {
            search.set("parameters", JSON.createArrayNode());
        }
        search.put("owner", user.name());
        search.put("created_at", GRAYLOG_TIME.format(Instant.now()));
        searches.put(search.get("id").asText(), search);
        return search;
    }

    private ObjectNode searchFor(User user, String id) {
        ObjectNode search = searches.get(id);
        if (search == null || !search.path("owner").asText().equals(user.name())) {
            throw new Failure(apiError(404, "Search with id " + id + " does not exist"));
        }
        return search;
    }

    /** Runs every query's message lists against the stored messages; stream permissions are checked first. */
    private ObjectNode execute(User user, ObjectNode search, Map<String, String> params) {
        Set<String> referenced = new LinkedHashSet<>();
        for (JsonNode q : search.path("queries")) {
            collectStreams(q.path("filter"), referenced);
            q.path("streams").forEach(s -> referenced.add(s.asText()));
        }
        Set<String> forbidden = new LinkedHashSet<>(referenced);
        forbidden.removeAll(user.streams());
        if (!forbidden.isEmpty()) {
            throw new Failure(json(403, obj("message", "The search is referencing at least one stream you are not permitted to see.",
                    "streams", JSON.valueToTree(forbidden), "type", "MissingStreamPermission")));
        }
        ObjectNode results = JSON.createObjectNode();
        for (JsonNode q : search.path("queries")) {
            Set<String> streams = new LinkedHashSet<>();
            collectStreams(q.path("filter"), streams);
            q.path("streams").forEach(s -> streams.add(s.asText()));
            if (streams.isEmpty()) {
                if (user.streams().isEmpty()) {
                    throw new Failure(json(403, obj("message", "User doesn't have access to any streams",
                            "streams", JSON.createArrayNode(), "type", "MissingStreamPermission")));
                }
                streams.addAll(user.streams());
            }
            String queryString = q.path("query").path("query_string").asText("*");
            JsonNode timerange = q.path("timerange");
            Instant to = Instant.now();
            Instant from;
            if ("absolute".equals(timerange.path("type").asText())) {
                from = parseTime(timerange.path("from").asText());
                to = parseTime(timerange.path("to").asText());
            } else {
                long range = timerange.path("range").asLong(300);
                from = range == 0 ? Instant.EPOCH : to.minusSeconds(range);
            }
            List<Message> found = find(streams, queryString, from, to);

            ObjectNode searchTypes = JSON.createObjectNode();
            for (JsonNode st : q.path("search_types")) {
                String stId = st.path("id").asText(UUID.randomUUID().toString());
                ArrayNode msgs = JSON.createArrayNode();
                int limit = st.path("limit").asInt(150);
                found.stream().limit(limit).forEach(msg -> msgs.add(obj("highlight_ranges", JSON.createObjectNode(),
                        "message", messageFields(msg), "index", "graylog_0", "decoration_stats", null)));
                searchTypes.set(stId, obj("id", stId, "type", st.path("type").asText("messages"), "messages", msgs,
                        "total_results", found.size(), "effective_timerange",
                        obj("type", "absolute", "from", GRAYLOG_TIME.format(from), "to", GRAYLOG_TIME.format(to))));
            }
            results.set(q.path("id").asText(), obj("query", q, "execution_stats",
                    obj("duration", 5, "timestamp", GRAYLOG_TIME.format(to), "effective_timerange",
                            obj("type", "absolute", "from", GRAYLOG_TIME.format(from), "to", GRAYLOG_TIME.format(to))),
                    "search_types", searchTypes, "errors", JSON.createArrayNode(), "state", "COMPLETED"));
        }
        ObjectNode job = obj("execution", obj("done", true, "cancelled", false, "completed_exceptionally", false),
                "results", results, "id", objectId(), "search_id", search.get("id").asText(), "owner", user.name());
        jobs.put(job.get("id").asText(), job);
        return job;
    }

    private static void collectStreams(JsonNode filter, Set<String> into) {
        if (filter.isObject()) {
            if ("stream".equals(filter.path("type").asText()) && filter.hasNonNull("id")) {
                into.add(filter.get("id").asText());
            }
            filter.path("filters").forEach(f -> collectStreams(f, into));
        }
    }

    // ---------------------------------------------------------------- JSON helpers

    private static JsonNode parseBody(Recorded req) {
        try {
            JsonNode node = req.body().length == 0 ? null : JSON.readTree(req.body());
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            throw new Failure(apiError(400, "Unable to parse request body: " + e.getMessage()));
        }
    }

    /** Graylog's error body for WebApplicationExceptions: {"type":"ApiError","message":...}. */
    private static Reply apiError(int status, String message) {
        return json(status, obj("type", "ApiError", "message", message));
    }

    /** Jersey bean-validation failure, as Graylog returns for a missing @NotEmpty parameter. */
    private static Reply validationError(String message, String path) {
        ArrayNode errors = JSON.createArrayNode();
        errors.add(obj("message", message, "messageTemplate", "{jakarta.validation.constraints.NotEmpty.message}",
                "path", path, "invalidValue", null));
        return json(400, errors);
    }

    private static Reply json(int status, JsonNode body) {
        return json(status, body, Map.of());
    }

    private static Reply json(int status, JsonNode body, Map<String, String> headers) {
        try {
            return new Reply(status, "application/json", JSON.writeValueAsBytes(body), headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode obj(Object... keyValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return JSON.valueToTree(map);
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                String[] kv = pair.split("=", 2);
                params.putIfAbsent(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
            }
        }
        return params;
    }

    /** A MongoDB ObjectId-like id, the shape of Graylog's ids. */
    private static String objectId() {
        StringBuilder id = new StringBuilder(Long.toHexString(System.currentTimeMillis() / 1000));
        while (id.length() < 24) {
            id.append(Integer.toHexString(ThreadLocalRandom.current().nextInt(16)));
        }
        return id.toString();
    }
}
