package io.logstokengateway.audit;

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

    @Test
    void changesAreAlwaysWrittenAsJson() {
        AuditLog audit = new AuditLog(1, at(0));
        for (int i = 0; i < 5; i++) {
            audit.change("token.created", "operator", Map.of("service", "ldp-1", "tokenId", "t" + i));
        }
        assertEquals(5, lines.size());
        assertTrue(lines.get(0).startsWith("{\"time\":\"1970-01-01T00:00:00Z\",\"event\":\"token.created\",\"actor\":\"operator\""), lines.get(0));
    }

    @Test
    void aFloodOfRequestEventsIsCutAndTheDroppedOnesCounted() {
        MovingClock clock = new MovingClock(1_000);
        AuditLog audit = new AuditLog(3, clock);
        for (int i = 0; i < 100; i++) {
            audit.requestEvent("auth.failed", null, Map.of("listener", "elasticsearch"));
        }
        assertEquals(3, lines.size());
        clock.millis = 2_000;
        audit.requestEvent("auth.failed", null, Map.of("listener", "elasticsearch"));
        assertEquals(5, lines.size());
        assertTrue(lines.get(3).contains("\"event\":\"audit.suppressed\",\"count\":97"), lines.get(3));
        assertTrue(lines.get(4).contains("\"event\":\"auth.failed\""), lines.get(4));
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
