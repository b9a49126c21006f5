package io.logstokengateway.auth;

import io.logstokengateway.config.GatewayConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The throttle's arithmetic, on a clock moved by hand: 5 failures per username and 20 per address in 15 minutes. */
class GuessThrottleTest {

    private final MovingClock clock = new MovingClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final GuessThrottle throttle = new GuessThrottle(settings(5, 20, Duration.ofMinutes(15)),
            new MemoryAttemptLedger(1000, clock), clock, meters);

    @Test
    void fiveFailuresForAUsernameThenEveryAttemptIsRefusedWithTheWait() {
        for (int i = 0; i < 5; i++) {
            assertEquals(Optional.empty(), throttle.admit("management", "10.0.0." + i, "logs-ab-1"), "attempt " + i);
        }
        Optional<Duration> wait = throttle.admit("management", "10.0.0.99", "logs-ab-1");
        assertEquals(Optional.of(Duration.ofMinutes(3)), wait, "one attempt back every 15 min / 5");
        assertTrue(throttle.check("console", "10.0.0.98", "LOGS-AB-1").isPresent(), "any case of the username");
        assertEquals(2.0, meters.counter("gateway.auth.throttled", "listener", "management").count()
                + meters.counter("gateway.auth.throttled", "listener", "console").count());
    }

    @Test
    void theBudgetRefillsSteadily() {
        for (int i = 0; i < 5; i++) {
            throttle.admit("elasticsearch", "10.0.0.1", "logs-ab-2");
        }
        clock.advance(Duration.ofMinutes(2));
        assertEquals(Optional.of(Duration.ofMinutes(1)), throttle.admit("elasticsearch", "10.0.0.1", "logs-ab-2"));
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Optional.empty(), throttle.admit("elasticsearch", "10.0.0.1", "logs-ab-2"), "one place back");
        assertTrue(throttle.admit("elasticsearch", "10.0.0.1", "logs-ab-2").isPresent(), "and only one");
    }

    @Test
    void aRefusedAttemptCostsNothingSoWaitingIsEnough() {
        for (int i = 0; i < 5; i++) {
            throttle.admit("graylog", "10.0.0.1", "logs-ab-3");
        }
        for (int i = 0; i < 1000; i++) {
            throttle.admit("graylog", "10.0.0.1", "logs-ab-3");
        }
        clock.advance(Duration.ofMinutes(3));
        assertEquals(Optional.empty(), throttle.admit("graylog", "10.0.0.1", "logs-ab-3"));
    }

    @Test
    void aSuccessIsRefundedSoOnlyFailuresAccumulate() {
        for (int i = 0; i < 50; i++) {
            assertEquals(Optional.empty(), throttle.admit("console", "10.0.0.1", "logs-ab-4"));
            throttle.refund("10.0.0.1", "logs-ab-4");
        }
    }

    @Test
    void oneAddressTryingManyUsernamesIsThrottledByAddress() {
        for (int i = 0; i < 20; i++) {
            assertEquals(Optional.empty(), throttle.admit("elasticsearch", "10.0.0.7", "logs-user-" + i));
        }
        assertEquals(Optional.of(Duration.ofSeconds(45)), throttle.admit("elasticsearch", "10.0.0.7", "logs-fresh-user"));
        assertEquals(Optional.empty(), throttle.admit("elasticsearch", "10.0.0.8", "logs-fresh-user"), "another address may");
    }

    @Test
    void anAddressRefusedForItsUsernameIsNotChargedForIt() {
        for (int i = 0; i < 5; i++) {
            throttle.admit("management", "10.0.0.1", "logs-ab-5");
        }
        for (int i = 0; i < 100; i++) {
            throttle.admit("management", "10.0.0.1", "logs-ab-5");
        }
        for (int i = 0; i < 15; i++) {
            assertEquals(Optional.empty(), throttle.admit("management", "10.0.0.1", "logs-other-" + i), "address budget left: " + i);
        }
    }

    @Test
    void operatorKeyAttemptsCountPerAddressOnly() {
        for (int i = 0; i < 20; i++) {
            assertEquals(Optional.empty(), throttle.admit("management", "10.0.0.9", null));
        }
        assertTrue(throttle.admit("management", "10.0.0.9", null).isPresent());
        assertEquals(Optional.empty(), throttle.admit("management", "10.0.0.10", null));
    }

    @Test
    void anIpv6ClientCountsByItsSlash64() {
        assertEquals(GuessThrottle.addressKey("2001:db8:1:2:aaaa::1"), GuessThrottle.addressKey("2001:db8:1:2:bbbb:cccc:dddd:eeee"));
        assertNotEquals(GuessThrottle.addressKey("2001:db8:1:2::1"), GuessThrottle.addressKey("2001:db8:1:3::1"));
        assertNotEquals(GuessThrottle.addressKey("10.0.0.1"), GuessThrottle.addressKey("10.0.0.2"));
    }

    @Test
    void parallelAttemptsTakeAtMostTheBudget() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Optional<Duration>>> answers = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String address = "10.1.0." + i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return throttle.admit("console", address, "logs-parallel");
                }));
            }
            start.countDown();
            int admitted = 0;
            for (Future<Optional<Duration>> answer : answers) {
                admitted += answer.get(10, TimeUnit.SECONDS).isEmpty() ? 1 : 0;
            }
            assertEquals(5, admitted);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUp() {
        assertEquals(1, GuessThrottle.retryAfterSeconds(Duration.ofMillis(1)));
        assertEquals(45, GuessThrottle.retryAfterSeconds(Duration.ofSeconds(45)));
        assertEquals(46, GuessThrottle.retryAfterSeconds(Duration.ofMillis(45_001)));
        assertFalse(GuessThrottle.retryAfterSeconds(Duration.ZERO) < 1);
    }

    private static GatewayConfig.Throttle settings(int perUsername, int perAddress, Duration window) {
        return new GatewayConfig.Throttle() {
            @Override
            public int failuresPerUsername() {
                return perUsername;
            }

            @Override
            public int failuresPerAddress() {
                return perAddress;
            }

            @Override
            public Duration window() {
                return window;
            }

            @Override
            public int maxTracked() {
                return 1000;
            }
        };
    }

    /** A clock the test moves by hand. */
    private static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
