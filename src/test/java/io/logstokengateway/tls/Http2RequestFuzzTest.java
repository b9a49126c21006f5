package io.logstokengateway.tls;

import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.ListenerPki;
import io.logstokengateway.testsupport.ManagementClient;
import io.logstokengateway.testsupport.OpenSearchServer;
import io.logstokengateway.testsupport.RawHttp2Connection;
import io.logstokengateway.testsupport.RawHttp2Connection.Field;
import io.logstokengateway.testsupport.RecordingUpstream;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * HTTP/2 requests as an attacker writes them, frame by frame ({@link RawHttp2Connection}): a valid search whose header
 * block is mutated (control characters and line breaks in names and values, upper-case names, connection headers,
 * pseudo-headers missing, repeated, unknown or after regular ones, odd methods, paths, schemes and authorities, bodies
 * that contradict their length). HTTP/2 requests reach the gateway through their own parser, not HTTP/1.1's, and
 * leave it as HTTP/1.1: each must be answered, refused or reset, never fail inside the gateway (no 5xx, no error or
 * exception in its log), and what reaches the upstream (a recorder in front of the real OpenSearch, itself an
 * HTTP/1.1 parser) must be what the gateway decided: well-formed, without the client's credentials, forwarding claims
 * or connection headers, nothing injected.
 *
 * <p>{@code -Dhttp2.fuzz.requests=N} and {@code -Dhttp2.fuzz.seed=S} run other campaigns; a failure names each failing
 * request's mutations and its seed ({@link #mutate} with {@code new Random(seed)} makes it again).
 */
@QuarkusTest
@TestProfile(Http2RequestFuzzTest.Profile.class)
class Http2RequestFuzzTest {

    private static final int REQUESTS = Integer.getInteger("http2.fuzz.requests", 1_500);
    private static final long SEED = Long.getLong("http2.fuzz.seed", 20261203L);

    static final String SERVICE = "ldp-hf-00081";
    static final String USER = "logs-hf-00081";
    static final String INDEX = USER + "-i-fuzz";
    static final String MARK = "HTTP2FUZZMARK";

