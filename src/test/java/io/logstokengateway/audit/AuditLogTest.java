package io.logstokengateway.audit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.ExtLogRecord;
import org.jboss.logmanager.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuditLogTest {

    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final ExtHandler capture = new ExtHandler() {
        @Override
        protected void doPublish(ExtLogRecord record) {
            lines.add(record.getFormattedMessage());
        }
    };
    private final Logger category = Logger.getLogger("gateway.audit");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void capture() {
        category.addHandler(capture);
    }

    @AfterEach
    void release() {
        category.removeHandler(capture);
    }

    private static Clock at(long millis) {
        return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    private long count(String fragment) {
        return lines.stream().filter(line -> line.contains(fragment)).count();
    }

    @Test
    void changesAreAlwaysWrittenAsJson() {
        AuditLog audit = new AuditLog(1, 1, at(0), meters);
        for (int i = 0; i < 5; i++) {
            audit.change("token.created", "operator", Map.of("service", "ldp-1", "tokenId", "t" + i));
        }
        assertEquals(5, lines.size());
        assertTrue(lines.get(0).startsWith("{\"time\":\"1970-01-01T00:00:00Z\",\"event\":\"token.created\",\"actor\":\"operator\""), lines.get(0));
    }

    @Test
    void aFloodingClientGetsItsShareAndTheRestIsCountedOnceTheSecondIsOver() {
        MovingClock clock = new MovingClock(1_000);
        AuditLog audit = new AuditLog(20, 3, clock, meters);
        for (int i = 0; i < 100; i++) {
            audit.clientEvent("auth.failed", "10.0.0.1", Map.of("listener", "elasticsearch"));
        }
        assertEquals(3, lines.size());
        clock.millis = 2_000;
        audit.reportSuppressed();
        assertEquals(4, lines.size());
        assertTrue(lines.get(3).contains("\"event\":\"audit.suppressed\",\"type\":\"auth.failed\",\"count\":97"), lines.get(3));
        assertEquals(97.0, meters.counter("gateway.audit.suppressed", "type", "auth.failed").count(), "and counted in the metrics");
        audit.clientEvent("auth.failed", "10.0.0.1", Map.of("listener", "elasticsearch"));
        assertEquals(5, lines.size(), "a new second, a new share");
    }

    @Test
    void oneFloodingClientDoesNotCrowdOutAnother() {
        AuditLog audit = new AuditLog(20, 3, at(1_000), meters);
        for (int i = 0; i < 1_000; i++) {
            audit.clientEvent("auth.failed", "10.0.0.1", Map.of("client", "10.0.0.1"));
        }
        audit.clientEvent("auth.failed", "10.0.0.2", Map.of("client", "10.0.0.2"));
        assertEquals(1, count("\"client\":\"10.0.0.2\""), "the other client's failure is written");
    }

    @Test
    void eachEventTypeHasItsOwnBudget() {
        AuditLog audit = new AuditLog(5, 1, at(1_000), meters);
        for (int i = 0; i < 100; i++) {
            audit.clientEvent("auth.failed", "10.0.0." + i, Map.of());
        }
        audit.clientEvent("auth.throttled", "10.0.1.1", Map.of());
        assertEquals(5, count("\"event\":\"auth.failed\""), "the type's budget, spread over many clients");
        assertEquals(1, count("\"event\":\"auth.throttled\""), "another type is not crowded out");
    }

    @Test
    void eventsOfAuthenticatedCallersAreNeverDropped() {
        AuditLog audit = new AuditLog(2, 1, at(1_000), meters);
        for (int i = 0; i < 500; i++) {
            audit.clientEvent("auth.failed", "10.0.0." + (i % 200), Map.of());
            audit.callerEvent("scope.denied", Map.of("tokenId", "t" + i));
        }
        assertEquals(500, count("\"event\":\"scope.denied\""));
        assertEquals(2, count("\"event\":\"auth.failed\""));
    }

    @Test
    void anAttemptNamesTheUsernameButNeverWhatCouldBeASecret() {
        Map<String, Object> details = AuditLog.attempt("console", "10.0.0.1", "logs-ab-12345");
        assertEquals(Map.of("listener", "console", "client", "10.0.0.1", "username", "logs-ab-12345"), details);
        String tokenShaped = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst";
        for (String notAUsername : List.of(tokenShaped, "x".repeat(500), "pass word!", "line\nbreak")) {
            assertEquals(AuditLog.WITHHELD, AuditLog.attempt("graylog", "10.0.0.1", notAUsername).get("username"), notAUsername);
        }
        assertEquals(Map.of("listener", "graylog", "client", "unknown"), AuditLog.attempt("graylog", null, null));
    }

    /** A clock the test moves by hand. */
    private static final class MovingClock extends Clock {
        long millis;

        MovingClock(long millis) {
            this.millis = millis;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
