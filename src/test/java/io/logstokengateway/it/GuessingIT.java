package io.logstokengateway.it;

import io.logstokengateway.testsupport.RawHttpConnection;
import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.testsupport.GatewayProcess;
import io.logstokengateway.testsupport.GraylogEmulator;
import io.logstokengateway.testsupport.ManagementClient;
import io.logstokengateway.testsupport.OpenSearchServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Password and operator-key guessing against the packaged gateway with its default throttle (5 failed checks per
 * username, 20 per client address, in 15 minutes), on every entry point that checks one: the token API, the admin API,
 * the console's sign-in and account credentials on both proxy listeners. Each test plays its clients from its own
 * loopback addresses ({@code 127.<range>.x.y}), so the per-address budgets of different tests never meet.
 */
class GuessingIT {

    private static final String ADMIN_KEY = SecretsInLogs.remember(GatewayProcess.randomKey());
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final int PARALLEL = 16;

    private static GraylogEmulator graylog;
    private static GatewayProcess gateway;
    private static ManagementClient operator;

    /** The four places account credentials are checked. */
    private enum EntryPoint {
        TOKEN_API, CONSOLE, SEARCH_API, GRAYLOG_API
    }

    @BeforeAll
    static void startGateway() {
        graylog = GraylogEmulator.start();
        gateway = GatewayProcess.builder("guessing")
                .adminKey(ADMIN_KEY)
                .dataDir(Path.of("target", "it-data", "guessing-" + System.currentTimeMillis()))
                .elasticsearchUpstream(OpenSearchServer.get().uri())
                .graylogUpstream(graylog.uri())
                .start();
        operator = ManagementClient.asOperator(gateway, ADMIN_KEY);
    }

    @AfterAll
    static void stopAndCheckTheOutputForSecrets() throws IOException {
        SecretsInLogs.stopAndAssertNoneIn(gateway);
        if (graylog != null) {
            graylog.close();
        }
    }

    /** A fresh service; its password is remembered as a secret that must never reach the output. */
    private static String account(String suffix) {
        String user = "logs-guess-" + suffix;
        operator.provision("ldp-guess-" + suffix, user, password(user));
        return user;
    }

    private static String password(String user) {
        return SecretsInLogs.remember("Right-Password-Of-" + user);
    }

    private static String guess(String user, int n) {
        return SecretsInLogs.remember("wrong-guess-" + n + "-for-" + user);
    }

    private static RawHttpConnection.Response attempt(EntryPoint entry, String from, String user, String password) {
        String authorization = RawHttpConnection.basic(user, password);
        return switch (entry) {
            case TOKEN_API -> RawHttpConnection.get(from, gateway.managementPort(), "/dbaas/logs", "Authorization: " + authorization);
            case CONSOLE -> consoleSignIn(from, "method=account&username=" + form(user) + "&password=" + form(password));
            case SEARCH_API -> RawHttpConnection.get(from, gateway.searchPort(), "/" + user + "-i-*/_search", "Authorization: " + authorization);
            case GRAYLOG_API -> RawHttpConnection.get(from, gateway.graylogPort(), "/api/system/lbstatus", "Authorization: " + authorization);
        };
    }