    public static class Profile extends ListenerTlsProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("gateway.elasticsearch.upstream", RecordingUpstream.ofOpenSearch().uri().toString());
            return overrides;
        }
    }

    /** Where forwarded requests may say nothing but what the gateway decided. */
    private static final Pattern FORWARDED_TARGET = Pattern.compile("/[A-Za-z0-9\\-._~%!$&'()*+,;=:@/?]*");
    private static final Pattern TOKEN = Pattern.compile("[a-z0-9!#$%&'*+.^_`|~-]+");
    private static final Set<String> NEVER_FORWARDED = Set.of("connection", "keep-alive", "te", "transfer-encoding",
            "upgrade", "proxy-connection", "expect", "http2-settings", "forwarded", "x-real-ip", "x-injected");

    private static final String[] VALUE_INSERTS = {"\r", "\n", "\r\n", "\r\nx-injected: 1", "\r\n\r\nGET /x HTTP/1.1",
            "\u0000", "\u007f", " ", "\t", "\u00e9", "\u00ff", "%00", "%0d%0a", ":", ",", ";", "#", "?", "/../", "\\"};
    private static final String[] NAME_INSERTS = {"A", ":", " ", "\r\n", "\u0000", "\u00e9", "/", "\"", "(", "\t"};
    private static final String[] METHODS = {"get", "CONNECT", "OPTIONS", "TRACE", "G ET", "PROPFIND", "DELETE", "HEAD",
            "PATCH", "", "POST", "PUT", "GET\r\nx-injected: 1"};
    private static final String[] SCHEMES = {"http", "ftp", "", "HTTPS", "https://x"};
    private static final String[] AUTHORITIES = {"", "evil.example", "user:pw@localhost", "localhost:1", "a b",
            "localhost\r\nx-injected: 1", "[::1]:9200", "[::1\r\nx-injected: 1]:9200", "localhost/path"};

    @Inject
    ProxyListeners listeners;

    private final ListenerPki pki = ListenerPki.shared();

    @AfterAll
    static void noSecretInTheLog() throws IOException {
        SecretsInLogs.assertNoneIn(SecretsInLogs.TEST_LOG);
    }

    @Test
    void mutatedHttp2RequestsAreAnsweredOrRefusedAndOnlyWhatWasDecidedIsForwarded() {
        ManagementClient operator = ListenerTlsTest.operator(pki);
        operator.provision(SERVICE, USER, SecretsInLogs.remember("Http2-Fuzz-Password-1"), Map.of());
        String token = SecretsInLogs.remember(operator.createToken(SERVICE, "fuzz").value());
        String authorization = ListenerTlsTest.basic(token, "token");
        OpenSearchServer.get().index(INDEX, "1", "{\"message\":\"" + MARK + "\",\"timestamp\":\"2026-12-03T00:00:00Z\"}");
        String[] paths = {"", "*", "http://evil.example/x", "https://localhost/" + INDEX + "/_search", "//" + INDEX + "/_search",
                "/" + INDEX + "/_search#frag", "/" + INDEX + "/_search?q=" + MARK + "#f", "/" + INDEX + " /_search", "/%",
                "/%zz", "/..%2f..%2f_cat/indices", "/_all/_search", "/*/_search", "/" + INDEX + ",logs-other-00001-i-x/_search",
                "/" + INDEX + "/_search?q=x&q=y", "?q=x", "/" + INDEX + "/_search?source=%7B%7D&source_content_type=application/json",
                "/_cat/indices", "/", "/_search", "/" + INDEX + "/_doc/1", "/" + INDEX + "/_search?q=a\u0000b"};
        String[] extras = {"connection: close", "connection: keep-alive, content-length", "keep-alive: timeout=5",
                "transfer-encoding: chunked", "te: gzip", "te: trailers", "upgrade: h2c", "proxy-connection: keep-alive",
                "host: evil.example", "host: localhost", "content-length: 5", "content-length: -1", "content-length: 1, 2",
                "x-forwarded-for: 6.6.6.6", "forwarded: for=6.6.6.6", "x-forwarded-host: evil.example", "x-real-ip: 6.6.6.6",
                "authorization: Basic " + Base64.getEncoder().encodeToString("someone:else".getBytes(StandardCharsets.UTF_8)),
                ":path: /_cat/indices", ":method: POST", ":foo: bar", ":status: 200", "cookie: a=b", "expect: 100-continue",
                "x-opaque-id: fuzz", "content-type: application/json", "accept-encoding: gzip", "http2-settings: AAMAAABkAAQAAP__"};

        RecordingUpstream upstream = RecordingUpstream.ofOpenSearch();
        upstream.clear();
        long logBefore = logSize();
        Map<String, Integer> outcomes = new TreeMap<>();
        Map<String, String> examples = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        RawHttp2Connection connection = null;
        try {
            for (int i = 0; i < REQUESTS; i++) {
                long seed = SEED * 1_000_003L + i;
                Random random = new Random(seed);
                List<Field> fields = new ArrayList<>(List.of(new Field(":method", "GET"), new Field(":scheme", "https"),
                        new Field(":authority", "localhost:" + listeners.searchPort()),
                        new Field(":path", "/" + INDEX + "/_search?q=" + MARK), new Field("authorization", authorization),
                        new Field("accept", "application/json")));
                byte[] body = null;
                StringBuilder what = new StringBuilder();
                for (int m = 1 + random.nextInt(3); m > 0; m--) {
                    body = mutate(random, fields, body, paths, extras, what);
                }
                if (connection == null || connection.closed()) {
                    if (connection != null) {
                        connection.close();
                    }
                    connection = new RawHttp2Connection(listeners.searchPort(), pki.clientContext(null));
                }
                RawHttp2Connection.Outcome outcome;
                try {
                    outcome = connection.exchange(fields, body);
                } catch (IllegalStateException silent) {
                    failures.add("seed " + seed + " (" + what + "): " + silent.getMessage());
                    connection.close();
                    connection = null;
                    continue;
                }
                String kind = outcome.answered() ? outcome.status() / 100 + "xx" : outcome.toString();
                if (outcomes.merge(kind, 1, Integer::sum) == 1) {
                    examples.put(kind, what.toString().trim() + (outcome.answered() ? "" : " " + outcome.body()));
                }
                if (outcome.answered() && outcome.status() >= 500) {
                    failures.add("seed " + seed + " (" + what + "): " + outcome.status() + " " + outcome.body());
                }
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }

        List<RecordingUpstream.Recorded> forwarded = upstream.forwarded();
        for (RecordingUpstream.Recorded request : forwarded) {
            String problem = problem(request, token, authorization);
            if (problem != null) {
                failures.add("forwarded " + request.method() + " " + request.rawPathAndQuery() + ": " + problem);
            }
        }
        String logged = logSince(logBefore);
        for (String line : logged.split("\n")) {
            if (line.contains(" ERROR ") || line.startsWith("\tat ") || line.contains("Exception")) {
                failures.add("logged: " + line);
            }
        }
        System.out.printf("HTTP/2 FUZZ %d requests (seed %d): %s; %d forwarded%n", REQUESTS, SEED, outcomes, forwarded.size());
        examples.forEach((kind, example) -> System.out.printf("  %-14s e.g. %s%n", kind, example));
        if (!failures.isEmpty()) {
            fail(failures.size() + " problems:\n" + String.join("\n", failures.subList(0, Math.min(40, failures.size()))));
        }
        assertTrue(outcomes.getOrDefault("2xx", 0) > REQUESTS / 20, "the mutations should leave answered requests: " + outcomes);
        assertTrue(outcomes.getOrDefault("4xx", 0) > REQUESTS / 20, "the mutations should make refused requests: " + outcomes);

        try (RawHttp2Connection fresh = new RawHttp2Connection(listeners.searchPort(), pki.clientContext(null))) {
            RawHttp2Connection.Outcome answer = fresh.exchange(List.of(new Field(":method", "GET"), new Field(":scheme", "https"),
                    new Field(":authority", "localhost"), new Field(":path", "/" + INDEX + "/_search?q=" + MARK),
                    new Field("authorization", authorization)), null);
            assertEquals(200, answer.status(), answer::toString);
            assertTrue(answer.body().contains(MARK), answer.body());
        }
    }

    private static long logSize() {
        try {
            return Files.size(SecretsInLogs.TEST_LOG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the gateway logged since the log had {@code size} bytes: hostile requests must leave no error there. */
    private static String logSince(long size) {
        try (InputStream in = Files.newInputStream(SecretsInLogs.TEST_LOG)) {
            in.skipNBytes(size);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Applies one mutation to the header block (and perhaps the body), saying what it did in {@code what}. */
    private static byte[] mutate(Random random, List<Field> fields, byte[] body, String[] paths, String[] extras, StringBuilder what) {
        switch (random.nextInt(8)) {
            case 0 -> { // a byte sequence inside a value
                int at = random.nextInt(fields.size());
                Field field = fields.get(at);
                String insert = VALUE_INSERTS[random.nextInt(VALUE_INSERTS.length)];
                int position = random.nextInt(field.value().length() + 1);
                fields.set(at, new Field(field.name(), field.value().substring(0, position) + insert + field.value().substring(position)));
                what.append("value of ").append(field.name()).append(" +").append(escape(insert)).append(' ');
            }
            case 1 -> { // ... or a name
                int at = random.nextInt(fields.size());
                Field field = fields.get(at);
                String insert = NAME_INSERTS[random.nextInt(NAME_INSERTS.length)];
                int position = random.nextInt(field.name().length() + 1);
                fields.set(at, new Field(field.name().substring(0, position) + insert + field.name().substring(position), field.value()));
                what.append("name ").append(field.name()).append(" +").append(escape(insert)).append(' ');
            }
            case 2, 3 -> { // a field added anywhere
                String extra = extras[random.nextInt(extras.length)];
                int colon = extra.indexOf(':', 1);
                fields.add(random.nextInt(fields.size() + 1), new Field(extra.substring(0, colon), extra.substring(colon + 2)));
                what.append("added ").append(escape(extra)).append(' ');
            }
            case 4 -> { // a field removed or repeated
                int at = random.nextInt(fields.size());
                Field field = fields.get(at);
                if (random.nextBoolean()) {
                    fields.remove(at);
                    what.append("removed ").append(field.name()).append(' ');
                } else {
                    fields.add(random.nextInt(fields.size() + 1), field);
                    what.append("repeated ").append(field.name()).append(' ');
                }
            }
            case 5 -> { // a pseudo-header's value replaced
                String[] names = {":method", ":path", ":scheme", ":authority"};
                String[][] values = {METHODS, paths, SCHEMES, AUTHORITIES};
                int which = random.nextInt(names.length);
                String value = values[which][random.nextInt(values[which].length)];
                fields.replaceAll(field -> field.name().equals(names[which]) ? new Field(field.name(), value) : field);
                what.append(names[which]).append('=').append(escape(value)).append(' ');
            }
            case 6 -> { // a body, with or without a length that matches
                body = "{\"query\":{\"match_all\":{}}}".getBytes(StandardCharsets.UTF_8);
                int declared = random.nextInt(3) == 0 ? body.length + random.nextInt(9) - 4 : body.length;
                fields.add(new Field("content-length", Integer.toString(declared)));
                fields.add(new Field("content-type", "application/json"));
                what.append("body, content-length ").append(declared).append(' ');
            }
            default -> { // a pseudo-header moved after the regular ones
                fields.stream().filter(field -> field.name().startsWith(":")).findFirst().ifPresent(pseudo -> {
                    fields.remove(pseudo);
                    fields.add(pseudo);
                    what.append("moved ").append(pseudo.name()).append(" last ");
                });
            }
        }
        return body;
    }

    /** What is wrong with a forwarded request, or null. */
    private static String problem(RecordingUpstream.Recorded request, String token, String authorization) {
        if (!request.method().matches("[A-Z]+")) {
            return "method";
        }
        if (!FORWARDED_TARGET.matcher(request.rawPathAndQuery()).matches()) {
            return "target not in URI characters";
        }
        if (request.rawPathAndQuery().contains("logs-other-") || request.rawPathAndQuery().contains("evil")) {
            return "a name the gateway did not grant";
        }
        for (Map.Entry<String, List<String>> header : request.headers().entrySet()) {
            String name = header.getKey();
            if (!TOKEN.matcher(name).matches()) {
                return "header name " + escape(name);
            }
            if (NEVER_FORWARDED.contains(name)) {
                return "header " + name + " forwarded";
            }
            for (String value : header.getValue()) {
                if (value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                    return "control character in " + name;
                }
                if (value.contains(token) || value.equals(authorization)) {
                    return "the client's credentials in " + name;
                }
            }
        }
        if (request.headers().getOrDefault("host", List.of()).size() != 1) {
            return "host " + request.headers().get("host");
        }
        List<String> forwardedFor = request.headers().getOrDefault("x-forwarded-for", List.of());
        if (forwardedFor.isEmpty() || !forwardedFor.get(forwardedFor.size() - 1).matches("(.*, )?127\\.0\\.0\\.1")) {
            return "x-forwarded-for " + forwardedFor; // earlier proxies' entries are kept, the client's own comes last
        }
        return null;
    }

    private static String escape(String text) {
        StringBuilder escaped = new StringBuilder();
        for (char c : text.toCharArray()) {
            escaped.append(c < 0x20 || c >= 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
        }
        return escaped.toString();
    }
}