    /** The console's sign-in as a browser makes it: the form page (its nonce cookie and CSRF field), then the post. */
    private static RawHttpConnection.Response consoleSignIn(String from, String fields) {
        RawHttpConnection.Response page = RawHttpConnection.get(from, gateway.managementPort(), "/console/login");
        String cookie = page.headers().get("Set-Cookie").stream().filter(c -> c.startsWith("console_login=")).findFirst().orElseThrow();
        Matcher csrf = CSRF.matcher(page.body());
        assertTrue(csrf.find(), "the sign-in form has its CSRF field");
        byte[] body = ("csrf=" + form(csrf.group(1)) + "&" + fields).getBytes(StandardCharsets.UTF_8);
        return RawHttpConnection.once(from, gateway.managementPort(), "POST /console/login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nCookie: " + cookie.substring(0, cookie.indexOf(';'))
                + "\r\nContent-Length: " + body.length, body);
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** What a successful attempt answers on each entry point. */
    private static int success(EntryPoint entry) {
        return entry == EntryPoint.CONSOLE ? 303 : 200;
    }

    private static void assertThrottled(EntryPoint entry, RawHttpConnection.Response answer) {
        assertEquals(429, answer.status(), entry + " answers 429 " + answer.body());
        String retryAfter = answer.header("Retry-After");
        assertNotNull(retryAfter, entry + " says when to come back");
        long seconds = Long.parseLong(retryAfter);
        assertTrue(seconds > 0 && seconds <= 15 * 60, entry + " Retry-After " + seconds);
        switch (entry) {
            case TOKEN_API -> assertTrue(answer.body().contains("\"class\":\"Client::TooManyRequests\""), answer.body());
            case CONSOLE -> assertTrue(answer.body().contains("Too many failed sign-ins"), "the console's page says so");
            case SEARCH_API -> assertTrue(answer.body().contains("\"status\":429") && answer.body().contains("\"root_cause\""), answer.body());
            case GRAYLOG_API -> assertTrue(answer.body().contains("\"type\":\"ApiError\""), answer.body());
        }
    }

    // ---- one entry point at a time, sequential and parallel ------------------------------------------------

    private void sequentialGuessesAreThrottledThenTheRightPasswordToo(EntryPoint entry, int range) {
        String user = account("seq-" + range);
        assertEquals(success(entry), attempt(entry, RawHttpConnection.client(range, 0), user, password(user)).status(),
                entry + " accepts the right password before any guess");
        for (int i = 0; i < 5; i++) {
            assertEquals(401, attempt(entry, RawHttpConnection.client(range, 1 + i), user, guess(user, i)).status(), entry + " guess " + i);
        }
        assertThrottled(entry, attempt(entry, RawHttpConnection.client(range, 10), user, guess(user, 5)));
        assertThrottled(entry, attempt(entry, RawHttpConnection.client(range, 11), user, password(user)));
        assertThrottled(entry, attempt(entry, RawHttpConnection.client(range, 0), user, password(user)));
    }

    private void parallelGuessesAreCheckedAtMostFiveTimes(EntryPoint entry, int range) throws Exception {
        String user = account("par-" + range);
        List<Integer> statuses = inParallel(PARALLEL, i -> attempt(entry, RawHttpConnection.client(range, i), user, guess(user, i)).status());
        assertEquals(5, statuses.stream().filter(s -> s == 401).count(), entry + " checked " + statuses);
        assertEquals(PARALLEL - 5, statuses.stream().filter(s -> s == 429).count(), entry + " refused unchecked " + statuses);
        assertThrottled(entry, attempt(entry, RawHttpConnection.client(range, 100), user, password(user)));
    }

    @Test
    void tokenApiSequentialGuessing() {
        sequentialGuessesAreThrottledThenTheRightPasswordToo(EntryPoint.TOKEN_API, 1);
    }

    @Test
    void tokenApiParallelGuessing() throws Exception {
        parallelGuessesAreCheckedAtMostFiveTimes(EntryPoint.TOKEN_API, 2);
    }

    @Test
    void consoleSequentialGuessing() {
        sequentialGuessesAreThrottledThenTheRightPasswordToo(EntryPoint.CONSOLE, 3);
    }

    @Test
    void consoleParallelGuessing() throws Exception {
        parallelGuessesAreCheckedAtMostFiveTimes(EntryPoint.CONSOLE, 4);
    }

    @Test
    void searchApiSequentialGuessing() {
        sequentialGuessesAreThrottledThenTheRightPasswordToo(EntryPoint.SEARCH_API, 5);
    }

    @Test
    void searchApiParallelGuessing() throws Exception {
        parallelGuessesAreCheckedAtMostFiveTimes(EntryPoint.SEARCH_API, 6);
    }

    @Test
    void graylogApiSequentialGuessing() {
        sequentialGuessesAreThrottledThenTheRightPasswordToo(EntryPoint.GRAYLOG_API, 7);
    }

    @Test
    void graylogApiParallelGuessing() throws Exception {
        parallelGuessesAreCheckedAtMostFiveTimes(EntryPoint.GRAYLOG_API, 8);
    }

    // ---- one throttle for all of them ----------------------------------------------------------------------

    @Test
    void failuresOnAnyEntryPointCountAgainstTheSameUsername() {
        String user = account("shared");
        assertEquals(401, attempt(EntryPoint.TOKEN_API, RawHttpConnection.client(9, 1), user, guess(user, 1)).status());
        assertEquals(401, attempt(EntryPoint.TOKEN_API, RawHttpConnection.client(9, 2), user, guess(user, 2)).status());
        assertEquals(401, attempt(EntryPoint.CONSOLE, RawHttpConnection.client(9, 3), user, guess(user, 3)).status());
        assertEquals(401, attempt(EntryPoint.SEARCH_API, RawHttpConnection.client(9, 4), user, guess(user, 4)).status());
        assertEquals(401, attempt(EntryPoint.GRAYLOG_API, RawHttpConnection.client(9, 5), user, guess(user, 5)).status());
        for (EntryPoint entry : EntryPoint.values()) {
            assertThrottled(entry, attempt(entry, RawHttpConnection.client(9, 10 + entry.ordinal()), user, password(user)));
        }
    }

    @Test
    void oneAddressTryingManyUsernamesIsThrottled() {
        String from = RawHttpConnection.client(10, 1);
        for (int i = 0; i < 20; i++) {
            String user = "logs-nobody-" + i;
            assertEquals(401, attempt(EntryPoint.SEARCH_API, from, user, guess(user, i)).status(), "username " + i);
        }
        String user = account("victim-of-an-address");
        assertThrottled(EntryPoint.SEARCH_API, attempt(EntryPoint.SEARCH_API, from, user, password(user)));
        assertThrottled(EntryPoint.TOKEN_API, attempt(EntryPoint.TOKEN_API, from, user, password(user)));
        assertEquals(200, attempt(EntryPoint.TOKEN_API, RawHttpConnection.client(10, 2), user, password(user)).status(), "another address may");
    }

    @Test
    void tokensAreNeitherThrottledNorLockedOutWithTheirAddress() {
        String user = account("tokens");
        String token = SecretsInLogs.remember(operator.createToken("ldp-guess-tokens", "not-throttled").value());
        String from = RawHttpConnection.client(11, 1);
        for (int i = 0; i < 30; i++) {
            String garbage = "not-a-token-" + i;
            assertEquals(401, RawHttpConnection.get(from, gateway.searchPort(), "/" + user + "-i-*/_search",
                    "Authorization: " + RawHttpConnection.basic(garbage, "token")).status(), "unknown tokens are plain 401s");
        }
        for (int i = 0; i < 20; i++) {
            attempt(EntryPoint.SEARCH_API, from, "logs-nobody-" + i, guess(user, i));
        }
        assertThrottled(EntryPoint.SEARCH_API, attempt(EntryPoint.SEARCH_API, from, user, password(user)));
        assertEquals(200, RawHttpConnection.get(from, gateway.searchPort(), "/" + user + "-i-*/_search",
                "Authorization: " + RawHttpConnection.basic(token, "token")).status(), "the token still works from a throttled address");
        assertEquals(200, RawHttpConnection.get(from, gateway.searchPort(), "/" + user + "-i-*/_search",
                "Authorization: " + RawHttpConnection.basic("token", token)).status());
    }

    // ---- the operator key ------------------------------------------------------------------------------------

    @Test
    void operatorKeyGuessesAreThrottledPerAddressSequentially() {
        String from = RawHttpConnection.client(12, 1);
        for (int i = 0; i < 20; i++) {
            assertEquals(401, adminCall(from, "Bearer " + GatewayProcess.randomKey()).status(), "guess " + i);
        }
        RawHttpConnection.Response throttled = adminCall(from, "Bearer " + GatewayProcess.randomKey());
        assertEquals(429, throttled.status());
        assertTrue(throttled.body().contains("\"class\":\"Client::TooManyRequests\""), throttled.body());
        assertNotNull(throttled.header("Retry-After"));
        assertEquals(429, adminCall(from, "Bearer " + ADMIN_KEY).status(), "the right key too, from that address");
        assertEquals(200, adminCall(RawHttpConnection.client(12, 2), "Bearer " + ADMIN_KEY).status(), "the operator elsewhere is not locked out");
    }

    @Test
    void operatorKeyGuessesAreThrottledPerAddressInParallel() throws Exception {
        String from = RawHttpConnection.client(13, 1);
        List<Integer> statuses = inParallel(32, i -> adminCall(from, "Bearer " + GatewayProcess.randomKey()).status());
        assertEquals(20, statuses.stream().filter(s -> s == 401).count(), statuses.toString());
        assertEquals(12, statuses.stream().filter(s -> s == 429).count(), statuses.toString());
        assertEquals(429, adminCall(from, "Bearer " + ADMIN_KEY).status());
    }

    @Test
    void operatorKeyGuessesInTheConsoleAndOnHealthDetailsCountToo() {
        String from = RawHttpConnection.client(14, 1);
        for (int i = 0; i < 10; i++) {
            assertEquals(401, consoleSignIn(from, "method=operator&key=" + GatewayProcess.randomKey()).status());
            assertEquals(401, RawHttpConnection.get(from, gateway.managementPort(), "/q/health", "Authorization: Bearer " + GatewayProcess.randomKey()).status());
        }
        assertEquals(429, consoleSignIn(from, "method=operator&key=" + ADMIN_KEY).status());
        assertEquals(429, RawHttpConnection.get(from, gateway.managementPort(), "/q/health", "Authorization: Bearer " + ADMIN_KEY).status());
    }

    private static RawHttpConnection.Response adminCall(String from, String authorization) {
        return RawHttpConnection.get(from, gateway.managementPort(), "/admin/services", "Authorization: " + authorization);
    }

    @Test
    void anOperatorKeyOfLessThan32RandomBytesIsRefusedAtStartup() {
        for (String weak : List.of("test-operator-key-0123456789abcdef", "00".repeat(32), "0123456789abcdef".repeat(4))) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> GatewayProcess.builder("weak-key")
                    .adminKey(weak)
                    .dataDir(Path.of("target", "it-data", "weak-key-" + System.nanoTime()))
                    .elasticsearchUpstream(OpenSearchServer.get().uri())
                    .graylogUpstream(graylog.uri())
                    .start());
            assertTrue(refused.getMessage().contains("gateway.admin.key must be at least 32 random bytes"), refused.getMessage());
        }
    }

    // ---- what the operator sees ------------------------------------------------------------------------------

    @Test
    void theAuditTrailNamesTheClientAndTheUsernameAndTheMetricsCountTheRefusals() throws Exception {
        String user = account("audited");
        String from = RawHttpConnection.client(15, 7);
        for (int i = 0; i < 6; i++) {
            attempt(EntryPoint.GRAYLOG_API, from, user, guess(user, i));
            Thread.sleep(250); // within the audit trail's budget of one client
        }
        String output = Files.readString(gateway.output());
        assertTrue(output.contains("\"event\":\"auth.failed\",\"listener\":\"graylog\",\"client\":\"" + from + "\",\"username\":\"" + user + "\""),
                "auth.failed names the client and the username");
        assertTrue(output.contains("\"event\":\"auth.throttled\",\"listener\":\"graylog\",\"client\":\"" + from + "\",\"username\":\"" + user + "\""),
                "auth.throttled too");
        for (String listener : List.of("management", "console", "elasticsearch", "graylog")) {
            assertTrue(Pattern.compile("\"event\":\"auth.failed\",\"listener\":\"" + listener + "\",\"client\":\"127\\.").matcher(output).find(),
                    "auth.failed on " + listener);
        }
        String metrics = RawHttpConnection.get(RawHttpConnection.client(15, 8), gateway.managementPort(), "/q/metrics").body();
        assertTrue(Pattern.compile("gateway_auth_throttled_total\\{listener=\"graylog\"} [1-9]").matcher(metrics).find(), "throttled checks counted");
        assertTrue(metrics.contains("gateway_auth_throttle_tracked"), "the tracked keys too");
        assertFalse(output.contains("Right-Password-Of-"), "no password in the output");
    }

    /** Runs {@code n} attempts at once (released together) and answers their results. */
    private static <T> List<T> inParallel(int n, java.util.function.IntFunction<T> attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<T> task = () -> {
                    start.await();
                    return attempt.apply(index);
                };
                answers.add(pool.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> answer : answers) {
                results.add(answer.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
